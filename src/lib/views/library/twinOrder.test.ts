import { describe, expect, it } from 'vitest';
import type { RecordingRow } from '../../store/db';
import { nextTwinSeed, twinOrder } from './twinOrder';

const row = (id: number, twin?: { of: number; seed: number }) =>
  ({ id, name: `r${id}`, twinOf: twin?.of, twinSeed: twin?.seed }) as RecordingRow;

describe('twins in the recording list', () => {
  it('lists each twin under its original, in seed order, originals kept in their order', () => {
    // Newest first, as the library lists them: the twins were made after their originals.
    const rows = [row(5, { of: 1, seed: 2 }), row(4), row(3, { of: 1, seed: 1 }), row(2), row(1)];
    expect(twinOrder(rows).map((l) => [l.row.id, l.underOriginal])).toEqual([
      [4, false],
      [2, false],
      [1, false],
      [3, true],
      [5, true]
    ]);
  });

  it('keeps a twin whose original was deleted where it is, on its own', () => {
    const rows = [row(7, { of: 6, seed: 1 }), row(2)];
    expect(twinOrder(rows).map((l) => [l.row.id, l.underOriginal])).toEqual([
      [7, false],
      [2, false]
    ]);
  });

  it('offers the smallest seed from 1 that no twin of the recording has taken', () => {
    const rows = [
      row(1),
      row(2, { of: 1, seed: 1 }),
      row(3, { of: 1, seed: 3 }),
      row(4, { of: 9, seed: 2 })
    ];
    expect(nextTwinSeed(rows, 1)).toBe(2);
    expect(nextTwinSeed(rows, 9)).toBe(1);
    expect(nextTwinSeed(rows, 4)).toBe(1);
  });
});
