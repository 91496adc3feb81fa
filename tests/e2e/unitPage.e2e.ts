/**
 * The unit page over real recordings of the bundled model: opened from the URL, the unit axis and
 * the inspector; its histogram, contexts, token responses, head effect; the JSON export; Back and
 * Escape; an unknown unit; and the LSTM gates — stored (kinds = all) and recomputed by running
 * the model again (kinds = h) — which must agree to the stored gates' quantisation step.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from '../helpers/browserTest';
import { openPanel } from '../helpers/panels';

async function download(page: Page, button: string) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('unit-page').getByRole('button', { name: button, exact: true }).click()
  ]);
  return { name: file.suggestedFilename(), path: (await file.path())! };
}

const unitPage = (page: Page) => page.getByTestId('unit-page');

test.describe('on the demo', () => {
  // The profile holds the demo recorded with kinds = h (tests/helpers/browserTest.ts).
  test.use({ demoKinds: 'h' });

  test('a unit page from the URL, the axis and the inspector; its parts and its JSON', async ({
    page,
    demo: link
  }) => {
    await page.goto(`${link}&stream=L1.fwd.h&unit=L1.fwd.h:201`);
    const up = unitPage(page);
    await expect(up.getByRole('heading', { name: 'Unit 201 of L1.fwd.h' })).toBeVisible();
    await expect(up.getByTestId('unit-stats')).toContainText('computed in', { timeout: 60_000 });

    // Histogram: bars; contexts: 10 highest, 10 lowest, 5 bands × 3 typical.
    await expect(up.getByTestId('histogram-overall').locator('rect').first()).toBeVisible();
    await expect(up.getByTestId('top-contexts').locator('button.context')).toHaveCount(10);
    await expect(up.getByTestId('bottom-contexts').locator('button.context')).toHaveCount(10);
    await expect(up.getByTestId('band-contexts').locator('button.context')).toHaveCount(15);
    await expect(up.getByTestId('tokens-up').locator('tbody tr')).toHaveCount(10);
    await expect(up.getByTestId('tokens-down').locator('tbody tr')).toHaveCount(10);
    // L1.fwd.h is what the LM head reads: its row of the head's weights.
    await expect(up.getByTestId('head-promoted').locator('tbody tr')).toHaveCount(10);
    await expect(up.getByTestId('head-suppressed').locator('tbody tr')).toHaveCount(10);
    // No track shown yet: the track scores say how to get them.
    await expect(up.getByTestId('track-scores-none')).toBeVisible();
    await expect(up.getByTestId('gates-note')).toContainText(
      'Gates were not recorded (kinds = h): record with kinds = all'
    );
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: 'test-results/unit-page-1280.png' });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: 'test-results/unit-page-1920.png' });
    await up.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.screenshot({ path: 'test-results/unit-page-1920-end.png' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: 'test-results/unit-page-1280-end.png' });

    // The JSON holds what the page shows, over the whole recording.
    const json = await download(page, 'JSON');
    expect(json.name).toMatch(/^code-lstm_stb_c_lexer_L1\.fwd\.h_\d{4}-\d\d-\d\d_unit201\.json$/);
    const doc = JSON.parse(readFileSync(json.path, 'utf8'));
    expect([doc.stream, doc.unit, doc.steps, doc.partial]).toEqual(['L1.fwd.h', 201, 34689, false]);
    const p = doc.profile;
    expect(p.overall.reduce((a: number, b: number) => a + b, 0)).toBe(34689);
    expect(p.top[0].value).toBe(p.max);
    expect(p.bottom[0].value).toBe(p.min);
    expect(doc.contexts).toHaveLength(35);
    for (const c of doc.contexts) {
      expect(c.tokens).toHaveLength(c.to - c.from);
      expect(c.values[c.t - c.from]).toBe(c.value);
    }
    expect(doc.head.promoted).toHaveLength(10);
    expect(doc.tokenResponse.up[0].mean).toBeGreaterThan(doc.tokenResponse.mean);

    // The figure: a PNG at twice the page's pixels.
    const png = await download(page, 'PNG');
    expect(png.name).toMatch(/_unit201\.png$/);
    const bytes = readFileSync(png.path);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(2 * 1180); // width in the IHDR chunk
    copyFileSync(png.path, 'test-results/unit-figure.png');

    // A context opens the explorer at its step.
    const first = up.getByTestId('top-contexts').locator('button.context').first();
    const t = Number(await first.getAttribute('data-t'));
    await first.click();
    await expect(unitPage(page)).toHaveCount(0);
    await expect(page.getByTestId('inspector-t')).toHaveText(t.toLocaleString('en'));
    await expect(page).not.toHaveURL(/unit=/);

    // From the unit axis: a click on a unit's row (no step inspected, so no unit is marked there).
    await page.getByRole('application').press('Escape');
    // Rows are under a pixel high here: the axis names the unit under the pointer, which opens.
    const axis = page.getByTestId('unit-axis');
    const box = (await axis.locator('rect.hit').boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + ((17 + 0.5) / 256) * box.height];
    await page.mouse.move(x, y);
    const pointed = Number(await axis.locator('text.over').textContent());
    expect(Math.abs(pointed - 17)).toBeLessThanOrEqual(1);
    await page.mouse.click(x, y);
    await expect(up.getByRole('heading', { name: `Unit ${pointed} of L1.fwd.h` })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`unit=L1\\.fwd\\.h%3A${pointed}(&|$)`));
    await expect(up.getByTestId('unit-stats')).toContainText('computed in', { timeout: 60_000 });
    // Escape goes back.
    await page.keyboard.press('Escape');
    await expect(unitPage(page)).toHaveCount(0);

    // From the inspector: the page button of a unit in its table.
    await page.getByRole('list', { name: 'Tokens' }).locator('[data-t]').nth(5).hover();
    const row = page.getByRole('complementary', { name: 'Inspector' }).locator('tbody tr').first();
    const u = await row.getAttribute('data-unit');
    await row.getByRole('button', { name: `Open the page of unit ${u}` }).click();
    await expect(up.getByRole('heading', { name: `Unit ${u} of L1.fwd.h` })).toBeVisible();
    await up.getByRole('button', { name: '← Back' }).click();
    await expect(unitPage(page)).toHaveCount(0);

    // An unknown unit in a link: a clear message.
    await page.goto(`${link}&stream=L1.fwd.h&unit=L1.fwd.h:999`);
    await expect(unitPage(page).getByRole('alert')).toContainText(
      'L1.fwd.h has units 0–255: there is no unit 999.'
    );
    await page.goto(`${link}&unit=L7.fwd.h:3`);
    await expect(unitPage(page).getByRole('alert')).toContainText(
      'This recording has no stream L7.fwd.h'
    );
  });
});

test('inside vs outside a track, per document; gates stored and recomputed agree', async ({
  page
}) => {
  const files = ['int one(void) {\n  return "one";\n}\n', '#define TWO "two"\n', 'int three;\n'];
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  await page.getByLabel('Add corpus…').setInputFiles(
    files.map((text, i) => ({
      name: `f${i}.c`,
      mimeType: 'text/plain',
      buffer: Buffer.from(text.repeat(20))
    }))
  );
  const corpus = page.getByRole('combobox', { name: 'Corpus to record' });
  const links: string[] = [];
  for (const kinds of ['all', 'h']) {
    await corpus.selectOption({ label: 'f0.c + 2 more' });
    await page.getByRole('combobox', { name: 'Streams to record' }).selectOption(kinds);
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const item = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
    await expect(item).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
    links.push((await item.getByRole('link', { name: 'Open' }).getAttribute('href'))!);
  }
  const gatesOf = async (link: string, recompute: boolean) => {
    await page.goto(`${link}&stream=L1.fwd.h&unit=L1.fwd.h:62`);
    const up = unitPage(page);
    await expect(up.getByTestId('unit-stats')).toContainText('computed in', { timeout: 60_000 });
    if (recompute) {
      await up
        .getByRole('button', { name: /Recompute them \(runs the model over [\d,]+ tokens\)/ })
        .click();
    }
    await expect(up.locator('[data-gate="f"]').first()).toBeVisible({ timeout: 120_000 });
    await page.screenshot({
      path: `test-results/unit-page-gates-${recompute ? 'recomputed' : 'stored'}.png`
    });
    return JSON.parse(readFileSync((await download(page, 'JSON')).path, 'utf8'));
  };
  const stored = await gatesOf(links[0], false);
  expect(stored.gates).toEqual({
    source: 'stored',
    streams: ['L1.fwd.i', 'L1.fwd.f', 'L1.fwd.o']
  });
  const recomputed = await gatesOf(links[1], true);
  expect(recomputed.gates.source).toMatch(/recomputed/);
  // Same h (same codes), so the same contexts; the gates agree to the stored step (1/255, ±½).
  expect(recomputed.contexts.map((c: { t: number }) => c.t)).toEqual(
    stored.contexts.map((c: { t: number }) => c.t)
  );
  let worst = 0;
  stored.contexts.forEach((c: { gates: Record<string, number[]> }, i: number) => {
    for (const g of ['L1.fwd.i', 'L1.fwd.f', 'L1.fwd.o'])
      c.gates[g].forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - recomputed.contexts[i].gates[g][j]));
      });
  });
  expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);

  // Three documents: a histogram for each; inside vs outside a shown track.
  const up = unitPage(page);
  await expect(up.getByTestId('histogram-documents').locator('figure')).toHaveCount(3);
  await up.getByRole('button', { name: '← Back' }).click();
  await openPanel(page, 'Tracks');
  await page.getByRole('checkbox', { name: 'regex' }).check();
  await expect(page).toHaveURL(/track=regex/);
  // A link with the track and the unit page: the track is restored, then offered as a split.
  await page.goto(`${page.url()}&unit=L1.fwd.h:62`);
  await up
    .getByRole('combobox', { name: 'Track to split by' })
    .selectOption({ label: '/"[^"\\n]*"/' });
  const split = up.getByTestId('histogram-split');
  await expect(split).toContainText('inside', { timeout: 60_000 });
  await expect(split.locator('path')).toHaveCount(2);
  // The unit's score against the shown track, from the ranking engine, with held-out and chance.
  const scores = up.getByTestId('track-scores');
  await expect(scores.locator('tbody tr')).toHaveCount(1, { timeout: 60_000 });
  const cells = await scores.locator('tbody tr td').allTextContents();
  expect(cells[0]).toBe('/"[^"\\n]*"/');
  expect(cells[1]).toBe('AUC');
  for (const c of cells.slice(2)) expect(c).toMatch(/^[+−]?0\.\d{3}$/);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: 'test-results/unit-page-gates-1920.png' });
});
