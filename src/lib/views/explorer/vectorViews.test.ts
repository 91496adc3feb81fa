import { describe, expect, it } from 'vitest';
import { inspectorSvg, matchesSvg, selectViewSvg } from './vectorViews';

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
    const match = {
      start: 5,
      end: 7,
      length: 2,
      units: [1],
      intersect: 1,
      union: 1,
      jaccard: 1,
      missing: 0,
      k: 1,
      sharpness: 1
    };
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
