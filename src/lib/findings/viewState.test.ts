import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseViewState, writeViewState } from './viewState';

describe('view state in the URL', () => {
  it('round-trips every field; defaults are left out', () => {
    const v = {
      stream: 'L1.fwd.c',
      t: 1684,
      zoom: 8,
      brush: [1695, 1706] as [number, number],
      padLeft: 2,
      padRight: 1,
      threshold: 0.2,
      normalization: 'zscore' as const,
      added: [7, 9],
      removed: [115]
    };
    const p = new URLSearchParams('rec=3');
    writeViewState(p, v);
    expect(parseViewState(p)).toEqual(v);
    expect(p.get('rec')).toBe('3');
    const d = new URLSearchParams();
    writeViewState(d, { ...DEFAULT_VIEW, stream: 's' });
    expect(d.toString()).toBe('stream=s&t=0');
  });

  it('ignores bad values instead of failing', () => {
    const v = parseViewState(
      new URLSearchParams('t=-5&zoom=x&brush=9,3&theta=abc&norm=evil&add=1,a,2')
    );
    expect(v).toEqual({ ...DEFAULT_VIEW, added: [1, 2] });
  });
});
