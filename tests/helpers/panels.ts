/** The explorer's side panels sit behind tabs: open one by its name. */
import type { Page } from '@playwright/test';

export async function openPanel(
  page: Page,
  name: 'Select' | 'Tracks' | 'Rank' | 'Atlas' | 'Order' | 'Space' | 'Clamp' | 'Finding'
) {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}
