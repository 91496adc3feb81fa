/**
 * A model whose recurrence is an ONNX Loop (torch.jit.script), in the browser: upload it and its
 * corpus, record h and c, and check IndexedDB's values against torch's states
 * (tests/fixtures/loop, made by make_loop_lm.py): each document runs whole. And one whose
 * recurrence is unrolled steps of a fixed length (tests/fixtures/unrolled): it runs in windows,
 * its state carried through its h0/c0 inputs.
 */
import { expect, test } from '../helpers/browserTest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordings, storedRow } from '../helpers/idb';

const dir = join(import.meta.dirname, '../fixtures/loop');

test('a Loop model records in the browser; its h equals torch', async ({ page }) => {
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page
    .getByLabel('Add model…')
    .first()
    .setInputFiles({
      name: 'loop_lm.onnx',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(dir, 'loop_lm.onnx'))
    });
  await expect(page.getByRole('status')).toContainText('Added model "loop_lm.onnx"');
  await page
    .getByLabel('Add corpus…')
    .first()
    .setInputFiles({
      name: 'loop.c',
      mimeType: 'text/plain',
      buffer: readFileSync(join(dir, 'corpus.txt'))
    });
  await page
    .getByRole('combobox', { name: 'Model to record' })
    .selectOption({ label: 'loop_lm.onnx' });
  await page.getByRole('combobox', { name: 'Corpus to record' }).selectOption({ label: 'loop.c' });
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h,c');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const [rec] = await recordings(page);
  // One document (the whole file): torch's first document is its first steps.
  const n = ref.documents[1];
  const row = await storedRow(page, {
    recordingId: rec.id,
    stream: 'L0.fwd.h',
    t: 3,
    chunkSize: rec.chunkSize,
    units: 8
  });
  for (let u = 0; u < 8; u++) expect(Math.abs(row[u] - ref.h[3][u])).toBeLessThan(0.005);
  expect(n).toBeGreaterThan(3);
  await item.getByRole('link', { name: 'Open' }).click();
  const stream = page.getByRole('combobox', { name: 'Stream' });
  await expect(stream).toContainText('L0.fwd.h (8 units)');
  await expect(stream).toContainText('L0.fwd.c (8 units)');
  await page.screenshot({ path: 'test-results/loop-model-1280.png' });
});

test('an unrolled cell of fixed length records in windows in the browser; its h and c equal torch', async ({
  page
}) => {
  // tests/fixtures/unrolled (make_unrolled.py): an LSTM cell traced over 16 steps, h0/c0 inputs.
  const unrolled = join(import.meta.dirname, '../fixtures/unrolled');
  const ref = JSON.parse(readFileSync(join(unrolled, 'state_lstm.reference.json'), 'utf8'));
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page
    .getByLabel('Add model…')
    .first()
    .setInputFiles({
      name: 'state_lstm.onnx',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(unrolled, 'state_lstm.onnx'))
    });
  await expect(page.getByRole('status')).toContainText('Added model "state_lstm.onnx"');
  await page
    .getByLabel('Add corpus…')
    .first()
    .setInputFiles({
      name: 'cats.txt',
      mimeType: 'text/plain',
      buffer: readFileSync(join(unrolled, 'state_lstm.corpus.txt'))
    });
  // A cell that builds its state inside: a document longer than 16 tokens is refused up front.
  await page
    .getByLabel('Add model…')
    .first()
    .setInputFiles({
      name: 'reset_gru.onnx',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(unrolled, 'reset_gru.onnx'))
    });
  await expect(page.getByRole('status')).toContainText('Added model "reset_gru.onnx"');
  await page
    .getByLabel('Add corpus…')
    .first()
    .setInputFiles({
      name: 'code.txt',
      mimeType: 'text/plain',
      buffer: readFileSync(join(unrolled, 'reset_gru.corpus.txt'))
    });
  await page
    .getByRole('combobox', { name: 'Model to record' })
    .selectOption({ label: 'reset_gru.onnx' });
  await page
    .getByRole('combobox', { name: 'Corpus to record' })
    .selectOption({ label: 'code.txt' });
  await expect(page.locator('.note .error-text')).toContainText(
    'Document 1 ("code.txt") has 33 tokens, but this model\'s graph takes exactly 16 tokens per run and builds its initial state inside'
  );
  await expect(page.getByRole('button', { name: 'Record', exact: true })).toBeDisabled();
  await page.locator('form.new').screenshot({ path: 'test-results/unrolled-refused-form.png' });
  await page
    .getByRole('combobox', { name: 'Model to record' })
    .selectOption({ label: 'state_lstm.onnx' });
  await page
    .getByRole('combobox', { name: 'Corpus to record' })
    .selectOption({ label: 'cats.txt' });
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h,c');
  // The form says what the fixed length means before anything runs.
  await expect(page.getByTestId('window-note')).toContainText(
    'recorded in windows of 16, each starting from the state the one before ended in (fed to h0 and c0)'
  );
  await page.locator('form.new').screenshot({ path: 'test-results/unrolled-record-form.png' });
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const [rec] = await recordings(page);
  expect(rec.tokens).toBe(ref.whole.h.length);
  // One document (the whole file): step 40 is in the third window, after two carried states.
  for (const [stream, want] of [
    ['L0.fwd.h', ref.whole.h],
    ['L0.fwd.c', ref.whole.c]
  ] as const) {
    const row = await storedRow(page, {
      recordingId: rec.id,
      stream,
      t: 40,
      chunkSize: rec.chunkSize,
      units: 8
    });
    for (let u = 0; u < 8; u++) expect(Math.abs(row[u] - want[40][u]), stream).toBeLessThan(0.01);
  }
  await item.getByRole('link', { name: 'Open' }).click();
  const stream = page.getByRole('combobox', { name: 'Stream' });
  await expect(stream).toContainText('L0.fwd.h (8 units)');
  await expect(stream).toContainText('L0.fwd.c (8 units)');
  await page.screenshot({ path: 'test-results/unrolled-model-1280.png' });
});
