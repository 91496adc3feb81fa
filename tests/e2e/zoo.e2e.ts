/**
 * The model zoo in the library: one click records a bundled model over its example corpus and
 * opens the explorer on the unit its card names (its stream, its page, the pattern's track); a
 * second visit opens the recording at once.
 */
import { expect, test } from '@playwright/test';

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
