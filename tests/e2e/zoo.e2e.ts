/**
 * The model zoo in the library: one click records a bundled model over its example corpus and
 * opens the explorer on the unit its card names (its stream, its page, the pattern's track); a
 * second visit opens the recording at once.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '../helpers/browserTest';

const modelFile = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../models/${name}`, import.meta.url), 'utf8'));

test('record and explore the parentheses RNN: the depth unit of its card', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  const zoo = page.getByRole('region', { name: 'Model zoo' });
  const entry = zoo.locator('li[data-zoo="paren-rnn"]');
  await expect(entry).toContainText('L0.fwd.h unit 59 follows “paren depth”');
  await entry.getByRole('button', { name: 'Record and explore' }).click();
  await page.waitForURL(/\/explore\?rec=\d+.*unit=L0\.fwd\.h%3A59/, { timeout: 180_000 });
  const unitPage = page.getByTestId('unit-page');
  await expect(unitPage.getByRole('heading', { name: 'Unit 59 of L0.fwd.h' })).toBeVisible();
  await expect(unitPage.getByTestId('unit-stats')).toContainText('computed in', {
    timeout: 60_000
  });
  // The card's figures, as the unit page measures them in the browser: r −0.926, held out 0.926.
  await expect(
    unitPage.getByRole('row', { name: /^paren depth Pearson r −0\.92\d 0\.92\d/ })
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/zoo-paren-1280.png' });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: 'test-results/zoo-paren-1920.png' });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.goto('/');
  await expect(entry.getByRole('button', { name: 'Explore' })).toBeVisible();
  await page.screenshot({ path: 'test-results/zoo-library-1280.png', fullPage: true });
  await entry.getByRole('button', { name: 'Explore' }).click();
  await expect(
    page.getByTestId('unit-page').getByRole('heading', { name: 'Unit 59 of L0.fwd.h' })
  ).toBeVisible();
});

test('record and explore the Bible-section classifier: its unit, then class probabilities', async ({
  page
}) => {
  test.setTimeout(240_000);
  const claims = modelFile('kjv-book-bilstm.claims.json') as {
    claims: { stream: string; unit: number }[];
  };
  const metrics = modelFile('kjv-book-bilstm.json') as {
    classes: string[];
    demo_passages: { class: string; p: number }[];
  };
  const { stream, unit } = claims.claims[0];
  // torch's probability of the first passage's own section (models/train_kjv_book_bilstm.py).
  const first = metrics.demo_passages[0];
  await page.goto('/');
  const entry = page
    .getByRole('region', { name: 'Model zoo' })
    .locator('li[data-zoo="kjv-book-bilstm"]');
  await entry.getByRole('button', { name: 'Record and explore' }).click();
  await page.waitForURL(
    new RegExp(`/explore\\?rec=\\d+.*unit=${stream.replace(/\./g, '\\.')}%3A${unit}`),
    {
      timeout: 180_000
    }
  );
  const unitPage = page.getByTestId('unit-page');
  await expect(unitPage.getByRole('heading', { name: `Unit ${unit} of ${stream}` })).toBeVisible();
  // One document per passage (the corpus is split on blank lines).
  await expect(unitPage).toContainText('Per document (12 of 300');
  await unitPage.getByRole('button', { name: '← Back' }).click();
  await page.locator('[data-t="3"]').hover();
  // Every class by its name, with the probabilities torch gives the first passage.
  const rows = page.getByTestId('predictions').getByRole('row');
  await expect(rows).toHaveCount(metrics.classes.length);
  const pct = 100 * first.p;
  await expect(rows.filter({ hasText: first.class })).toContainText(
    `${pct.toFixed(first.p < 0.1 ? 1 : 0)}%`
  );
  await expect(page.getByTestId('predictions')).toContainText('Epistles & Revelation');
});

test('record and explore the forecaster: a CSV time series, its storm unit', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  const entry = page
    .getByRole('region', { name: 'Model zoo' })
    .locator('li[data-zoo="series-lstm"]');
  await expect(entry).toContainText('L0.fwd.c unit 6 follows “regime is storm”');
  await entry.getByRole('button', { name: 'Record and explore' }).click();
  await page.waitForURL(/track=csv%3Aregime.*unit=L0\.fwd\.c%3A6/, { timeout: 120_000 });
  // The explorer under the unit page draws the inputs in place of the token strip.
  await expect(page.locator('svg[data-series="load"]')).toBeAttached();
  const unitPage = page.getByTestId('unit-page');
  // The card's AUC (0.906, held out 0.909), as the unit page measures it on the stored codes
  // (a two-label column is scored once: "calm", lower inside, is "storm", higher inside).
  await expect(
    unitPage.getByRole('row', { name: /^regime is calm AUC −0\.9\d\d 0\.9\d\d/ })
  ).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: 'test-results/zoo-series-1280.png' });
});
