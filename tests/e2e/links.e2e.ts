/**
 * A copied link reopens exactly the view it was copied from: stream, window, zoom, brush,
 * padding, θ, scale, units added and removed, the selected units, the shown tracks (with their
 * regex and bracket pairs) and the match results. Each test copies the link with the Copy link
 * button, opens it in a new page and compares what the two pages show.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { openPanel } from '../helpers/panels';
import { brushTokens, findInView, selectedUnits, typeTheta, viewOnPage } from './explorerPage';

const STRING_AT = 1694; // the first "CLEX_parse_error" in the demo corpus

// Each test's profile holds the demo recorded with kinds = h (tests/helpers/browserTest.ts).
test.use({ permissions: ['clipboard-read', 'clipboard-write'], demoKinds: 'h' });

/** Open the demo recording (`href`) at the string, stream L1.fwd.h. */
async function openAtString(page: Page, href: string): Promise<void> {
  await page.goto(`${href}&stream=L1.fwd.h&t=${STRING_AT - 10}`);
  await expect(page.getByRole('list', { name: 'Tokens' })).toContainText('CLEX_parse_error');
}

/** Brush "CLEX_parse" inside the quotes. */
async function brushString(page: Page): Promise<void> {
  const c = (await findInView(page, '"CLEX_parse_error"')) + 1;
  await brushTokens(page, c, c + 'CLEX_parse'.length - 1);
}

/** Copy the link, open it in a new page (of `size`), and check that page shows the same view. */
async function reopen(
  context: BrowserContext,
  page: Page,
  size?: { width: number; height: number }
): Promise<Page> {
  // Copied first: the link must hold a change made just before (the address bar lags behind).
  await openPanel(page, 'Finding');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.locator('.finding [role="status"]')).toContainText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const before = await viewOnPage(page);
  const other = await context.newPage();
  if (size) await other.setViewportSize(size);
  await other.goto(link);
  if (size) {
    // Another window width shows another window of steps; the selection is the same.
    const { position: _p, ...rest } = before;
    await expect
      .poll(async () => ({ ...(await viewOnPage(other)), position: undefined }), {
        timeout: 20_000
      })
      .toEqual({ ...rest, position: undefined });
    return other;
  }
  await expect.poll(() => viewOnPage(other), { timeout: 20_000 }).toEqual(before);
  // The reopened page writes the same link back.
  await expect.poll(() => other.url()).toBe(link);
  return other;
}

test('a brush out of view: the link keeps its selection', async ({ page, context, demo }) => {
  await openAtString(page, demo);
  await typeTheta(page, '0.2');
  await brushString(page);
  await expect.poll(() => selectedUnits(page)).toEqual(['115 ×']);
  // Page twice: the brush is out of view, the selection stays.
  await page.getByRole('application').focus();
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await expect(page.locator(`[data-t="${STRING_AT}"]`)).toHaveCount(0);
  await expect.poll(() => selectedUnits(page)).toEqual(['115 ×']);
  await reopen(context, page);
});

test('z-score and percentile scales: the link selects the same units', async ({
  page,
  context,
  demo
}) => {
  await openAtString(page, demo);
  await page.getByLabel('Normalisation').selectOption('zscore');
  await typeTheta(page, '1');
  // "CLE": which units are ≥ 1 sd above their mean there depends on the window's statistics.
  const c = (await findInView(page, '"CLEX_parse_error"')) + 1;
  await brushTokens(page, c, c + 2);
  await expect.poll(async () => (await selectedUnits(page)).length).toBeGreaterThan(0);
  // Scroll a little: the brush stays in view, the window (and its statistics) move.
  await page.getByRole('application').hover();
  await page.mouse.wheel(0, 100);
  await expect(page.getByTestId('position')).not.toContainText('1,684–');
  await reopen(context, page);
  await reopen(context, page, { width: 1920, height: 1080 });

  await page.getByLabel('Normalisation').selectOption('percentile');
  await typeTheta(page, '0.8');
  await expect.poll(async () => (await selectedUnits(page)).length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Zoom out' }).click();
  await reopen(context, page);
});

test('units added and removed by hand: the link keeps them', async ({ page, context, demo }) => {
  await openAtString(page, demo);
  await typeTheta(page, '0.3');
  const c = (await findInView(page, '"CLEX_parse_error"')) + 1;
  await brushTokens(page, c, c + 2); // "CLE": several units
  await expect.poll(async () => (await selectedUnits(page)).length).toBeGreaterThan(2);
  const [first] = await selectedUnits(page);
  await page.getByRole('button', { name: first }).click(); // removed by hand
  await page.getByLabel('Unit to add').fill('7');
  await page.getByLabel('Unit to add').press('Enter');
  // Copied right away (reopen clicks Copy link first).
  const other = await reopen(context, page);
  expect(await selectedUnits(other)).toContain('7 ×');
  expect(await selectedUnits(other)).not.toContain(first);
});

test('shown tracks with their parameters, and the match results', async ({
  page,
  context,
  demo
}) => {
  await openAtString(page, demo);
  await typeTheta(page, '0.2');
  await brushString(page);
  await expect.poll(() => selectedUnits(page)).toEqual(['115 ×']);
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: 'character class' }).check();
  await page.getByLabel('Bracket pairs').fill('() []');
  await page.getByRole('checkbox', { name: 'nesting depth of' }).check();
  await page.getByLabel('Track regex 1').fill("'[^'\\n]*'");
  await page.getByRole('checkbox', { name: 'regex' }).check();
  await page.getByRole('button', { name: '+ another regex' }).click();
  await page.getByLabel('Track regex 2').fill('//.*');
  await page.getByRole('checkbox', { name: 'regex' }).nth(1).check();
  await expect(page.getByTestId('track-legend')).toHaveCount(4);
  await openPanel(page, 'Select');
  await page.getByRole('button', { name: 'Match', exact: true }).click();
  const rows = page.getByRole('list', { name: 'Match results' }).getByRole('listitem');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  const other = await reopen(context, page);
  await expect(other.getByRole('list', { name: 'Match results' })).toBeVisible();

  // An imported track file cannot go in a URL: the copy says so.
  const n = Number(
    (await page.getByTestId('position').textContent())!.match(/of ([\d,]+)/)![1].replace(/,/g, '')
  );
  const csv = 'token,even\n' + Array.from({ length: n }, (_, t) => `${t},${t % 2}`).join('\n');
  await openPanel(page, 'Tracks');
  await page.getByLabel('Import track file…').setInputFiles({
    name: 'even.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv)
  });
  await expect(page.getByRole('checkbox', { name: 'even' })).toBeChecked();
  await openPanel(page, 'Finding');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.locator('.finding [role="status"]')).toContainText(
    'Not in it: the imported track "even"'
  );
});
