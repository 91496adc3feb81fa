/**
 * The untrained twin in real Chromium: record a small corpus, press "Record untrained twin" (from
 * the keyboard), and the twin is recorded with progress, linked to its original in the store,
 * listed right under it, holds other states, and opens in the explorer.
 */
import { createHash } from 'node:crypto';
import { expect, test } from '../helpers/browserTest';
import { untrainedTwin } from '../../src/lib/onnx/reinit';
import { loadDemoModel } from '../helpers/modelFixture';
import { recordings, storedRow, type StoredRecording } from '../helpers/idb';
import { recordTiny } from '../helpers/recordTiny';

type Row = StoredRecording & {
  name: string;
  modelSha: string;
  twinOf?: number;
  twinSeed?: number;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('record the untrained twin of a recording, list it under its original, open it', async ({
  page
}) => {
  const { id } = await recordTiny(page, 'wasm');
  const original = page.locator(`[data-recording="${id}"]`);
  const seed = original.getByRole('spinbutton', { name: /^Seed for the untrained twin of / });
  await expect(seed).toHaveValue('1');

  // From the keyboard: the seed field, then Tab to the button, then Enter.
  await seed.focus();
  await page.keyboard.press('Tab');
  await expect(original.getByRole('button', { name: 'Record untrained twin' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText(
    'Started "untrained twin of code-lstm.onnx × tiny.c (seed 1)"'
  );
  const twinItem = page.locator(`[data-twin-of="${id}"]`);
  await expect(twinItem).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });

  const rows = (await recordings(page)) as Row[];
  const orig = rows.find((r) => r.id === id)!;
  const twin = rows.find((r) => r.twinOf === id)!;
  expect(twin).toMatchObject({
    twinOf: id,
    twinSeed: 1,
    name: 'untrained twin of code-lstm.onnx × tiny.c (seed 1)',
    status: 'complete',
    tokens: orig.tokens,
    chunkSize: orig.chunkSize,
    chunks: orig.chunks
  });
  // The browser drew the very bytes Node draws with the same seed.
  const demo = loadDemoModel();
  expect(twin.modelSha).toBe(sha(untrainedTwin(demo, 1, sha(demo)).bytes));
  await expect(twinItem.getByTestId('twin-note')).toHaveText(
    'untrained: weights re-drawn at random (seed 1), each tensor from its own mean and std'
  );

  // Listed right under its original, though it is newer.
  const order = await page
    .getByRole('list', { name: 'Recordings' })
    .locator(':scope > li')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-recording')));
  expect(order.indexOf(String(twin.id))).toBe(order.indexOf(String(id)) + 1);
  // The twin model is in the library under its own name; the next twin is offered seed 2.
  await expect(page.getByRole('list', { name: 'Models' })).toContainText(
    'code-lstm.onnx (untrained twin, seed 1)'
  );
  await expect(seed).toHaveValue('2');
  await expect(twinItem.getByRole('button', { name: 'Record untrained twin' })).toHaveCount(0);

  // Other states than the trained model's, read straight from the stored tiles.
  const at = { stream: 'L1.fwd.h', t: 10, chunkSize: orig.chunkSize, units: 256 };
  const a = await storedRow(page, { ...at, recordingId: id });
  const b = await storedRow(page, { ...at, recordingId: twin.id });
  expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(0.1);

  await twinItem.getByRole('link', { name: 'Open' }).click();
  await expect(page).toHaveURL(new RegExp(`/explore\\?rec=${twin.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(
    'untrained twin of code-lstm.onnx × tiny.c (seed 1)'
  );
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await page.waitForFunction(
    () => performance.getEntriesByName('cellscope:first-heatmap').length > 0
  );
});
