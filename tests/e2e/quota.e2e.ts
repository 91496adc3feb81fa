/**
 * Space: the record form shows the browser's free space for the site, and deleting a recording
 * says how much it freed. (Quota running out mid-recording is covered by a unit test that fails
 * a chunk's transaction with QuotaExceededError: Chromium 156 ignored a DevTools quota override.)
 */
import { expect, test } from '../helpers/browserTest';

// The profile holds a complete recording of the demo (tests/helpers/browserTest.ts).
test.use({ demoKinds: 'h' });

test('free space is shown; deleting a recording frees its space and says so', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('free-space')).toContainText(/[\d.]+ (GB|MB) free/);
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete');
  const before = await page.evaluate(() => navigator.storage.estimate());
  await item.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status')).toContainText(/Deleted ".*": about [\d.]+ MB freed/);
  await expect(
    page.getByRole('list', { name: 'Recordings' }).locator('li[data-recording]')
  ).toHaveCount(0);
  const tiles = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('cellscope');
        open.onsuccess = () => {
          const req = open.result.transaction('tiles').objectStore('tiles').count();
          req.onsuccess = () => resolve(req.result);
        };
      })
  );
  expect(tiles).toBe(0);
  expect(before.usage).toBeGreaterThan(0);
});
