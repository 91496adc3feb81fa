/**
 * The whole path in real Chromium: first start → record the bundled demo with onnxruntime-web into
 * IndexedDB → explore it → the inspector shows exactly what the store holds → reload keeps it.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { recordings, storedRow } from '../helpers/idb';

// No request may leave the page's origin, and the CSP must never have to block anything.
test.beforeEach(async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'blob:' && url.protocol !== 'data:') expect(url.origin).toBe(origin);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') expect(m.text()).not.toMatch(/Content Security Policy|Refused to/);
  });
});

async function recordDemo(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await expect(page.getByRole('list', { name: 'Corpora' })).toContainText('stb_c_lexer.h');
  const started = Date.now();
  await page.getByRole('button', { name: 'Record the demo' }).click();
  await expect(page.getByRole('progressbar', { name: 'Recording progress' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open the demo recording' })).toBeVisible({
    timeout: 150_000
  });
  return (Date.now() - started) / 1000;
}

test('first start: the page is cross-origin isolated and ort gets one thread per core', async ({
  page
}) => {
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByRole('button', { name: 'Record the demo' })).toBeVisible();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(page.getByTestId('runtime')).toHaveText(
    `onnxruntime-web WASM · SIMD · ${cores} thread${cores > 1 ? 's' : ''} · cross-origin isolated`
  );
});

test('record the demo, explore it, inspect a token against the store, reload', async ({ page }) => {
  const seconds = await recordDemo(page);
  const [rec] = await recordings(page);
  expect(rec.status).toBe('complete');
  expect(rec.chunksDone).toBe(rec.chunks);
  expect(rec.tokens).toBe(34689);
  console.log(
    `recording: ${rec.tokens} tokens in ${seconds.toFixed(1)} s wall, recorder rate ${Math.round(rec.tokensPerSecond ?? 0)} tokens/s`
  );

  await page.getByRole('button', { name: 'Open the demo recording' }).click();
  await expect(page).toHaveURL(/\/explore\?rec=\d+/);
  const canvas = page.getByTestId('heatmap');
  await expect(canvas).toBeVisible();
  await page.waitForFunction(
    () => performance.getEntriesByName('cellscope:first-heatmap').length > 0
  );

  // The heatmap is not blank: many distinct colours, nothing transparent.
  const pixels = await canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let transparent = 0;
    for (let i = 0; i < d.length; i += 4 * 7) {
      colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (d[i + 3] === 0) transparent++;
    }
    return { colours: colours.size, transparent };
  });
  expect(pixels.colours).toBeGreaterThan(50);
  expect(pixels.transparent).toBe(0);

  // Hover token t = 40: the inspector's numbers are the stored values, largest |value| first.
  const t = 40;
  await page.locator(`[data-t="${t}"]`).hover();
  await expect(page.getByTestId('inspector-t')).toHaveText(String(t));
  const stream = await page.getByRole('combobox', { name: 'Stream', exact: true }).inputValue();
  expect(stream).toBe('L1.fwd.h');
  const row = await storedRow(page, {
    recordingId: rec.id,
    stream,
    t,
    chunkSize: rec.chunkSize,
    units: 256
  });
  const shown = await page.locator('aside[aria-label="Inspector"] tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({
      unit: Number(r.querySelector('td')!.textContent),
      text: r.querySelector('.value')!.textContent!.trim().replace('\u2212', '-'),
      title: r.querySelector('.value')!.getAttribute('title')
    }))
  );
  // Each shown value is the stored one at the precision it is stored with (8 bits: 3 decimals,
  // hovering says the step), largest |value| first, and no unit left out is larger than the last
  // one shown. (8-bit values tie often, so order among equal values is not checked.)
  expect(shown).toHaveLength(20);
  expect(new Set(shown.map((s) => s.unit)).size).toBe(20);
  shown.forEach((s) => expect(s.text).toMatch(/^[+-]\d\.\d{3}$/));
  shown.forEach((s) => expect(s.title).toBe('stored as 8 bits: step 0.0078 (±0.0039)'));
  shown.forEach((s) => expect(Math.abs(Number(s.text) - row[s.unit])).toBeLessThan(5.1e-4));
  const mags = shown.map((s) => Math.abs(row[s.unit]));
  mags.slice(1).forEach((m, i) => expect(m).toBeLessThanOrEqual(mags[i] + 1e-6));
  const hidden = row.filter((_, u) => !shown.some((s) => s.unit === u));
  hidden.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(mags[19] + 1e-6));

  // Keyboard: → moves the inspected token.
  await page.getByRole('application').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('inspector-t')).toHaveText(String(t + 1));

  // Page load → first heatmap, measured on a reload of the explorer.
  await page.reload();
  await page.waitForFunction(
    () => performance.getEntriesByName('cellscope:first-heatmap').length > 0
  );
  const firstPaintMs = await page.evaluate(
    () => performance.getEntriesByName('cellscope:first-heatmap')[0].startTime
  );
  console.log(`page load → first heatmap: ${Math.round(firstPaintMs)} ms`);
  await expect(page.getByTestId('position')).toContainText('of 34,689');

  await page.goto('/');
  const list = page.getByRole('list', { name: 'Recordings' });
  await expect(list.locator('[data-status="complete"]')).toHaveCount(1);
});

test('bad input: empty, binary and out-of-vocabulary corpora, and a corrupt model', async ({
  page
}) => {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  const alert = page.getByRole('alert');
  const addCorpus = async (name: string, buffer: Buffer) => {
    await page.getByLabel('Add corpus…').setInputFiles({ name, mimeType: 'text/plain', buffer });
  };

  await addCorpus('empty.txt', Buffer.alloc(0));
  await expect(alert).toContainText('"empty.txt" is empty');
  await addCorpus(
    'photo.png',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82])
  );
  await expect(alert).toContainText('"photo.png" looks like a binary file');
  await page.getByLabel('Add model…').setInputFiles({
    name: 'broken.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('this is not a protobuf at all, just text')
  });
  await expect(alert).toContainText(/not an ONNX model|no ONNX graph/);
  const corpora = page.getByRole('list', { name: 'Corpora' }).locator('li');
  await expect(corpora).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Models' }).getByRole('listitem')).toHaveCount(1);

  await addCorpus('accents.c', Buffer.from('int café = 1; /* naïve ✓ */\n', 'utf8'));
  await expect(page.getByRole('status')).toContainText('Added corpus "accents.c"');
  await page
    .getByRole('combobox', { name: 'Corpus to record' })
    .selectOption({ label: 'accents.c' });
  await expect(page.locator('form.new')).toContainText(
    "3 characters are outside the model's vocabulary"
  );
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  await expect(item).toContainText(
    "3 characters outside the model's vocabulary were recorded as the unknown token"
  );
});
