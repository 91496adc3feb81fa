/**
 * Two recordings compared, in real Chromium: a recording and its untrained twin (reached from the
 * library's "Compare with…"), whose CKA must equal the figure computed here from the stored tiles;
 * a recording on another corpus, refused with what differs; and two layers of the bundled demo,
 * picked from the keyboard in the CKA matrix, shot at 1280×800 and 1920×1080.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { recordings, storedRow } from '../helpers/idb';
import { recordTiny } from '../helpers/recordTiny';

const SHOTS = process.env.COMPARE_SHOTS ?? 'test-results/compare';

/** Linear CKA, written out plainly: centre each column, then ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F). */
function cka(x: number[][], y: number[][]): number {
  const centre = (m: number[][]) => {
    const mean = m[0].map((_, j) => m.reduce((s, row) => s + row[j], 0) / m.length);
    return m.map((row) => row.map((v, j) => v - mean[j]));
  };
  const fro2 = (a: number[][], b: number[][]) => {
    let s = 0;
    for (let i = 0; i < a[0].length; i++)
      for (let j = 0; j < b[0].length; j++) {
        let d = 0;
        for (let t = 0; t < a.length; t++) d += a[t][i] * b[t][j];
        s += d * d;
      }
    return s;
  };
  const X = centre(x);
  const Y = centre(y);
  return fro2(Y, X) / Math.sqrt(fro2(X, X) * fro2(Y, Y));
}

async function recordOther(page: Page): Promise<number> {
  const text = 'int other(int x) {\n  while (x > 0) x -= 2;\n  return x * 3;\n}\n';
  await page
    .getByLabel('Add corpus…')
    .setInputFiles({ name: 'other.c', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await expect(page.getByRole('status')).toContainText('Added corpus "other.c"');
  await page.getByRole('combobox', { name: 'Corpus to record' }).selectOption({ label: 'other.c' });
  const before = (await recordings(page)).length;
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await expect.poll(async () => (await recordings(page)).length).toBe(before + 1);
  const id = Math.max(...(await recordings(page)).map((r) => r.id));
  await expect(page.locator(`[data-recording="${id}"]`)).toHaveAttribute(
    'data-status',
    'complete',
    {
      timeout: 120_000
    }
  );
  return id;
}

test('a recording and its untrained twin: CKA equals the stored values; another corpus is refused', async ({
  page
}) => {
  const { id } = await recordTiny(page, 'wasm');
  const original = page.locator(`[data-recording="${id}"]`);
  await original.getByRole('button', { name: 'Record untrained twin' }).click();
  const twinItem = page.locator(`[data-twin-of="${id}"]`);
  await expect(twinItem).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  const rows = await recordings(page);
  const orig = rows.find((r) => r.id === id)!;
  const twinId = Number(await twinItem.getAttribute('data-recording'));

  // The library offers the twin first (after the recording's own streams).
  const select = original.getByRole('combobox', { name: /^Compare .* with…$/ });
  await expect(select.locator('option')).toHaveText([
    'Compare with…',
    'itself (two of its streams)',
    'untrained twin of code-lstm.onnx × tiny.c (seed 1)'
  ]);
  await select.selectOption({ label: 'untrained twin of code-lstm.onnx × tiny.c (seed 1)' });
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${id}&b=${twinId}$`));
  const shown = page.getByTestId('pair-cka');
  await expect(shown).toBeVisible();
  await expect(page.getByRole('heading', { name: 'A L1.fwd.h × B L1.fwd.h' })).toBeVisible();

  // Every step of both recordings' L1.fwd.h, decoded here from the raw tiles.
  const read = async (recordingId: number) => {
    const out: number[][] = [];
    for (let t = 0; t < orig.tokens; t++)
      out.push(
        await storedRow(page, {
          recordingId,
          stream: 'L1.fwd.h',
          t,
          chunkSize: orig.chunkSize,
          units: 256
        })
      );
    return out;
  };
  const want = cka(await read(id), await read(twinId));
  const got = Number(await shown.getAttribute('data-value'));
  console.log(
    `CKA trained × untrained twin, L1.fwd.h over ${orig.tokens} steps: ${got} (here: ${want})`
  );
  expect(Math.abs(got - want)).toBeLessThan(1e-6);
  expect(got).toBeGreaterThan(0.02);
  expect(got).toBeLessThan(0.98);
  await expect(page.getByText(`Over all ${orig.tokens} steps.`)).toBeVisible();
  await expect(page.getByTestId('pair-heatmap')).toBeVisible();
  await expect(page.getByTestId('pair-range')).toHaveText('1–10 of 256');

  // A recording of another text: refused, saying what differs.
  await page.goto('/');
  const other = await recordOther(page);
  const otherRow = (await recordings(page)).find((r) => r.id === other)!;
  await page.goto(`/compare?a=${id}&b=${other}`);
  const refusal = page.getByTestId('compare-refusal');
  await expect(refusal).toContainText(
    'The corpora differ: "code-lstm.onnx × tiny.c" was recorded on "tiny.c" (SHA-256'
  );
  await expect(refusal).toContainText('and "code-lstm.onnx × other.c" on "other.c" (SHA-256');
  await expect(refusal).toContainText(
    `The token counts differ: "code-lstm.onnx × tiny.c" has ${orig.tokens} tokens and "code-lstm.onnx × other.c" ${otherRow.tokens}`
  );
  await expect(page.getByTestId('pair-cka')).toHaveCount(0);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/compare-refusal-1280x800.png` });
});

