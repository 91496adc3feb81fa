import { describe, expect, it } from 'vitest';
import { decodeTile, decodeTileColumn, encodeTile, tileBytes, type Tile } from './tiles';

function random(n: number, lo: number, hi: number, seed = 1) {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return lo + (hi - lo) * (s / 2 ** 31);
  });
}

function roundTrip(src: Float32Array, rows: number, units: number, range: [number, number] | null) {
  const tile = encodeTile({ data: src, base: 0, stride: units }, rows, units, range);
  const out = new Float32Array(rows * units);
  decodeTile(tile, 0, rows, { data: out, base: 0, stride: units });
  let err = 0;
  src.forEach((v, i) => (err = Math.max(err, Math.abs(v - out[i]))));
  return { tile, err };
}

describe('tile codec (8-bit)', () => {
  it('h in [-1, 1]: one byte per value, max error ≤ 2/510 (< 0.004)', () => {
    const { tile, err } = roundTrip(random(2048 * 64, -1, 1), 2048, 64, [-1, 1]);
    expect(tileBytes(tile)).toBe(2048 * 64);
    expect(err).toBeLessThanOrEqual(2 / 510 + 1e-7);
    expect(err).toBeGreaterThan(0.003); // it really is quantised
  });
  it('gates in [0, 1]: max error ≤ 1/510', () => {
    expect(roundTrip(random(512 * 32, 0, 1), 512, 32, [0, 1]).err).toBeLessThanOrEqual(
      1 / 510 + 1e-7
    );
  });
  it('unbounded c: per-unit range, error ≤ that unit range / 510', () => {
    const rows = 1000;
    const src = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      src[r * 2] = 50 * Math.sin(r / 30); // range 100
      src[r * 2 + 1] = 0.01 * Math.cos(r / 7); // range 0.02: must keep its own precision
    }
    const tile = encodeTile({ data: src, base: 0, stride: 2 }, rows, 2, null);
    const out = new Float32Array(rows * 2);
    decodeTile(tile, 0, rows, { data: out, base: 0, stride: 2 });
    for (let r = 0; r < rows; r++) {
      expect(Math.abs(out[r * 2] - src[r * 2])).toBeLessThanOrEqual(100 / 510 + 1e-5);
      expect(Math.abs(out[r * 2 + 1] - src[r * 2 + 1])).toBeLessThanOrEqual(0.02 / 510 + 1e-7);
    }
    expect(tileBytes(tile)).toBe(rows * 2 + 16);
  });
  it('a tile that strays outside its fixed range falls back to per-unit ranges', () => {
    const src = random(100 * 4, -1, 1);
    src[7] = 3.5; // e.g. a non-zero initial state fed by the user
    const { tile, err } = roundTrip(src, 100, 4, [-1, 1]);
    expect(tile.range).toBeUndefined();
    expect(err).toBeLessThanOrEqual(4.5 / 510 + 1e-6);
  });
  it('reads a column block out of wider rows and decodes a row range into a strided output', () => {
    const rows = 10;
    const wide = Float32Array.from({ length: rows * 8 }, (_, i) => ((i % 8) - 4) / 4);
    const tile = encodeTile({ data: wide, base: 2, stride: 8 }, rows, 3, [-1, 1]); // units 2..4 of 8
    const out = new Float32Array(4 * 5).fill(NaN);
    decodeTile(tile, 3, 7, { data: out, base: 1, stride: 5 });
    for (let r = 0; r < 4; r++)
      for (let u = 0; u < 3; u++)
        expect(out[r * 5 + 1 + u]).toBeCloseTo(wide[(r + 3) * 8 + 2 + u], 2);
    expect(out[0]).toBeNaN();
  });
});

describe('tile layout', () => {
  it('writes unit-major codes; older row-major tiles decode to the same values', () => {
    const rows = 37;
    const units = 5;
    const src = random(rows * units, -1, 1, 7);
    for (const range of [[-1, 1] as [number, number], null]) {
      const tile = encodeTile({ data: src, base: 0, stride: units }, rows, units, range);
      expect(tile.unitMajor).toBe(true);
      // Unit u's steps are contiguous.
      const out = new Float32Array(rows * units);
      decodeTile(tile, 0, rows, { data: out, base: 0, stride: units });
      const k = tile.range ? 2 / 255 : tile.step![2];
      const lo = tile.range ? -1 : tile.lo![2];
      for (let r = 0; r < rows; r++)
        expect(lo + tile.q[2 * rows + r] * k).toBeCloseTo(out[r * units + 2], 6);
      // The same tile in the old layout.
      const q = new Uint8Array(rows * units);
      for (let r = 0; r < rows; r++)
        for (let u = 0; u < units; u++) q[r * units + u] = tile.q[u * rows + r];
      const legacy: Tile = { ...tile, q, unitMajor: undefined };
      const again = new Float32Array(rows * units);
      decodeTile(legacy, 0, rows, { data: again, base: 0, stride: units });
      expect(again).toEqual(out);
      for (const t of [tile, legacy]) {
        const col = new Float32Array(10);
        decodeTileColumn(t, 3, 20, 30, { data: col, base: 0, stride: 1 });
        expect(col).toEqual(Float32Array.from({ length: 10 }, (_, i) => out[(20 + i) * units + 3]));
      }
    }
  });
});
