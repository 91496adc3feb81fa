/**
 * A Zarr store on this computer: the library opens the folder the record command wrote, through
 * the folder input (the fallback of showDirectoryPicker; Playwright gives it a directory of
 * files), with no server. The explorer shows the store's values and its documents, and the query
 * worker reads the same folder (a ranking held out by documents); so does a folder handle from
 * showDirectoryPicker. A folder that is not a store, and a reload (the browser keeps no access to
 * the folder), say what to do. The section's address field opens a store by URL.
 */
import { openPanel } from '../helpers/panels';
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { recordCli } from '../helpers/cliInProcess';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readNpy } from '../../src/lib/export/npy';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'cellscope-local-zarr-'));
let steps = 0;

test.beforeAll(async () => {
  const lines = readFileSync(join(root, 'static/corpora/paren-rnn.txt'), 'utf8').split('\n');
  const docs = Array.from({ length: 5 }, (_, d) => lines.slice(d * 2, d * 2 + 2).join('\n'));
  writeFileSync(join(dir, 'corpus.txt'), docs.join('\n\n'));
  await recordCli([
    ...['--model', join(root, 'models/paren-rnn.onnx'), '--text', join(dir, 'corpus.txt')],
    ...['--documents', 'blank-lines', '--chunk', '256'],
    ...['--out', join(dir, 'npy'), '--zarr', join(dir, 'rec.zarr')]
  ]);
  steps = JSON.parse(readFileSync(join(dir, 'npy', 'manifest.json'), 'utf8')).tokens;
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'notes', 'readme.txt'), 'not a store');
});

/** The explorer shows the store's values, and the query worker ranks its units by documents. */
async function expectStoreOpen(page: Page) {
  await expect(page).toHaveURL(/\/explore\?local=\d+/);
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('position')).toContainText(`of ${steps.toLocaleString('en')}`);
  // Hover t = 40: the inspector shows L1.fwd.h at t = 40 as the .npy written alongside has it.
  await page.getByRole('combobox', { name: 'Stream', exact: true }).selectOption('L1.fwd.h');
  await page.locator('[data-t="40"]').hover();
  await expect(page.getByTestId('inspector-t')).toHaveText('40');
  const h = readNpy(new Uint8Array(readFileSync(join(dir, 'npy', 'L1.fwd.h.npy'))));
  const row = (h.data as Float32Array).subarray(40 * 64, 41 * 64);
  const shown = await page.locator('aside[aria-label="Inspector"] tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({
      unit: Number(r.querySelector('td')!.textContent),
      value: Number(r.querySelector('.value')!.textContent!.trim().replace('\u2212', '-'))
    }))
  );
  expect(shown.length).toBeGreaterThan(5);
  shown.forEach((s) => expect(Math.abs(s.value - row[s.unit])).toBeLessThan(5.1e-5));

  // The query worker opens the same folder: a ranking, held out by the store's documents.
  await openPanel(page, 'Tracks');
  await page.getByRole('combobox', { name: 'Built-in pattern' }).selectOption('c.paren');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await openPanel(page, 'Rank');
  await page
    .getByRole('region', { name: 'Rank units by a track' })
    .getByRole('button', { name: 'Rank all units' })
    .click();
  const results = page.getByTestId('rank-results');
  await expect(results.getByTestId('rank-table').locator('tbody tr').first()).toBeVisible();
  await expect(results).toContainText(
    `128 units of 2 streams · ${steps.toLocaleString('en')} steps`
  );
  await expect(results).toContainText('picked on even-numbered documents');
  await expect(page.getByRole('alert')).toHaveCount(0);
}

test('the library opens a Zarr store from a folder on this computer (the folder input)', async ({
  page
}) => {
  await page.goto('/');
  await page.getByLabel('Zarr store folder').setInputFiles(join(dir, 'rec.zarr'));
  await expectStoreOpen(page);
  // A reload loses the folder (the browser keeps no access to it): the page says what to do.
  await page.reload();
  await expect(page.locator('.empty')).toContainText('Open the folder again from the library');
});

test('a folder that is not a Zarr store is refused in the library, saying what to pick', async ({
  page
}) => {
  await page.goto('/');
  await page.getByLabel('Zarr store folder').setInputFiles(join(dir, 'notes'));
  await expect(page.getByRole('alert')).toContainText(
    'The folder "notes" holds no zarr.json (Zarr v3) or .zgroup (Zarr v2): it is not a Zarr store.'
  );
  await expect(page).toHaveURL(/\/$/);
});

test('with showDirectoryPicker, the folder handle it gives opens the same way', async ({
  page
}) => {
  // The browser's own dialog cannot be driven here: the picker hands over a real directory handle
  // (the page's origin-private file system) holding a copy of the store; the rest is the app's.
  const files = readdirSync(join(dir, 'rec.zarr'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return {
        path: relative(join(dir, 'rec.zarr'), path),
        data: readFileSync(path).toString('base64')
      };
    });
  await page.goto('/');
  await page.evaluate(async (files) => {
    const root = await navigator.storage.getDirectory();
    const store = await root.getDirectoryHandle('rec.zarr', { create: true });
    for (const f of files) {
      const parts = f.path.split('/');
      let d = store;
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
      const w = await (await d.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await w.write(Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0)));
      await w.close();
    }
    (window as unknown as { showDirectoryPicker: () => Promise<unknown> }).showDirectoryPicker =
      () => Promise.resolve(store);
  }, files);
  await page.getByRole('button', { name: 'Open a folder…' }).click();
  await expectStoreOpen(page);
});

test('the address field opens a store by URL in the explorer', async ({ page }) => {
  await page.goto('/');
  const address = `${new URL(page.url()).origin}/no-such-store.zarr`;
  await page.getByLabel('Zarr store address').fill(address);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page).toHaveURL(`/explore?src=${encodeURIComponent(address)}`);
  await expect(page.locator('.empty')).toContainText('no-such-store.zarr answered HTTP 404');
});
