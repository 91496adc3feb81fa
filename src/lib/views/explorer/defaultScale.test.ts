/**
 * The select view's default scale: z-score per unit for streams no activation bounds (c, picked
 * tensors), raw for h and gates; the URL names the scale only when it is not the stream's default.
 */
import { describe, expect, it } from 'vitest';
import { defaultNormalization, streamNormalization } from './defaultScale';
import {
  DEFAULT_VIEW,
  parseViewState,
  writeViewState,
  type ViewState
} from '../../findings/viewState';

const streams = [
  { id: 'L0.fwd.h', kind: 'h' as const },
  { id: 'L0.fwd.c', kind: 'c' as const },
  { id: 'L0.fwd.f', kind: 'f' as const },
  { id: 'tensor:emb', kind: 'tensor' as const }
];

describe('default scale per stream', () => {
  it('z-score for c and tensors, raw for h and gates', () => {
    expect(streams.map((s) => defaultNormalization(s))).toEqual(['raw', 'zscore', 'raw', 'zscore']);
    expect(defaultNormalization(undefined)).toBe('raw');
    const of = streamNormalization(streams, 'L0.fwd.c');
    expect([of('L0.fwd.h'), of(null), of('nope')]).toEqual(['raw', 'zscore', 'zscore']);
  });

  it('a link without a scale opens c at z-score, h raw; the writer leaves the default out', () => {
    const of = streamNormalization(streams, 'L0.fwd.h');
    expect(parseViewState(new URLSearchParams('stream=L0.fwd.c'), of).normalization).toBe('zscore');
    expect(parseViewState(new URLSearchParams('stream=L0.fwd.h'), of).normalization).toBe('raw');
    expect(parseViewState(new URLSearchParams(''), of).normalization).toBe('raw');
    for (const [stream, normalization, norm] of [
      ['L0.fwd.c', 'zscore', null],
      ['L0.fwd.c', 'raw', 'raw'],
      ['L0.fwd.c', 'percentile', 'percentile'],
      ['L0.fwd.h', 'raw', null],
      ['L0.fwd.h', 'zscore', 'zscore']
    ] as const) {
      const v: ViewState = { ...DEFAULT_VIEW, stream, normalization };
      const p = new URLSearchParams();
      writeViewState(p, v, of);
      expect(p.get('norm'), `${stream} ${normalization}`).toBe(norm);
      expect(parseViewState(p, of)).toEqual(v);
    }
  });

  it('a writer with no default always names the scale (findings)', () => {
    const p = new URLSearchParams();
    writeViewState(p, { ...DEFAULT_VIEW, stream: 'L0.fwd.h' }, () => null);
    expect(p.get('norm')).toBe('raw');
  });
});
