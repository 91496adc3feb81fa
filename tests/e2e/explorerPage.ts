/** Reading and driving the explorer page in browser tests: tokens, brushes, the view's state. */
import type { Page } from '@playwright/test';
import { openPanel } from '../helpers/panels';

/** The token strip's steps and texts (whitespace shown as the strip shows it). */
export async function tokensInView(page: Page): Promise<{ t: number; text: string }[]> {
  return page
    .getByRole('list', { name: 'Tokens' })
    .locator('[data-t]')
    .evaluateAll((els) =>
      els.map((el) => ({ t: Number(el.getAttribute('data-t')), text: el.textContent ?? '' }))
    );
}

/** The step where `text` first starts among the tokens in view (one char = one token). */
export async function findInView(page: Page, text: string): Promise<number> {
  const toks = await tokensInView(page);
  const joined = toks.map((x) => x.text).join('');
  const at = joined.indexOf(text);
  if (at < 0) throw new Error(`"${text}" is not in view`);
  return toks[at].t;
}

/** Drag across tokens `from`…`to` (both included) on the select view's line plot. */
export async function brushTokens(page: Page, from: number, to: number): Promise<void> {
  const hit = (await page.locator('.select-plot .hit').boundingBox())!;
  const a = (await page.locator(`[data-t="${from}"]`).boundingBox())!;
  const b = (await page.locator(`[data-t="${to}"]`).boundingBox())!;
  const y = hit.y + hit.height * 0.8;
  await page.mouse.move(a.x + a.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, y, { steps: 5 });
  await page.mouse.up();
}

/** Type θ the way a user does (the field applies it on Enter). */
export async function typeTheta(page: Page, theta: string): Promise<void> {
  const field = page.getByLabel('Threshold θ', { exact: true });
  await field.fill(theta);
  await field.press('Enter');
}

export const selectedUnits = (page: Page) =>
  page.getByRole('group', { name: 'Selected units' }).getByRole('button').allTextContents();

/** Everything a link must restore, read from the page as the user sees it (panel by panel). */
export async function viewOnPage(page: Page) {
  const value = (label: string) =>
    page.locator(`:is(input, select)[aria-label="${label}"]`).inputValue();
  const rows = page.getByRole('list', { name: 'Match results' }).getByRole('listitem');
  await openPanel(page, 'Select');
  const view = {
    stream: await page.getByRole('combobox', { name: 'Stream' }).inputValue(),
    position: await page.getByTestId('position').textContent(),
    zoom: await page.locator('.zoom .num').textContent(),
    brush: await page.locator('.select-plot').getAttribute('data-brush'),
    theta: await value('Threshold θ'),
    scale: await value('Normalisation'),
    padding: [await value('Left padding'), await value('Right padding')],
    units: await selectedUnits(page),
    matches: (await rows.locator('.meta').allTextContents()).slice(0, 10)
  };
  await openPanel(page, 'Tracks');
  const tracks = {
    tracks: await page.getByTestId('track-legend').locator('.name').allTextContents(),
    bracketPairs: await value('Bracket pairs'),
    trackRegexes: await page
      .locator('input[aria-label^="Track regex"]')
      .evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value))
  };
  await openPanel(page, 'Select');
  return { ...view, ...tracks };
}
