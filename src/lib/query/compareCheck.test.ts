import { describe, expect, it } from 'vitest';
import { checkComparable, CompareRefusal, type ComparedSide } from './compareCheck';

const side = (over: Partial<ComparedSide> = {}): ComparedSide => ({
  name: 'code-lstm.onnx × tiny.c',
  corpusSha: 'a'.repeat(64),
  corpusName: 'tiny.c',
  tokens: 37,
  recorded: 37,
  streams: ['L0.fwd.h', 'L1.fwd.h'],
  ...over
});

function refusal(a: ComparedSide, b: ComparedSide, sa = 'L0.fwd.h', sb = 'L1.fwd.h') {
  try {
    checkComparable(a, b, sa, sb);
  } catch (e) {
    expect(e).toBeInstanceOf(CompareRefusal);
    return (e as CompareRefusal).differences;
  }
  return [];
}

describe('which recordings can be compared', () => {
  it('accepts two streams of one recording, and a twin on the same corpus', () => {
    expect(refusal(side(), side())).toEqual([]);
    expect(refusal(side(), side({ name: 'untrained twin' }), 'L1.fwd.h', 'L1.fwd.h')).toEqual([]);
  });

  it('refuses different corpora and token counts, naming both', () => {
    const b = side({
      name: 'other',
      corpusSha: 'b'.repeat(64),
      corpusName: 'other.c',
      tokens: 40,
      recorded: 40
    });
    expect(refusal(side(), b)).toEqual([
      'The corpora differ: "code-lstm.onnx × tiny.c" was recorded on "tiny.c" (SHA-256 aaaaaaaaaaaa…) and "other" on "other.c" (SHA-256 bbbbbbbbbbbb…); a comparison needs the same text on both sides.',
      'The token counts differ: "code-lstm.onnx × tiny.c" has 37 tokens and "other" 40 (3 more), so their steps do not line up.'
    ]);
  });

  it('refuses the same corpus read into other tokens, a deleted corpus named as such', () => {
    expect(
      refusal(
        side({ tokens: 1200, recorded: 1200 }),
        side({ name: 'B', tokens: 1000, recorded: 1000 })
      )
    ).toEqual([
      'The token counts differ: "code-lstm.onnx × tiny.c" has 1,200 tokens and "B" 1,000 (200 fewer), so their steps do not line up.'
    ]);
    const gone = refusal(side(), side({ name: 'B', corpusSha: 'c'.repeat(64), corpusName: null }));
    expect(gone[0]).toContain('"B" on a corpus no longer in the library (SHA-256 cccccccccccc…)');
  });

  it('refuses a recording in progress and a missing stream', () => {
    expect(refusal(side({ recorded: 10 }), side(), 'L0.fwd.c', 'L1.fwd.h')).toEqual([
      '"code-lstm.onnx × tiny.c" is still in progress (10 of 37 steps): finish it (Resume) first.',
      '"code-lstm.onnx × tiny.c" has no stream L0.fwd.c; it has L0.fwd.h, L1.fwd.h.'
    ]);
  });
});
