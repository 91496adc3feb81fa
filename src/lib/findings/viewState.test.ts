import { describe, expect, it } from 'vitest';
import {
  currentView,
  DEFAULT_VIEW,
  linkTracks,
  parseViewState,
  writeViewState,
  type ViewState
} from './viewState';

const view: ViewState = {
  stream: 'L1.fwd.c',
  t: 1684,
  zoom: 8,
  brush: [1695, 1706],
  padLeft: 2,
  padRight: 1,
  threshold: -0.25,
  normalization: 'zscore',
  added: [7, 9],
  removed: [115],
  rule: [41, 115],
  tracks: [
    { kind: 'class' },
    { kind: 'depth', param: '() []' },
    { kind: 'regex', param: "'[^'\\n]*',:&=%" }
  ],
  match: { window: [1684, 1790] },
  unit: { stream: 'L1.fwd.c', unit: 177 }
};

describe('view state in the URL', () => {
  it('round-trips every field; defaults are left out', () => {
    const p = new URLSearchParams('rec=3');
    writeViewState(p, view);
    expect(parseViewState(new URLSearchParams(p.toString()))).toEqual(view);
    expect(p.get('rec')).toBe('3');
    const d = new URLSearchParams();
    writeViewState(d, { ...DEFAULT_VIEW, stream: 's' });
    expect(d.toString()).toBe('stream=s&t=0');
  });

  it('one view, one link: the same order whatever was written before', () => {
    const a = new URLSearchParams('rec=3');
    writeViewState(a, { ...view, match: null, tracks: [] });
    writeViewState(a, view);
    const b = new URLSearchParams('rec=3');
    writeViewState(b, view);
    expect(a.toString()).toBe(b.toString());
    expect([...b.keys()][0]).toBe('rec');
  });

  it('keeps the order of tracks and rewrites them (no stale ones)', () => {
    const p = new URLSearchParams();
    writeViewState(p, view);
    writeViewState(p, { ...view, tracks: [{ kind: 'regex', param: 'x' }, { kind: 'loss' }] });
    expect(p.getAll('track')).toEqual(['regex:x', 'loss']);
  });

  it('match: shown with its normalising window, shown on the raw scale, not shown', () => {
    const at = (match: ViewState['match']) => {
      const p = new URLSearchParams();
      writeViewState(p, { ...view, match });
      return [p.get('match'), parseViewState(p).match];
    };
    expect(at({ window: [10, 90] })).toEqual(['10,90', { window: [10, 90] }]);
    expect(at({ window: null })).toEqual(['1', { window: null }]);
    expect(at(null)).toEqual([null, null]);
  });

  it('the unit page: stream and unit, written as STREAM:UNIT; a bad one is no unit page', () => {
    const p = new URLSearchParams();
    writeViewState(p, view);
    expect(p.get('unit')).toBe('L1.fwd.c:177');
    expect(p.toString()).toMatch(/&unit=L1.fwd.c%3A177$/);
    writeViewState(p, { ...view, unit: null });
    expect(p.has('unit')).toBe(false);
    const at = (s: string) => parseViewState(new URLSearchParams({ unit: s })).unit;
    expect(at('tensor:emb/out:3')).toEqual({ stream: 'tensor:emb/out', unit: 3 });
    expect([at('L0.fwd.h'), at('L0.fwd.h:-1'), at('L0.fwd.h:x'), at(':5')]).toEqual([
      null,
      null,
      null,
      null
    ]);
  });

  it("the rule's units: an empty rule stays empty; without a brush there is none", () => {
    const p = new URLSearchParams();
    writeViewState(p, { ...view, rule: [] });
    expect(p.get('rule')).toBe('');
    expect(parseViewState(p).rule).toEqual([]);
    writeViewState(p, { ...view, rule: null });
    expect(parseViewState(p).rule).toBeNull();
    expect(parseViewState(new URLSearchParams('rule=3')).rule).toBeNull();
  });

  it('ignores bad values instead of failing', () => {
    const v = parseViewState(
      new URLSearchParams(
        't=-5&zoom=x&brush=9,3&theta=abc&norm=evil&add=1,a,2&track=evil&track=loss:x&match=9,3'
      )
    );
    expect(v).toEqual({
      ...DEFAULT_VIEW,
      added: [1, 2],
      tracks: [{ kind: 'loss' }],
      match: { window: null }
    });
    expect(parseViewState(new URLSearchParams('theta=')).threshold).toBe(0.3);
  });
});

describe('what a link carries', () => {
  it('built-in tracks with their parameters; imported files are named as left out', () => {
    expect(
      linkTracks([
        { key: 'class', name: 'character class' },
        { key: 'file:3', name: 'my-labels' },
        { key: 'depth', name: 'nesting depth ()', param: '()' }
      ])
    ).toEqual({
      tracks: [{ kind: 'class' }, { kind: 'depth', param: '()' }],
      left: ['my-labels']
    });
  });

  it('the unit page: stream and unit, written as STREAM:UNIT; a bad one is no unit page', () => {
    const p = new URLSearchParams();
    writeViewState(p, view);
    expect(p.get('unit')).toBe('L1.fwd.c:177');
    expect(p.toString()).toMatch(/&unit=L1.fwd.c%3A177$/);
    writeViewState(p, { ...view, unit: null });
    expect(p.has('unit')).toBe(false);
    const at = (s: string) => parseViewState(new URLSearchParams({ unit: s })).unit;
    expect(at('tensor:emb/out:3')).toEqual({ stream: 'tensor:emb/out', unit: 3 });
    expect([at('L0.fwd.h'), at('L0.fwd.h:-1'), at('L0.fwd.h:x'), at(':5')]).toEqual([
      null,
      null,
      null,
      null
    ]);
  });

  it("the rule's units once known; none while a restored brush waits for its window", () => {
    const ex = { stream: 's', t0: 5, cellWidth: 12 };
    const sel = { ...DEFAULT_VIEW, brush: [6, 9] as [number, number], ruleUnits: [4] };
    expect(currentView(ex, { ...sel, pending: false }).rule).toEqual([4]);
    expect(currentView(ex, { ...sel, pending: true }).rule).toBeNull();
    expect(currentView(ex, { ...sel, brush: null, pending: false }).rule).toBeNull();
  });
});
