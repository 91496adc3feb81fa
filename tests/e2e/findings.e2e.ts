/**
 * From a pattern to something shareable: a PNG figure (decoded and checked), a JSON finding that
 * re-imports into a fresh browser profile and restores the same selection, a link, and tampered
 * findings refused with a precise message.
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { expect, test } from '../helpers/browserTest';
import { openPanel } from '../helpers/panels';
import { recordDemoH } from '../helpers/recordDemo';

const STRING_AT = 1694;

/** Decode a PNG (8-bit RGBA, no interlace: what canvas.toBlob writes) to its pixels. */
function decodePng(buf: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]); // 8-bit RGBA
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  const stride = width * 4;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? rgba[y * stride + x - 4] : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      rgba[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth][filter]) & 255;
    }
  }
  return { width, height, rgba };
}

test('PNG figure, JSON finding, link: re-imported into a fresh profile it shows the same units', async ({
  browser,
  demoProfiles
}) => {
  // A profile that holds the demo recorded with kinds = h (tests/helpers/browserTest.ts).
  const { context, href } = await demoProfiles.open('h', { acceptDownloads: true });
  const page = await context.newPage();
  // The selection comes from the URL: brush, θ — the link is the view.
  await page.goto(
    `${href}&stream=L1.fwd.h&t=${STRING_AT - 10}&theta=0.2&brush=${STRING_AT + 1},${STRING_AT + 11}`
  );
  const units = page.getByRole('group', { name: 'Selected units' }).getByRole('button');
  await expect(units.first()).toBeVisible();
  const selected = await units.allTextContents();

  // PNG at 2×: the right size, not blank, and the legend holds the scale's colours.
  await openPanel(page, 'Finding');
  await page.getByLabel('Finding title').fill('a <b>quote</b> unit');
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'PNG figure' }).click()
  ]);
  await png.saveAs('test-results/figure.png');
  // Files are named by what they hold: model, corpus, stream, steps shown, recording date.
  const day = /\d{4}-\d\d-\d\d/.source;
  const stem = `code-lstm_stb_c_lexer_L1\\.fwd\\.h_t${STRING_AT - 10}-\\d+_${day}`;
  expect(png.suggestedFilename()).toMatch(new RegExp(`^${stem}\\.png$`));
  const img = decodePng(readFileSync((await png.path())!));
  expect(img.width).toBeGreaterThan(800);
  expect(img.height).toBeGreaterThan(400);
  const colours = new Set<number>();
  for (let i = 0; i < img.rgba.length; i += 4 * 97)
    colours.add((img.rgba[i] << 16) | (img.rgba[i + 1] << 8) | img.rgba[i + 2]);
  expect(colours.size).toBeGreaterThan(50);
  // Legend: 200 px gradient at x = 56…256 (2× → 112…512), from RdBu blue through white to red.
  const legendY = Math.round(img.height - 2 * (16 + 44 - 14 - 5));
  const px = (x: number) =>
    Array.from(img.rgba.subarray((legendY * img.width + x) * 4, (legendY * img.width + x) * 4 + 3));
  const [blue, mid, red] = [px(2 * 58), px(2 * 156), px(2 * 254)];
  expect(blue[2]).toBeGreaterThan(blue[0] + 40);
  expect(red[0]).toBeGreaterThan(red[2] + 40);
  expect(Math.min(...mid)).toBeGreaterThan(200);

  // The select view as SVG (a line per unit, the selected on top) and as PNG.
  const views = page.getByRole('region', { name: 'Finding' });
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    views.getByRole('button', { name: 'SVG' }).first().click()
  ]);
  expect(svg.suggestedFilename()).toMatch(new RegExp(`^${stem}_select\\.svg$`));
  const svgText = readFileSync((await svg.path())!, 'utf8');
  expect(svgText.startsWith('<svg')).toBe(true);
  expect(svgText.match(/<polyline/g)!.length).toBe(256);
  expect(svgText).toContain('a &lt;b&gt;quote&lt;/b&gt; unit');
  const [selectPng] = await Promise.all([
    page.waitForEvent('download'),
    views.getByRole('button', { name: 'PNG', exact: true }).first().click()
  ]);
  expect(decodePng(readFileSync((await selectPng.path())!)).width).toBeGreaterThan(1000);
  // The inspector at a hovered token, as SVG: 20 units with bars.
  await page.locator(`[data-t="${STRING_AT + 3}"]`).hover();
  const [inspector] = await Promise.all([
    page.waitForEvent('download'),
    views.getByRole('button', { name: 'SVG' }).nth(2).click()
  ]);
  expect(inspector.suggestedFilename()).toMatch(
    new RegExp(`^code-lstm_stb_c_lexer_L1\\.fwd\\.h_t${STRING_AT + 3}_${day}_inspector\\.svg$`)
  );
  const inspectorText = readFileSync((await inspector.path())!, 'utf8');
  expect(inspectorText.match(/>(● )?unit \d+</g)).toHaveLength(20);

  // Save the finding (library + JSON file).
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save finding' }).click()
  ]);
  await json.saveAs('test-results/quote.finding.json');
  expect(json.suggestedFilename()).toMatch(new RegExp(`^${stem}\\.finding\\.json$`));
  const text = readFileSync((await json.path())!, 'utf8');
  const finding = JSON.parse(text);
  expect(finding.format).toBe('cellscope-finding/1');
  expect(finding.selection.units.map(String)).toEqual(selected.map((s) => s.replace(' ×', '')));
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Findings' })).toContainText('a <b>quote</b> unit');
  await context.close();

  // A fresh profile: the demo model and corpus are there, the recording is not yet.
  const fresh = await browser.newContext();
  const p2 = await fresh.newPage();
  await p2.goto('/');
  await expect(p2.getByRole('list', { name: 'Models' })).toContainText('code-lstm.onnx');
  const file = {
    name: 'quote.finding.json',
    mimeType: 'application/json',
    buffer: Buffer.from(text)
  };
  await p2.getByLabel('Import finding…').setInputFiles(file);
  await expect(p2.getByRole('alert')).toContainText('has not been recorded here yet');
  await recordDemoH(p2);
  await p2
    .getByRole('list', { name: 'Findings' })
    .getByRole('button', { name: 'Open' })
    .first()
    .click();
  await expect(p2).toHaveURL(/explore\?rec=\d+.*brush=1695%2C1705/);
  const units2 = p2.getByRole('group', { name: 'Selected units' }).getByRole('button');
  await expect(units2.first()).toBeVisible();
  expect(await units2.allTextContents()).toEqual(selected);
  await expect(p2.getByRole('spinbutton', { name: 'Threshold θ' })).toHaveValue('0.2');

  // Tampered findings: wrong hash, wrong unit count, schema violation.
  await p2.goto('/');
  const tamper = async (f: unknown, expected: RegExp) => {
    await p2
      .getByLabel('Import finding…')
      .setInputFiles({ ...file, buffer: Buffer.from(JSON.stringify(f)) });
    await expect(p2.getByRole('alert')).toContainText(expected);
  };
  await tamper(
    { ...finding, model: { ...finding.model, sha256: 'f'.repeat(64) } },
    /model "code-lstm\.onnx" here is a different file/
  );
  await tamper(
    { ...finding, stream: { ...finding.stream, units: 512 } },
    /has 256 units here but 512 in the finding/
  );
  await tamper(
    { ...finding, selection: { ...finding.selection, threshold: 'high' } },
    /not a cellscope finding: selection\.threshold/
  );
  // The title with HTML in it is shown as text.
  await expect(p2.getByRole('list', { name: 'Findings' }).locator('b')).toHaveCount(0);
  await fresh.close();
});

test('a finding imported the moment the library opens finds the bundled demo model and corpus', async ({
  page
}) => {
  // First start: the demo is still being put into the library when the import arrives.
  await page.goto('/');
  await page
    .getByLabel('Import finding…')
    .setInputFiles('tests/fixtures/findings/quote-unit.finding.json');
  const problems = page.getByRole('alert');
  await expect(problems).toContainText('has not been recorded here yet');
  await expect(problems).not.toContainText('is not in this library');
});
