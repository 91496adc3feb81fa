/** Annotation tracks and LM-head predictions in the explorer; track files are checked on import. */
import { openPanel } from '../helpers/panels';
import { expect, test } from '../helpers/browserTest';

const text = 'int f(int x) {\n  return "s(x)";\n}\n';

test('built-in and imported tracks, LM predictions; a track of the wrong length is refused', async ({
  page
}) => {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page
    .getByLabel('Add corpus…')
    .setInputFiles({ name: 'f.c', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.getByRole('combobox', { name: 'Corpus to record' }).selectOption({ label: 'f.c' });
  await page.getByRole('combobox', { name: 'Streams to record' }).selectOption('h');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  await item.getByRole('link', { name: 'Open' }).click();
  await expect(page.getByTestId('heatmap')).toBeVisible();

  // The LM head's view of a token: after "return ", the top predictions and the loss.
  await page.locator('[data-t="5"]').hover(); // "(" of "f("
  await expect(page.getByTestId('predictions').locator('.pred')).toHaveCount(5);
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText(
    /loss \d\.\d\d nats/
  );

  // Built-ins: bracket depth is 1 inside "(int x)" and 0 outside.
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: /nesting depth/ }).check();
  const depth = page.locator('[data-track="depth"] span');
  await expect(depth).toHaveCount(text.length);
  await expect(depth.nth(7)).toHaveAttribute('title', 'nesting depth () {} []: 1'); // "n" of "int x"
  await expect(depth.nth(1)).toHaveAttribute('title', 'nesting depth () {} []: 0');
  await page.getByRole('checkbox', { name: 'LM loss per token' }).check();
  await expect(page.locator('[data-track="loss"]')).toBeVisible();

  // A track one value short is refused with the difference; nothing is stored.
  const short =
    'token,keyword\n' +
    Array.from({ length: text.length - 1 }, (_, t) => `${t},${t < 3 ? 1 : 0}`).join('\n');
  await page.getByLabel('Import track file…').setInputFiles({
    name: 'kw.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(short)
  });
  await expect(page.getByRole('alert')).toContainText('(1 fewer)');
  // The right length is imported, shown, and stays with the recording after a reload.
  const full = short + `\n${text.length - 1},0`;
  await page.getByLabel('Import track file…').setInputFiles({
    name: 'kw.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(full)
  });
  await expect(page.getByRole('checkbox', { name: 'keyword' })).toBeChecked();
  await page.reload();
  await openPanel(page, 'Tracks');
  await expect(page.getByRole('checkbox', { name: 'keyword' })).toBeVisible();
  // Regex tracks follow their pattern as it is edited, and several are shown at once.
  await page.getByRole('checkbox', { name: 'regex' }).check();
  const regex1 = page.locator('[data-track="regex:1"] span');
  await page.getByLabel('Track regex 1').fill('int');
  await expect(regex1.nth(0)).toHaveAttribute('title', '/int/: 1'); // "i" of "int"
  await expect(regex1.nth(4)).toHaveAttribute('title', '/int/: 0');
  await page.getByRole('button', { name: '+ another regex' }).click();
  await page.getByLabel('Track regex 2').fill('f');
  await page.getByRole('checkbox', { name: 'regex' }).nth(1).check();
  await expect(page.locator('[data-track="regex:2"] span').nth(4)).toHaveAttribute(
    'title',
    '/f/: 1'
  );
  await expect(regex1.nth(0)).toHaveAttribute('title', '/int/: 1');
  await page.getByRole('checkbox', { name: 'regex' }).first().uncheck();
  // A regex track that does not compile says so.
  await page.getByLabel('Track regex 1').fill('a(b');
  await page.getByRole('checkbox', { name: 'regex' }).first().check();
  await expect(page.getByRole('alert')).toContainText('Invalid regular expression');
});
