/**
 * The Space tab on the bundled demo: gate saturation read from stored gates (kinds = all) and
 * recomputed by running the model again (kinds = h) — the two CSVs must be equal, unit by unit —
 * with hover, keyboard and click to a unit page; then the projection of L1.fwd.h by PCA
 * (explained variance, the window's trajectory) and by UMAP (seeded).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { openPanel } from '../helpers/panels';

const shots = async (page: Page, name: string) => {
  for (const [w, h] of [
    [1280, 800],
    [1920, 1080]
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `test-results/space-${name}-${w}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
};

async function measure(page: Page, link: string): Promise<string[][]> {
  await page.goto(`${link}&stream=L1.fwd.h`);
  await openPanel(page, 'Space');
  await page.getByRole('button', { name: 'Measure gate saturation' }).click();
  await expect(page.getByTestId('saturation-summary')).toBeVisible({ timeout: 170_000 });
  const view = page.locator('section.saturation');
  await expect(view.locator('svg[data-gate]')).toHaveCount(6);
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    view.getByRole('button', { name: 'CSV' }).click()
  ]);
  const rows = readFileSync((await file.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(rows[0]).toBe('stream,unit,steps,shut_fraction,open_fraction,shut_steps,open_steps');
  return rows.slice(1).map((r) => r.split(','));
}

// Each profile holds the demo recorded with the kinds given (tests/helpers/browserTest.ts).
test.describe('kinds = all', () => {
  test.use({ demoKinds: 'all' });

  test('gate saturation from the stored gates; hover, keys and click', async ({
    page,
    demo: stored
  }) => {
    test.setTimeout(300_000);
    const storedRows = await measure(page, stored);
    const view = page.locator('section.saturation');
    await expect(view).toContainText('stored gates · 34,689 steps');
    expect(storedRows).toHaveLength(2 * 3 * 256);
    for (const [, , steps, l, r, ls, rs] of storedRows) {
      expect(steps).toBe('34689');
      expect(Number(l) + Number(r)).toBeLessThanOrEqual(1);
      expect(Number(ls)).toBe(Math.round(Number(l) * 34689));
      expect(Number(rs)).toBe(Math.round(Number(r) * 34689));
    }
    // The summary's count of long-memory units is the CSV's.
    const open = (layer: string) =>
      storedRows.filter(([s, , , , r]) => s === `${layer}.f` && Number(r) > 0.5).length;
    const summary = page.getByTestId('saturation-summary');
    await expect(summary).toContainText(`L0.fwd ${open('L0.fwd')} of 256 forget-gate units`);
    await expect(summary).toContainText(`L1.fwd ${open('L1.fwd')} of 256 forget-gate units`);
    expect(open('L0.fwd') + open('L1.fwd')).toBeGreaterThan(0);

    // Keys pick a unit: the readout gives its fractions in every gate of the layer.
    const f1 = view.locator('svg[data-gate="L1.fwd.f"]');
    await f1.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const row = (s: string) => storedRows.find(([id, u]) => id === s && u === '1')!;
    const readout = page.getByTestId('saturation-readout');
    await expect(readout).toContainText('L1.fwd unit 1');
    for (const g of ['i', 'f', 'o']) {
      const [, , , l, r] = row(`L1.fwd.${g}`);
      await expect(readout).toContainText(
        `${g}: ${Number(l).toFixed(3)} shut · ${Number(r).toFixed(3)} open`
      );
    }
    await expect(view.locator('svg[data-gate="L1.fwd.i"] circle.hover')).toHaveCount(1);
    await shots(page, 'saturation');
    // Enter opens the unit's page (its forget gate's).
    await page.keyboard.press('Enter');
    await expect(
      page.getByTestId('unit-page').getByRole('heading', { name: 'Unit 1 of L1.fwd.f' })
    ).toBeVisible();
    // Recomputing the gates from h and c gives the same counts: tests/unit/gateSaturationCodes.test.ts
    // (the same query-worker code, over the same codes) — not a second recording of the demo here.
  });
});

test.describe('kinds = h', () => {
  test.use({ demoKinds: 'h' });

  test('projection of L1.fwd.h: PCA with its trajectory, then UMAP', async ({
    page,
    demo: link
  }) => {
    test.setTimeout(400_000);
    await page.goto(`${link}&stream=L1.fwd.h`);
    await openPanel(page, 'Tracks');
    await page.getByRole('checkbox', { name: 'regex' }).check();
    await openPanel(page, 'Space');
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    const explained = page.getByTestId('explained');
    await expect(explained).toBeVisible({ timeout: 60_000 });
    const [pc1, pc2] = (await explained.textContent())!.match(/[\d.]+(?=%)/g)!.map(Number);
    expect(pc1).toBeGreaterThan(pc2);
    expect(pc2).toBeGreaterThan(0);
    expect(pc1 + pc2).toBeLessThan(100);
    await expect(page.getByTestId('projection-note')).toHaveText(
      'L1.fwd.h · PCA of 20,000 of 34,689 steps (seed 1)'
    );
    const trail = page.getByTestId('trajectory');
    await expect(trail).toBeVisible();
    const inView = await page.getByRole('list', { name: 'Tokens' }).locator('[data-t]').count();
    await expect(trail).toHaveAttribute('data-steps', String(inView));
    await expect(page.getByTestId('projection-legend')).toContainText('/"[^"\\n]*"/');
    await shots(page, 'pca');

    await page.getByRole('radio', { name: 'UMAP' }).check();
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    await expect(page.getByTestId('projection-progress')).toBeVisible();
    await expect(page.getByTestId('projection-note')).toHaveText(
      'L1.fwd.h · UMAP of 4,000 of 34,689 steps (seed 1)',
      { timeout: 170_000 }
    );
    await expect(trail).toHaveAttribute('data-steps', String(inView), { timeout: 30_000 });
    await shots(page, 'umap');
  });
});
