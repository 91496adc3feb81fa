import { describe, expect, it } from 'vitest';
import { GridArray, type GridSpan } from './zarrGrid';

/** The chunks a grid writes (by key), rows given in the pieces and order listed. */
function written(span: GridSpan, width: number, pieces: [number, number][]) {
  const chunks = new Map<string, Float32Array>();
  const grid = new GridArray(
    'a',
    width,
    2,
    false,
    (n) => new Float32Array(n),
    span,
    (_, coords, bytes) => {
      expect(chunks.has(coords.join('.'))).toBe(false);
      chunks.set(coords.join('.'), new Float32Array(bytes.slice().buffer));
    }
  );
  // Row t, unit u holds t * 10 + u + 1 (0 is the fill value).
  for (const [start, rows] of pieces) {
    const data = new Float32Array(rows * width).map(
      (_, i) => (start + Math.floor(i / width)) * 10 + (i % width) + 1
    );
    grid.append(start, rows, data);
  }
  grid.close();
  return chunks;
}

describe('a Zarr array written along its grid', () => {
  const span = { steps: 10, chunkRows: 4, from: 0, to: 10 };
  it('writes the same chunks whatever order and pieces the rows come in', () => {
    const inOrder = written(span, 3, [[0, 10]]);
    expect([...inOrder.keys()].sort()).toEqual(['0.0', '0.1', '1.0', '1.1', '2.0', '2.1']);
    // The last chunk is padded with zeros past row 9.
    expect(Array.from(inOrder.get('2.1')!)).toEqual([83, 0, 93, 0, 0, 0, 0, 0]);
    const shuffled = written(span, 3, [
      [7, 3],
      [2, 3],
      [0, 2],
      [5, 2]
    ]);
    expect(shuffled).toEqual(inOrder);
  });

  it('refuses a row given twice, and says which chunk was left incomplete', () => {
    expect(() =>
      written(span, 3, [
        [0, 3],
        [2, 2]
      ])
    ).toThrow(/a: rows of chunk 0 were given twice/);
    expect(() => written(span, 3, [[0, 9]])).toThrow(/a: chunk 2 was left incomplete/);
  });
});
