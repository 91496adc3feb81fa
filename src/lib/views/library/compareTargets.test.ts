import { describe, expect, it } from 'vitest';
import type { RecordingRow } from '../../store/db';
import { compareTargets } from './compareTargets';

const row = (id: number, over: Partial<RecordingRow> = {}) =>
  ({
    id,
    name: `rec ${id}`,
    status: 'complete',
    corpusSha: 'c1',
    tokens: 100,
    createdAt: id,
    streams: [{ id: 'L0.fwd.h' }, { id: 'L1.fwd.h' }],
    ...over
  }) as RecordingRow;

describe('what the library offers to compare a recording with', () => {
  it('itself first, then its twin, then other complete recordings of the corpus, newest first', () => {
    const rows = [
      row(1),
      row(2),
      row(3, { twinOf: 1 }),
      row(4, { corpusSha: 'c2' }),
      row(5, { tokens: 90 }),
      row(6, { status: 'recording' })
    ];
    expect(compareTargets(rows, rows[0]).map((t) => t.id)).toEqual([1, 3, 2]);
    // from the twin's side, its original comes first
    expect(compareTargets(rows, rows[2]).map((t) => t.id)).toEqual([3, 1, 2]);
  });

  it('offers no self-comparison for a recording of one stream', () => {
    const one = row(1, { streams: [{ id: 'L0.fwd.h' }] as RecordingRow['streams'] });
    expect(compareTargets([one, row(2)], one).map((t) => t.label)).toEqual(['rec 2']);
  });
});
