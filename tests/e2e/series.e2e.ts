/**
 * A time-series model in the browser: add a float-feature RNN and a CSV (a doc column, three
 * inputs, a regime label), record it, check IndexedDB's values against onnxruntime-node running
 * the unmodified model on the second document alone (the state resets there), then explore it:
 * the inputs as small multiples under the heatmap, the hovered row's columns in the inspector,
 * the regime column as a track, and every unit ranked against it.
 */
import { expect, test } from '../helpers/browserTest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { recordings, storedRow } from '../helpers/idb';
import { openPanel } from '../helpers/panels';

const model = readFileSync(join(import.meta.dirname, '../fixtures/rnn/rnn_tanh/model.onnx'));
const ROWS = [300, 200];
const feature = (r: number, k: number) =>
  +(Math.sin(0.21 * r + 1.3 * k) * (1 + 0.1 * k)).toFixed(5);
const regime = (r: number) => (Math.floor(r / 37) % 2 ? 'storm' : 'calm');

function csv(): string {
  const lines = ['doc,a,b,c,regime'];
  let r = 0;
  ROWS.forEach((n, d) => {
    for (let i = 0; i < n; i++, r++)
      lines.push(
        [`run ${d + 1}`, feature(r, 0), feature(r, 1), feature(r, 2), regime(r)].join(',')
      );
  });
  return lines.join('\n') + '\n';
}

test('a CSV time series records in the browser and explores like text', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await page.getByLabel('Add model…').first().setInputFiles({
    name: 'series-rnn.onnx',
    mimeType: 'application/octet-stream',
    buffer: model
  });
  await expect(page.getByRole('status')).toContainText(
    'Added model "series-rnn.onnx". It takes float features per step'
  );
  await page
    .getByLabel('Add corpus…')
    .first()
    .setInputFiles({
      name: 'sensors.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv())
    });
  await expect(page.getByRole('status')).toContainText(
    'Added time series "sensors.csv": 500 steps, 5 columns, 2 documents.'
  );
  await expect(page.getByRole('list', { name: 'Corpora' })).toContainText('500 steps · 5 columns');
  await page
    .getByRole('combobox', { name: 'Model to record' })
    .selectOption({ label: 'series-rnn.onnx' });
  await page
    .getByRole('combobox', { name: 'Corpus to record' })
    .selectOption({ label: 'sensors.csv' });
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });

  // The second document starts from a fresh state: its 6th step equals the model run on it alone.
  const [rec] = await recordings(page);
  expect(rec.tokens).toBe(500);
  const x = new Float32Array(6 * 3);
  for (let i = 0; i < 6; i++) for (let k = 0; k < 3; k++) x[i * 3 + k] = feature(300 + i, k);
  const session = await ort.InferenceSession.create(model);
  const y = (await session.run({ x: new ort.Tensor('float32', x, [6, 1, 3]) })).y
    .data as Float32Array;
  const row = await storedRow(page, {
    recordingId: rec.id,
    stream: 'L1.fwd.h',
    t: 305,
    chunkSize: rec.chunkSize,
    units: 6,
    chunk: { index: 1, start: 300 } // chunks never cross documents
  });
  for (let u = 0; u < 6; u++) expect(Math.abs(row[u] - y[5 * 6 + u])).toBeLessThan(0.005);

  await item.getByRole('link', { name: 'Open' }).click();
  for (const c of ['a', 'b', 'c'])
    await expect(page.locator(`svg[data-series="${c}"]`)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Tokens' })).toHaveCount(0);
  const chart = (await page.locator('svg[data-series="a"]').boundingBox())!;
  await page.mouse.move(chart.x + 40, chart.y + chart.height / 2);
  const columns = page.getByTestId('inspector-columns');
  await expect(columns).toContainText('regime');
  await expect(page.getByTestId('inspector-t')).not.toBeEmpty();
  const t = Number(await page.getByTestId('inspector-t').textContent());
  await expect(columns).toContainText(regime(t));
  await expect(columns).toContainText(String(feature(t, 1)));

  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: /^regime/ }).check();
  await expect(page.locator('[data-track="csv:regime"]')).toBeVisible();
  await expect(page.getByTestId('track-legend')).toContainText('calm');
  await expect(page).toHaveURL(/track=csv%3Aregime/);

  await openPanel(page, 'Rank');
  await page
    .getByRole('region', { name: 'Rank units by a track' })
    .getByRole('button', { name: 'Rank all units' })
    .click();
  const table = page.getByTestId('rank-results').getByTestId('rank-table');
  await expect(table.locator('tbody tr').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('rank-results')).toContainText('regime is calm');
  await page.screenshot({ path: 'test-results/series-1280.png' });

  // Select a unit by number and match it over the whole series: rows shaded, tracks under them.
  await openPanel(page, 'Select');
  const select = page.getByRole('region', { name: 'Select' });
  await select.getByPlaceholder('unit').fill('0');
  await select.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Match', exact: true }).click();
  const rows = page.getByRole('list', { name: 'Match results' }).getByRole('listitem');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  await expect(rows.first().locator('[data-track="csv:regime"]')).toBeAttached();

  // The atlas made after recording explains units by the CSV's columns, not by text patterns.
  await openPanel(page, 'Atlas');
  const atlas = page.getByRole('region', { name: 'Atlas: what each unit tracks' });
  await expect(atlas).toContainText(/regime is (calm|storm)|\b[abc]\b/, { timeout: 60_000 });
  await expect(atlas).not.toContainText('in string');
});
