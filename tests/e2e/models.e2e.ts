/**
 * Bring-your-own-model in the browser: upload a torch-exported bidirectional GRU and a 2-layer LSTM
 * (no tokenizer metadata), give each a vocabulary file and a corpus, record every stream, and
 * check what IndexedDB holds against the fixtures' torch references.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/lib/export/npy';
import { recordings, storedRow } from '../helpers/idb';

const fixtures = join(import.meta.dirname, '../fixtures/rnn');
const letters = 'abcdefghijklmnopqrstuvwxyz';

async function upload(page: Page, label: string, name: string, buffer: Buffer) {
  await page
    .getByLabel(label)
    .first()
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
}

// Rows of each fixture's embedding table (its vocabulary size).
const vocabSizes: Record<string, number> = { gru_bidir_tokens: 12, lstm2_tokens_batchfirst: 16 };

for (const name of Object.keys(vocabSizes)) {
  test(`${name}: upload, add vocabulary, record all streams, stored values match the torch references`, async ({
    page
  }) => {
    const dir = join(fixtures, name);
    const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
    const ids = Array.from(
      readNpy(new Uint8Array(readFileSync(join(dir, 'feed.tokens.npy')))).data as BigInt64Array,
      Number
    );
    const vocabSize = vocabSizes[name];

    await page.goto('/');
    await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
    await upload(page, 'Add model…', `${name}.onnx`, readFileSync(join(dir, 'model.onnx')));
    await expect(page.getByRole('status')).toContainText('It has no vocabulary');
    const card = page.locator(`article[data-model="${name}.onnx"]`);
    await card.getByText('Model card').click();
    await expect(card).toContainText(meta.op === 'GRU' ? 'bidirectional' : 'LSTM');

    // One letter per token id: a vocabulary "a b c …" (one per line) and a corpus spelling the ids.
    const vocab = letters.slice(0, vocabSize).split('').join('\n');
    await card
      .getByLabel('Add vocabulary…')
      .setInputFiles({ name: 'letters.txt', mimeType: 'text/plain', buffer: Buffer.from(vocab) });
    await expect(card).toContainText('vocabulary:');
    await upload(
      page,
      'Add corpus…',
      `${name}.txt`,
      Buffer.from(ids.map((i) => letters[i]).join(''))
    );

    await page
      .getByRole('combobox', { name: 'Model to record' })
      .selectOption({ label: `${name}.onnx` });
    await page
      .getByRole('combobox', { name: 'Corpus to record' })
      .selectOption({ label: `${name}.txt` });
    await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('all');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
    await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });

    const [rec] = await recordings(page);
    const streams: string[] = meta.streams;
    // Stored as 8-bit tiles: within the codec's documented error of the torch values — 2/510 for
    // h and gates (fixed range), each unit's range / 510 for c.
    for (const stream of streams) {
      const ref = readNpy(new Uint8Array(readFileSync(join(dir, `ref.${stream}.npy`))));
      const [T, units] = ref.shape;
      const data = ref.data as Float32Array;
      const tol = Array.from({ length: units }, (_, j) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let t = 0; t < T; t++) {
          lo = Math.min(lo, data[t * units + j]);
          hi = Math.max(hi, data[t * units + j]);
        }
        return stream.endsWith('.c') ? (hi - lo) / 510 + 1e-5 : 2 / 510 + 1e-5;
      });
      for (let t = 0; t < T; t++) {
        const row = await storedRow(page, {
          recordingId: rec.id,
          stream,
          t,
          chunkSize: rec.chunkSize,
          units
        });
        row.forEach((v, j) =>
          expect(Math.abs(v - data[t * units + j]), `${stream}[${t}][${j}]`).toBeLessThanOrEqual(
            tol[j]
          )
        );
      }
    }

    // The explorer offers every stream.
    await item.getByRole('link', { name: 'Open' }).click();
    await expect(page).toHaveURL(/\/explore\?rec=/);
    const select = page.getByRole('combobox', { name: 'Stream', exact: true });
    await expect(select.locator('option')).toHaveCount(streams.length);
    const options = await select.locator('option').allTextContents();
    expect(options.map((o) => o.split(' ')[0]).sort()).toEqual([...streams].sort());
  });
}

test('the model card lists tensors with shapes; a picked tensor is recorded per token', async ({
  page
}) => {
  await page.goto('/');
  const card = page.locator('article[data-model="code-lstm.onnx"]');
  await card.getByText('Tensors').click();
  const row = card.locator('tr', { hasText: '/embed/Gather_output_0' });
  await expect(row).toContainText('Gather');
  await expect(row).toContainText('[1, 8, 64]');
  await row.getByRole('checkbox').check();
  await expect(card.getByText('Tensors (1 picked)')).toBeVisible();
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h');
  await expect(page.locator('form.new')).toContainText('3 streams');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  await expect(item).toContainText('tensor:/embed/Gather_output_0');
  await item.getByRole('link', { name: 'Open' }).click();
  const select = page.getByRole('combobox', { name: 'Stream', exact: true });
  await select.selectOption('tensor:/embed/Gather_output_0');
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await page.locator('[data-t="5"]').hover();
  await expect(page.locator('aside[aria-label="Inspector"]')).toContainText('of 64');
});
