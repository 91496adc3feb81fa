/**
 * Rank units by a track on the bundled model: which units of the top layer follow "inside a
 * string literal" (a regex track) and "is a digit" (a category of the character class), over the
 * whole recording, in the query worker; select one from the list; download all units' r.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openPanel } from '../helpers/panels';
import { recordDemoH } from '../helpers/recordDemo';

test('rank units by a regex track and by a category, select the best, export r', async ({
  page
}) => {
  await page.goto(`${await recordDemoH(page)}&stream=L1.fwd.h`);
  await openPanel(page, 'Rank');
  const panel = page.getByRole('region', { name: 'Rank units by a track' });
  // No track shown yet: the panel says what to do.
  await expect(panel).toContainText('Show a track above');
  await expect(panel.getByRole('button', { name: 'Rank units' })).toHaveCount(0);

  // Inside a string literal (the regex track's default pattern).
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: 'regex' }).check();
  await openPanel(page, 'Rank');
  await panel.getByRole('button', { name: 'Rank units' }).click();
  const table = panel.getByTestId('rank-table');
  await expect(table.locator('tbody tr')).toHaveCount(12, { timeout: 60_000 });
  await expect(panel.getByRole('status')).toContainText('with “/"[^"\\n]*"/” over 34,689 steps');
  const rs = (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map((s) =>
    Number(s.replace('−', '-'))
  );
  // Sorted by |r|. Reference, computed independently with numpy from the CLI's float32 recording
  // of the same model and corpus: unit 201, r = −0.168, then 192 (+0.162) and 62 (+0.152).
  // Strings are 1.8% of this corpus; the demo model has no strong string cell.
  for (let i = 1; i < rs.length; i++)
    expect(Math.abs(rs[i])).toBeLessThanOrEqual(Math.abs(rs[i - 1]));
  const firstUnits = await table.locator('tbody tr td:first-child').allTextContents();
  expect(firstUnits.slice(0, 3)).toEqual(['201', '192', '62']);
  expect(rs[0]).toBeCloseTo(-0.168, 2);

  // Select the best unit from the list: it joins the select view's units.
  const best = (await table.locator('tbody tr').first().locator('td').first().textContent())!;
  await table.locator('tbody tr').first().getByRole('button', { name: 'select' }).click();
  await openPanel(page, 'Select');
  await expect(page.getByRole('group', { name: 'Selected units' })).toContainText(`${best} ×`);
  await openPanel(page, 'Rank');
  await expect(table.locator('tbody tr').first().getByRole('button')).toHaveAttribute(
    'aria-pressed',
    'true'
  );

  // A category of a categorical track: "character class is digit".
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: 'character class' }).check();
  await openPanel(page, 'Rank');
  await panel
    .getByRole('combobox', { name: 'Track to rank by' })
    .selectOption({ label: 'character class' });
  await panel.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'is digit' });
  await panel.getByRole('button', { name: 'Rank units' }).click();
  await expect(panel.getByRole('status')).toContainText('“character class is digit”', {
    timeout: 60_000
  });
  await expect(table.locator('tbody tr')).toHaveCount(12);

  // Every unit's r as CSV.
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'CSV, all units' }).click()
  ]);
  const lines = readFileSync((await csv.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toBe('unit,r');
  expect(lines).toHaveLength(257);
  expect(lines.slice(1).every((l) => /^\d+,(-?\d(\.\d+)?)?$/.test(l))).toBe(true);
});
