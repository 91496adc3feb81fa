/** Several files as one corpus: one document each; the explorer marks where each starts. */
import { expect, test } from '../helpers/browserTest';

test('two files become two documents; the boundary is marked and named in the inspector', async ({
  page
}) => {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page.getByLabel('Add corpus…').setInputFiles([
    { name: 'one.c', mimeType: 'text/plain', buffer: Buffer.from('int one(void) { return 1; }\n') },
    { name: 'two.c', mimeType: 'text/plain', buffer: Buffer.from('#define TWO 2\n') }
  ]);
  await expect(page.getByRole('status')).toContainText(
    'Added corpus "one.c + 1 more" (2 documents)'
  );
  await page
    .getByRole('combobox', { name: 'Corpus to record' })
    .selectOption({ label: 'one.c + 1 more' });
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  await item.getByRole('link', { name: 'Open' }).click();
  // 'int one(void) { return 1; }\n' is 28 tokens: document 2 starts at t = 28.
  const boundary = page.locator('[data-t="28"]');
  await expect(boundary).toHaveClass(/docstart/);
  await expect(page.locator('.docstart')).toHaveCount(1);
  await boundary.hover();
  await expect(page.locator('aside[aria-label="Inspector"]')).toContainText('two.c');
  await page.locator('[data-t="3"]').hover();
  await expect(page.locator('aside[aria-label="Inspector"]')).toContainText('one.c');
});
