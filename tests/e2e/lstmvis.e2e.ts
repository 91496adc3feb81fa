/**
 * LSTMVis projects in real Chromium: the h5py-made fixture imported through the library (its
 * files, a zip with renamed streams, its folder), opened in the explorer with the values the
 * HDF5 file holds; a bad project refused with its message; a recording downloaded as a zipped
 * LSTMVis project that LSTMVis's loader (h5py + PyYAML) reads. One test, one page: h5wasm loads
 * once (it is most of the time).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { unzipSync } from 'fflate';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openPanel } from '../helpers/panels';
import { expected, fixtureProject, lstmvisDir } from '../helpers/lstmvisFixture';
import { loadAsLstmvis, loaderMissing } from '../helpers/lstmvisLoader';

const SHOTS = process.env.LSTMVIS_SHOTS ?? 'test-results/lstmvis';
const words = fixtureProject('words');
const wordFiles = readdirSync(words).map((f) => join(words, f));

async function library(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('lstmvis-import')).toBeVisible();
}

const review = (page: Page) => page.getByLabel('LSTMVis project to import');
const recording = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Recordings' }).locator('li', { hasText: name });

test('LSTMVis projects import (files, zip, folder), open in the explorer, and download as one', async ({
  page
}) => {
  await library(page);
  await page.getByLabel('LSTMVis project files').setInputFiles(wordFiles);
  await expect(review(page)).toContainText('toy sentences');
  await expect(review(page)).toContainText('154 tokens · words · 4 streams · 4 meta tracks');
  const names = review(page).getByRole('textbox');
  await expect(names).toHaveCount(4);
  expect(await names.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
    'L0.fwd.c',
    'L0.fwd.h',
    'L1.fwd.c',
    'L1.fwd.h'
  ]);
  await expect(page.getByLabel('Import warnings')).toContainText('meta.predictions (wordvec');
  // A name that is not a stream id blocks the import, with the reason.
  await page.getByLabel('Stream name for states.hdf5:/states1').fill('cells');
  await expect(review(page).getByRole('alert')).toContainText(
    'Stream name "cells" is not a cellscope stream id'
  );
  await expect(review(page).getByRole('button', { name: 'Import' })).toBeDisabled();
  await page.getByLabel('Stream name for states.hdf5:/states1').fill('L0.fwd.c');
  mkdirSync(SHOTS, { recursive: true });
  await review(page).getByRole('button', { name: 'Import' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/lstmvis-import-1280x800.png` });
  await review(page).getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('status')).toContainText(
    'Imported the LSTMVis project "toy sentences"'
  );
  const item = recording(page, 'toy sentences');
  await expect(item).toContainText('complete');
  await expect(item).not.toContainText('untrained twin');

  await item.getByRole('link', { name: 'Open' }).click();
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByTestId('position')).toContainText('of 154');
  // Token t = 5; the inspector shows L0.fwd.c at t = 5 as states1 holds it (8-bit tiles).
  await page.getByRole('combobox', { name: 'Stream', exact: true }).selectOption('L0.fwd.c');
  await page.locator('[data-t="5"]').hover();
  await expect(page.getByTestId('inspector-t')).toHaveText('5');
  await expect(page.locator('[data-t="5"]')).toContainText(expected.words.tokens[5]);
  const c = expected.words.streams.states1.values;
  const row = c.slice(5 * 8, 6 * 8);
  const shown = await page.locator('aside[aria-label="Inspector"] tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({
      unit: Number(r.querySelector('td')!.textContent),
      value: Number(r.querySelector('.value')!.textContent!.trim().replace('\u2212', '-'))
    }))
  );
  expect(shown).toHaveLength(8);
  for (let u = 0; u < 8; u++) {
    const col = Array.from({ length: 154 }, (_, t) => c[t * 8 + u]);
    const step = (Math.max(...col) - Math.min(...col)) / 255;
    const s = shown.find((x) => x.unit === u)!;
    expect(Math.abs(s.value - row[u])).toBeLessThanOrEqual(step / 2 + 5e-3);
  }
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: /part_of_speech/ }).check();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Back in the library (in the app: its LSTMVis worker stays loaded), the recording downloads
  // as a zipped LSTMVis project that LSTMVis's loader reads.
  await page.getByRole('link', { name: 'Library' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    recording(page, 'toy sentences').getByRole('button', { name: 'LSTMVis ↓' }).click()
  ]);
  expect(download.suggestedFilename()).toMatch(/^toy-sentences_.*_lstmvis\.zip$/);
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const dir = mkdtempSync(join(tmpdir(), 'lstmvis-e2e-'));
  for (const [path, bytes] of Object.entries(entries)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  const project = join(dir, download.suggestedFilename().replace(/\.zip$/, ''));
  expect(readdirSync(project).sort()).toEqual([
    'lstm.yml',
    'meta.hdf5',
    'meta_in_clause.dict',
    'meta_part_of_speech.dict',
    'states.hdf5',
    'train.dict',
    'train.hdf5'
  ]);
  const missing = loaderMissing();
  if (missing) console.warn(missing);
  else {
    const seen = loadAsLstmvis(project);
    expect(seen.words).toEqual(expected.words.tokens);
    expect(seen.config.states.types.map((t) => [t.path, t.size])).toEqual([
      ['L0.fwd.c', [154, 8]],
      ['L0.fwd.h', [154, 8]],
      ['L1.fwd.c', [154, 6]],
      ['L1.fwd.h', [154, 6]]
    ]);
    // As stored: each value within half a quantisation step of its unit's range (8-bit tiles).
    const raw = seen.states['states::L0.fwd.c'].raw;
    for (let u = 0; u < 8; u++) {
      const col = Array.from({ length: 154 }, (_, t) => c[t * 8 + u]);
      const half = (Math.max(...col) - Math.min(...col)) / 510 + 1e-6;
      col.forEach((v, t) => expect(Math.abs(raw[t * 8 + u] - v)).toBeLessThanOrEqual(half));
    }
  }

  // A zip, with its streams renamed; a folder; a project with a file missing.
  await page.getByLabel('LSTMVis project zip').setInputFiles(join(lstmvisDir, 'chars.zip'));
  await expect(review(page)).toContainText('parens');
  await expect(page.getByLabel('Import warnings')).toContainText('unknown key "colour"');
  // h stored as "state" (a Keras habit): swap the names.
  await page.getByLabel('Stream name for chars.h5:/output1').fill('L0.fwd.c');
  await page.getByLabel('Stream name for chars.h5:/states1').fill('L0.fwd.h');
  await review(page).getByRole('button', { name: 'Import' }).click();
  await expect(recording(page, 'parens')).toContainText('complete');

  await page.getByLabel('LSTMVis project folder').setInputFiles(words);
  await expect(review(page)).toContainText('toy sentences');
  await review(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(review(page)).toHaveCount(0);

  const partial = wordFiles.filter((f) => !f.endsWith('states.hdf5'));
  await page.getByLabel('LSTMVis project files').setInputFiles(partial);
  await expect(page.getByTestId('lstmvis-import').getByRole('alert')).toHaveText(
    /^lstm\.yml: files\.states is "states\.hdf5", which is not in the project folder/
  );
  await expect(recording(page, 'toy sentences')).toHaveCount(1);
});
