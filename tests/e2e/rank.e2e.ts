/**
 * Which unit tracks what, in the browser, on the bundled model: show the built-in "in string"
 * track, rank every unit of every stream (AUC, held-out, chance) in the query worker, check the
 * best unit and its figures against the independent numpy evaluation committed beside the model
 * (models/eval_cells.py → models/cells-code-lstm.json), select it, export the ranking as JSON;
 * then the atlas made in the background after recording: every unit, exported as JSON.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '../helpers/browserTest';
import { openPanel } from '../helpers/panels';

// The profile holds the demo recorded with kinds = h,c and its background atlas
// (tests/helpers/browserTest.ts).
test.use({ demoKinds: 'h,c' });

interface CellsRef {
  tracks: Record<
    string,
    { best: { stream: string; unit: number; score: number; heldout: number } }
  >;
}
const ref = JSON.parse(readFileSync('models/cells-code-lstm.json', 'utf8')) as CellsRef;

test('rank every unit by a built-in track with held-out and chance; the atlas explains every unit', async ({
  page,
  demo
}) => {
  test.setTimeout(240_000);
  await page.goto(`${demo}&stream=L1.fwd.c`);
  await openPanel(page, 'Rank');
  const panel = page.getByRole('region', { name: 'Rank units by a track' });
  // No track shown yet: the panel says what to do.
  await expect(panel).toContainText('Show a track first');

  await openPanel(page, 'Tracks');
  await page.getByRole('combobox', { name: 'Built-in pattern' }).selectOption('c.string');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.getByRole('checkbox', { name: 'in string' })).toBeChecked();
  await openPanel(page, 'Rank');
  await panel.getByRole('button', { name: 'Rank all units' }).click();
  const results = page.getByTestId('rank-results');
  const table = results.getByTestId('rank-table');
  await expect(table.locator('tbody tr')).toHaveCount(50, { timeout: 120_000 });
  await expect(results).toContainText('1,024 units of 4 streams · 34,689 steps');

  // The best unit and its scores as numpy/sklearn find them on the float32 states (the browser
  // ranks the stored 8-bit codes: within 0.01).
  const best = ref.tracks.in_string.best;
  const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
  expect(cells.slice(0, 2)).toEqual([best.stream, String(best.unit)]);
  expect(Math.abs(Number(cells[2]) - best.score)).toBeLessThan(0.01);
  expect(Math.abs(Number(cells[3]) - best.heldout)).toBeLessThan(0.01);
  // Base rate, held-out split and the chance baseline are on the page, not only the best score.
  await expect(results).toContainText('in 43 runs');
  await expect(results).toContainText('picked on the first half of the steps');
  await expect(results.getByTestId('rank-chance')).toContainText('shifted 10×');
  await expect(results).toContainText('One document only');

  // Select the best unit: the stream switches to its own and the unit joins the select view.
  await table.locator('tbody tr').first().getByRole('button', { name: 'select' }).click();
  await openPanel(page, 'Select');
  await expect(page.getByRole('group', { name: 'Selected units' })).toContainText(`${best.unit} ×`);
  await expect(page.getByRole('combobox', { name: 'Stream' })).toHaveValue(best.stream);

  // The ranking is kept: listed in the panel, and exported as the CLI's JSON.
  await openPanel(page, 'Rank');
  await expect(panel.getByRole('button', { name: /^in string · auc/ })).toBeVisible();
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    results.getByRole('button', { name: 'JSON' }).click()
  ]);
  const doc = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(doc).toMatchObject({ track: 'in string', metric: 'auc', steps: 34689 });
  expect(doc.base_rate.positive_runs).toBe(43);
  expect(doc.units).toHaveLength(1024);
  expect(doc.units[0]).toMatchObject({ stream: best.stream, unit: best.unit });
  expect(Object.keys(doc.units[0]).sort()).toEqual(
    ['auc', 'heldout', 'r', 'sign', 'spearman', 'score', 'stream', 'unit'].sort()
  );
  expect(doc.chance.best).toBeLessThan(doc.units[0].score);

  // The atlas was started in the background when the recording completed.
  await openPanel(page, 'Atlas');
  const atlasPanel = page.getByRole('region', { name: 'Atlas: what each unit tracks' });
  await atlasPanel.getByRole('button', { name: 'Show the atlas' }).click({ timeout: 180_000 });
  const atlas = page.getByTestId('atlas');
  await expect(atlas).toContainText('1,024 units');
  await expect(atlasPanel).toContainText(/\d+ of 1,024 units follow one of\s+\d+ candidate tracks/);
  const [ajson] = await Promise.all([
    page.waitForEvent('download'),
    atlas.getByRole('button', { name: 'JSON' }).click()
  ]);
  const adoc = JSON.parse(readFileSync((await ajson.path())!, 'utf8'));
  expect(adoc.units).toHaveLength(1024);
  expect(adoc.tracks).toContain('in string');
  // A unit no track explains says so (track null), never a made-up explanation.
  for (const u of adoc.units) if (u.track !== null) expect(u.score).toBeGreaterThan(u.chance);
});
