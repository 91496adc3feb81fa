import { describe, expect, it } from 'vitest';
import { parseRowOrder, parseViewState, writeRowOrder, writeViewState } from './viewState';

describe('row order in the URL', () => {
  it('round-trips each order and drops what it cannot read', () => {
    for (const s of ['rank', 'sel', 'cluster:average:8', 'cluster:kmeans:64', 'cluster:complete:1'])
      expect(writeRowOrder(parseRowOrder(s))).toBe(s);
    for (const s of [
      '',
      'cluster',
      'cluster:ward:4',
      'cluster:average:0',
      'cluster:average:65',
      'x'
    ])
      expect(parseRowOrder(s)).toBeNull();
    expect(parseRowOrder(null)).toBeNull();
  });

  it('is part of the view state: written last, absent when rows keep number order', () => {
    const p = new URLSearchParams('rec=3&order=cluster:complete:5');
    const v = parseViewState(p);
    expect(v.order).toEqual({ kind: 'cluster', method: 'complete', k: 5 });
    writeViewState(p, v);
    expect(p.toString()).toBe('rec=3&t=0&order=cluster%3Acomplete%3A5');
    writeViewState(p, { ...v, order: null });
    expect(p.has('order')).toBe(false);
  });
});
