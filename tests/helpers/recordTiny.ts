/** Add a tiny corpus and record it with a chosen execution provider; returns the recording. */
import { expect, type Page } from '@playwright/test';
import { recordings } from './idb';

export const corpus = 'int main(void) {\n  return "a" [0];\n}\n';

export async function recordTiny(page: Page, compute: 'auto' | 'wasm' | 'webgpu') {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page
    .getByLabel('Add corpus…')
    .setInputFiles({ name: 'tiny.c', mimeType: 'text/plain', buffer: Buffer.from(corpus) });
  await expect(page.getByRole('status')).toContainText('Added corpus "tiny.c"');
  await page.getByRole('combobox', { name: 'Corpus to record' }).selectOption({ label: 'tiny.c' });
  await page.getByRole('combobox', { name: 'Execution provider' }).selectOption(compute);
  const before = (await recordings(page)).length;
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await expect.poll(async () => (await recordings(page)).length).toBe(before + 1);
  const id = Math.max(...(await recordings(page)).map((r) => r.id));
  const item = page.locator(`[data-recording="${id}"]`);
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  return { id, note: (await item.getByTestId('backend').textContent()) ?? '' };
}
