/**
 * Scale out: a recording made by the Node command as a Zarr v3 store (and as Zarr v2, the way
 * xarray / zarr-python 2 lay one out), served by another server (another origin, with CORS),
 * opened in the explorer by URL and read lazily over HTTP.
 */
import { openPanel } from '../helpers/panels';
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { recordCli } from '../helpers/cliInProcess';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { readNpy } from '../../src/lib/export/npy';

const root = join(import.meta.dirname, '../..');
/** The store's own server: beside the app's port, so checkouts running at once do not collide. */
const PORT = Number(process.env.E2E_PORT ?? 4179) + 11;
const dir = mkdtempSync(join(tmpdir(), 'cellscope-zarr-'));
let server: Server;

test.beforeAll(async () => {
  writeFileSync(
    join(dir, 'corpus.txt'),
    readFileSync(join(root, 'static/corpora/stb_c_lexer.h.txt'), 'utf8').slice(0, 3000)
  );
  const record = (zarr: string, version: string) =>
    recordCli([
      '--model',
      join(root, 'models/code-lstm.onnx'),
      '--out',
      join(dir, `npy-v${version}`),
      '--text',
      join(dir, 'corpus.txt'),
      '--streams',
      'h,c',
      '--chunk',
      '1024',
      '--zarr',
      join(dir, zarr),
      '--zarr-version',
      version
    ]);
  await record('rec.zarr', '3');
  await record('rec2.zarr', '2');
  for (const [name, attributes] of [
    ['plain.zarr', {}],
    ['future.zarr', { cellscope: { format: 'cellscope-record/9' } }]
  ] as const) {
    mkdirSync(join(dir, name));
    writeFileSync(
      join(dir, name, 'zarr.json'),
      JSON.stringify({ zarr_format: 3, node_type: 'group', attributes })
    );
  }
  server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    try {
      if (!path.startsWith(dir)) throw new Error('outside');
      res.end(readFileSync(path));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  }).listen(PORT, '127.0.0.1');
});
test.afterAll(() => server?.close());

/** Hover t = 40: the inspector shows L1.fwd.h at t = 40 as the .npy written alongside has it. */
async function expectInspectorAt40(page: Page) {
  await page.locator('[data-t="40"]').hover();
  await expect(page.getByTestId('inspector-t')).toHaveText('40');
  const h = readNpy(new Uint8Array(readFileSync(join(dir, 'npy-v3', 'L1.fwd.h.npy'))));
  const row = (h.data as Float32Array).subarray(40 * 256, 41 * 256);
  const shown = await page.locator('aside[aria-label="Inspector"] tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({
      unit: Number(r.querySelector('td')!.textContent),
      value: Number(r.querySelector('.value')!.textContent!.trim().replace('\u2212', '-'))
    }))
  );
  expect(shown).toHaveLength(20);
  shown.forEach((s) => expect(Math.abs(s.value - row[s.unit])).toBeLessThan(5.1e-5));
}

test('the explorer opens a Zarr recording by URL and shows exactly its values', async ({
  page
}) => {
  await page.goto(`/explore?src=${encodeURIComponent(`http://127.0.0.1:${PORT}/rec.zarr`)}`);
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('position')).toContainText('of 3,000');
  await expectInspectorAt40(page);
  // The LM head's predictions stored with it: top-5 next tokens shown as characters (the
  // vocabulary comes with the store), the loss, and the LM loss track.
  const predictions = page.getByTestId('predictions').locator('.pred');
  await expect(predictions).toHaveCount(5);
  await expect(predictions.first()).not.toContainText('#');
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText(
    /loss \d+\.\d\d nats/
  );
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: 'LM loss per token' }).check();
  await expect(page.locator('[data-track="loss"]')).toBeVisible();
  // Another stream, across a chunk boundary (1,024).
  await page.getByRole('combobox', { name: 'Stream', exact: true }).selectOption('L0.fwd.c');
  await page.getByRole('slider', { name: 'Position in the corpus' }).fill('1000');
  await expect(page.getByTestId('position')).toContainText('t 1,000');
  await page.locator('[data-t="1030"]').hover(); // in the second chunk
  await expect(page.getByTestId('inspector-t')).toHaveText('1,030');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the explorer opens a Zarr v2 recording (.zgroup, .zattrs, .zarray) the same way', async ({
  page
}) => {
  await page.goto(`/explore?src=${encodeURIComponent(`http://127.0.0.1:${PORT}/rec2.zarr`)}`);
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('position')).toContainText('of 3,000');
  await expectInspectorAt40(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

for (const [what, path, message] of [
  ['a missing store', 'nope.zarr', /answered HTTP 404/],
  ['a Zarr store that is not a recording', 'plain.zarr', /not a cellscope recording/],
  ['a recording of another format version', 'future.zarr', /format cellscope-record\/9/],
  ['an unreachable server', null, /Cannot reach/]
] as const) {
  test(`opening ${what} by URL says so`, async ({ page }) => {
    const url = path ? `http://127.0.0.1:${PORT}/${path}` : 'http://127.0.0.1:4199/rec.zarr';
    await page.goto(`/explore?src=${encodeURIComponent(url)}`);
    await expect(page.getByText('Nothing to explore here')).toBeVisible();
    await expect(page.locator('.empty')).toContainText(message);
  });
}
