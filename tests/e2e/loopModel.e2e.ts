/**
 * A model whose recurrence is an ONNX Loop (torch.jit.script), in the browser: upload it and its
 * corpus, record h and c, and check IndexedDB's values against torch's states
 * (tests/fixtures/loop, made by make_loop_lm.py): each document runs whole.
 */
import { expect, test } from '@playwright/test';
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
