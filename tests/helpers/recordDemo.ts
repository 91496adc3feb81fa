/** Record the bundled demo (h only, or `kinds`) from the library; returns the explorer link. */
import { expect, type Page } from '@playwright/test';

export async function recordDemoH(page: Page, kinds = 'h'): Promise<string> {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption(kinds);
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  return (await item.getByRole('link', { name: 'Open' }).getAttribute('href'))!;
}
