/**
 * The LSTMVis workflow on the bundled model: brush a quoted string in the select view, get the
 * units that switch on there, match them over the whole recording, and land on other strings.
 */
import { expect, test, type Page } from '@playwright/test';
import { recordDemoH } from '../helpers/recordDemo';

const STRING_AT = 1694; // "CLEX_parse_error" in the demo corpus (one char = one token)

/** Drag across tokens [from, to] of the select view's plot (12 px cells, window starts at t0). */
async function brush(page: Page, t0: number, from: number, to: number) {
  const hit = page.locator('.select-plot .hit');
  const box = (await hit.boundingBox())!;
  const y = box.y + box.height * 0.8;
  await page.mouse.move(box.x + (from - t0) * 12 + 6, y);
  await page.mouse.down();
  await page.mouse.move(box.x + (to - t0) * 12 + 6, y, { steps: 5 });
  await page.mouse.up();
}

test('brush a string, select its units, match them across the recording', async ({ page }) => {
  const href = await recordDemoH(page);
  const t0 = STRING_AT - 10;
  await page.goto(`${href}&stream=L1.fwd.h&t=${t0}`);
  await expect(page.locator('.select-plot canvas')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Tokens' })).toContainText('CLEX_parse_error');

  // Nothing selected yet: Match is disabled and says why.
  const match = page.getByRole('button', { name: 'Match', exact: true });
  await expect(match).toBeDisabled();
  await expect(match).toHaveAttribute('title', /Select units first/);

  // Brush the string just after its opening quote; the padding step is the quote itself.
  // θ a little lower than LSTMVis's 0.3 suits this small model.
  await page.getByLabel('Threshold θ', { exact: true }).fill('0.2');
  await page.getByLabel('Threshold θ', { exact: true }).press('Enter');
  await brush(page, t0, STRING_AT + 1, STRING_AT + 11);
  const units = page.getByRole('group', { name: 'Selected units' }).getByRole('button');
  await expect(units.first()).toBeVisible();
  const selected = await units.count();
  expect(selected).toBeGreaterThan(0);
  // The brushed tokens are shaded by how many selected units are on.
  await expect(page.locator(`[data-t="${STRING_AT + 5}"]`)).toHaveAttribute('data-on', /\d+/);

  await expect(match).toBeEnabled();
  await match.click();
  const rows = page.getByRole('list', { name: 'Match results' }).getByRole('listitem');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.matches [role="status"]')).toContainText('candidate runs in all');
  expect(await rows.count()).toBeGreaterThan(5);
  // Most top matches sit inside string literals: a quote precedes the match on its line.
  const firsts = await rows.evaluateAll((items) =>
    items.slice(0, 10).map((li) => li.querySelector('.tok.in')?.textContent ?? '')
  );
  await page.screenshot({ path: 'test-results/select-match.png', fullPage: true });
  // The finding: the brushed string's unit is a "just opened a delimiter" unit. Its top matches,
  // elsewhere in the file, start on an opening quote or parenthesis.
  expect(firsts.filter((tok) => tok === '(' || tok === '"').length).toBeGreaterThanOrEqual(5); // ( and " are ~4% of tokens

  // Clicking a row moves the explorer there.
  const before = await page.getByTestId('position').textContent();
  await rows.nth(1).getByRole('button').click();
  await expect(page.getByTestId('position')).not.toHaveText(before!);
});

test('a brush that selects nothing says why; search jumps; a bad regex is reported', async ({
  page
}) => {
  const href = await recordDemoH(page);
  await page.goto(`${href}&stream=L1.fwd.h&t=0`);
  await expect(page.locator('.select-plot canvas')).toBeVisible();
  await page.getByLabel('Threshold θ', { exact: true }).fill('5');
  await page.getByLabel('Threshold θ', { exact: true }).press('Enter');
  await brush(page, 0, 3, 3);
  await expect(page.locator('.select .message')).toContainText('θ = 5 is above every value');

  await page.getByRole('application').focus();
  await page.keyboard.press('/');
  await expect(page.getByLabel('Find in corpus')).toBeFocused();
  await page.getByLabel('Find in corpus').fill('CLEX_parse_error');
  await page.getByLabel('Find in corpus').press('Enter');
  await expect(page.getByTestId('inspector-t')).toHaveText('1,695');
  await page.getByLabel('Find in corpus').fill('/a(b/');
  await page.getByLabel('Find in corpus').press('Enter');
  await expect(page.getByRole('search')).toContainText('Not a valid regular expression');
});

test('Suggest proposes the θ that selects the most units for the brush and says how; c opens at z-score', async ({
  page
}) => {
  const href = await recordDemoH(page, 'h,c');
  const t0 = STRING_AT - 10;
  await page.goto(`${href}&stream=L1.fwd.h&t=${t0}`);
  await expect(page.locator('.select-plot canvas')).toBeVisible();
  await expect(page.getByLabel('Normalisation')).toHaveValue('raw');
  await brush(page, t0, STRING_AT + 1, STRING_AT + 11);
  const suggest = page.getByRole('button', { name: /^Suggest/ });
  await expect(suggest).toHaveAttribute('title', /selects \d+ units?/);
  await suggest.click();
  const why = page.getByTestId('suggest-why');
  await expect(why).toContainText(/^θ \S+ selects \d+ units?/);
  const n = Number((await why.textContent())!.match(/selects (\d+) unit/)![1]);
  const units = page.getByRole('group', { name: 'Selected units' }).getByRole('button');
  await expect(units).toHaveCount(n);
  // Typing another θ: the explanation no longer applies, so it goes.
  await page.getByLabel('Threshold θ', { exact: true }).fill('0.9');
  await page.getByLabel('Threshold θ', { exact: true }).press('Enter');
  await expect(why).toHaveCount(0);

  // Cell states are unbounded: picking c switches the scale to z-score per unit.
  await page.getByRole('combobox', { name: 'Stream', exact: true }).selectOption('L1.fwd.c');
  await expect(page.getByLabel('Normalisation')).toHaveValue('zscore');
  await page.getByRole('combobox', { name: 'Stream', exact: true }).selectOption('L1.fwd.h');
  await expect(page.getByLabel('Normalisation')).toHaveValue('raw');
});
