import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { divergingScale } from '../colour';
import { inspectorSvg, matchesSvg, selectViewSvg, type SelectSvgInput } from './vectorViews';

/**
 * Golden files (Observable Plot's test/output): each export rendered from fixed inputs must equal
 * its committed file in tests/output/. After an intended change, rewrite them with
 * `UPDATE_GOLDEN=1 npx vitest run src/lib/views/explorer/vectorViews.test.ts` and review the diff.
 */
const OUTPUT = fileURLToPath(new URL('../../../../tests/output/', import.meta.url));

function expectGolden(name: string, svg: string): void {
  const file = OUTPUT + name;
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(file, `${svg}\n`);
  }
  expect(existsSync(file), `tests/output/${name} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(`${svg}\n`, `differs from tests/output/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(file, 'utf8')
  );
}

/**
 * Throws unless `xml` is one well-formed element: tags nest and close, attribute values are
 * double-quoted, and `<` never (and `&` only as an entity) appears in text or attribute values.
 */
function checkWellFormed(xml: string): void {
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|[^<]+/y;
  const bareAmp = (s: string) =>
    s.replace(/&(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);/gi, '').includes('&');
  const open: string[] = [];
  let roots = 0;
  for (let at = 0; at < xml.length;) {
    tag.lastIndex = at;
    const m = tag.exec(xml);
    if (!m) throw new Error(`not well-formed at ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
    at = tag.lastIndex;
    const [text, close, name, attrs, selfClosing] = m;
    if (bareAmp(text)) throw new Error(`a bare & in ${JSON.stringify(text.slice(0, 60))}`);
    if (name === undefined) {
      if (!open.length && text.trim()) throw new Error('text outside the root element');
    } else if (close) {
      if (attrs || selfClosing || open.pop() !== name) throw new Error(`misplaced </${name}>`);
    } else {
      if (!open.length) roots++;
      if (!selfClosing) open.push(name);
    }
  }
  if (open.length) throw new Error(`<${open.at(-1)}> is not closed`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

/** User text with markup in it: titles and tokens must come out as text. */
const NASTY = '<script>&"';

const selectInput: SelectSvgInput = {
  title: `quote unit ${NASTY} 'x'`,
  // 6 steps × 3 units: unit 1 is on over the brush [12, 14), off on its padding.
  values: Float32Array.from(
    [
      [0.1, -0.2, 0.9],
      [-0.5, 0.1, 0.8],
      [0.2, 0.7, -0.9],
      [0.4, 0.8, -0.3],
      [0.0, -0.1, 0.5],
      [-1.0, 0.0, 1.0]
    ].flat()
  ),
  steps: 6,
  units: 3,
  t0: 10,
  tokens: ['a', ' ', NASTY, "'", '\n', '&'],
  selected: [1],
  threshold: 0.3,
  brush: [12, 14],
  padLeft: 1,
  padRight: 1
};

const match = {
  start: 5,
  end: 7,
  length: 2,
  units: [1, 4],
  intersect: 2,
  union: 2,
  jaccard: 1,
  missing: 0,
  k: 2,
  sharpness: 1
};
const matchRows = [
  {
    match,
    t0: 3,
    tokens: ['a', NASTY, 'c', '\n', 'e', ' '],
    counts: Uint16Array.from([0, 1, 2, 2, 0, 1])
  },
  {
    match: { ...match, start: 40, end: 41, length: 1, intersect: 1 },
    t0: 38,
    tokens: ['x', '"', '<', '>', '&amp;'],
    counts: Uint16Array.from([1, 0, 2, 0, 0])
  }
];

const inspectorTop = [
  { unit: 7, value: 0.93 },
  { unit: 3, value: -0.5 },
  { unit: 115, value: 0.25 },
  { unit: 0, value: -1.4 }
];

describe('vector views: golden files', () => {
  it('the select view', () => {
    const svg = selectViewSvg(selectInput);
    checkWellFormed(svg);
    expect(svg).not.toContain('<script');
    expectGolden('selectView.svg', svg);
  });

  it('the match results', () => {
    const svg = matchesSvg(`Matches ${NASTY} · units 1, 4 · θ = 0.3`, matchRows, 2, 2);
    checkWellFormed(svg);
    expect(svg).not.toContain('<script');
    expectGolden('matches.svg', svg);
  });

  it('the inspector', () => {
    const scale = divergingScale(1);
    const svg = inspectorSvg(`rec ${NASTY} · L1.fwd.h`, NASTY, 1234, inspectorTop, [7, 0], 1, (v) =>
      scale.css(v)
    );
    checkWellFormed(svg);
    expect(svg).not.toContain('<script');
    expectGolden('inspector.svg', svg);
  });

  it('the golden files are themselves well-formed, with the user text escaped', () => {
    for (const name of ['selectView.svg', 'matches.svg', 'inspector.svg']) {
      const svg = readFileSync(OUTPUT + name, 'utf8');
      checkWellFormed(svg);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name).toBe(true);
      expect(svg, name).toContain('&lt;script&gt;&amp;&quot;');
    }
  });

  it('the well-formedness check catches unescaped text', () => {
    expect(() => checkWellFormed(`<svg><text>${NASTY}</text></svg>`)).toThrow();
    expect(() => checkWellFormed('<svg><text>a & b</text></svg>')).toThrow(/bare &/);
    expect(() => checkWellFormed('<svg><g></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text x="<">a</text></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text>a &amp; b</text></svg>')).not.toThrow();
  });
});

describe('vector views', () => {
  it('the select view has a line per unit, the selected ones on top, and escaped text', () => {
    const svg = selectViewSvg({
      title: 'a <script> & "b"',
      values: Float32Array.from([0, 1, 0.5, -1, 1, 0]),
      steps: 3,
      units: 2,
      t0: 10,
      tokens: ['<', 'a', '\n'],
      selected: [1],
      threshold: 0.3,
      brush: [11, 12],
      padLeft: 1,
      padRight: 0
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('data-unit="1"');
    expect(svg).toContain('a &lt;script&gt; &amp; &quot;b&quot;');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('θ = 0.3');
  });

  it('match rows are shaded by on-count and underline the match', () => {
    const svg = matchesSvg(
      'm',
      [
        {
          match,
          t0: 3,
          tokens: ['a', 'b', 'c', 'd', 'e'],
          counts: Uint16Array.from([0, 0, 1, 1, 0])
        }
      ],
      2,
      1
    );
    expect(svg.match(/fill="#e69f00"/g)).toHaveLength(2);
    expect(svg.match(/fill="#d55e00"/g)).toHaveLength(2);
  });

  it('the inspector lists units with bars on both sides, selected ones marked', () => {
    const svg = inspectorSvg(
      't',
      '"',
      5,
      [
        { unit: 3, value: -0.5 },
        { unit: 7, value: 1 }
      ],
      [7],
      1,
      () => '#123456'
    );
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('● unit 7');
    expect(svg).toContain('&quot;');
  });
});