test.describe('on the demo', () => {
  // The profile holds the demo recorded with kinds = h (tests/helpers/browserTest.ts).
  test.use({ demoKinds: 'h' });

  test('two layers of the demo recording, picked from the keyboard; screenshots', async ({
    page,
    demo: href
  }) => {
    const id = Number(new URL(href, 'http://x').searchParams.get('rec'));
    await page.goto(`/compare?a=${id}&b=${id}`);
    await expect(page.getByTestId('pair-cka')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('heading', { name: 'A L0.fwd.h × B L1.fwd.h' })).toBeVisible();
    await expect(
      page.getByText('Over 8,000 of 34,689 steps, sampled uniformly with seed 1.')
    ).toBeVisible();
    // A stream against itself is CKA 1; across layers, less.
    const same = page.getByRole('button', { name: /^A L1\.fwd\.h with B L1\.fwd\.h: CKA / });
    await expect(same).toHaveText('1.00');
    const across = Number(await page.getByTestId('pair-cka').getAttribute('data-value'));
    expect(across).toBeGreaterThan(0.05);
    expect(across).toBeLessThan(0.99);
    console.log(
      `demo L0.fwd.h × L1.fwd.h: CKA ${across}, computed in ${await page.getByTestId('compare-ms').textContent()} s`
    );
    await expect(page.getByTestId('pair-heatmap')).toBeVisible();

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/compare-1280x800.png`, fullPage: false });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: `${SHOTS}/compare-1920x1080.png`, fullPage: false });

    // From the keyboard: focus a matrix cell, press Enter, and the pair and the URL follow.
    const cell = page.getByRole('button', { name: /^A L1\.fwd\.h with B L0\.fwd\.h: CKA / });
    await cell.focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/sa=L1\.fwd\.h&sb=L0\.fwd\.h$/);
    await expect(page.getByRole('heading', { name: 'A L1.fwd.h × B L0.fwd.h' })).toBeVisible();
    // CKA is symmetric: the transposed pair gives the same figure (the heading is the new result's).
    const transposed = Number(await page.getByTestId('pair-cka').getAttribute('data-value'));
    expect(Math.abs(transposed - across)).toBeLessThan(1e-9);
    await page.screenshot({ path: `${SHOTS}/compare-1920x1080-full.png`, fullPage: true });
  });
});
