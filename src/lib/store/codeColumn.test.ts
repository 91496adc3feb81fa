/** Columns as stored (codes) and the on-tests the match runs on them: same answers as decoding. */
import { describe, expect, it } from 'vitest';
import { countActive } from '../analysis/match';
import { transformValue, unitTransform } from '../analysis/transform';
import { countOn, OnTest } from './codeColumn';
import { memoryRecording } from './memoryRecording';

const U = 20;
const WIDTH = 8; // tiles of 8 units: 3 blocks, the last one 4 wide
const CHUNK = 37; // odd, so segments start at unaligned steps
const T = 400;

/** Chunks of every kind: fixed range, per-unit range (values outside [-1, 1]), float, legacy row-major. */
function recording() {
  let seed = 5;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const values = Float32Array.from({ length: T * U }, () => rand() * 2 - 1);
  for (let i = 0; i < U; i++) values[(3 * CHUNK + 2) * U + i] = 4 * (rand() - 0.5); // chunk 3: c-like
  return memoryRecording({
    steps: T,
    units: U,
    chunkSize: CHUNK,
    tileUnits: WIDTH,
    chunkValues: (_c, start, rows) => values.subarray(start * U, (start + rows) * U),
    tile: (tile, c, b, data) => {
      const { rows, units: n } = tile;
      if (c === 5) {
        const f32 = new Float32Array(rows * n);
        for (let r = 0; r < rows; r++)
          for (let u = 0; u < n; u++) f32[r * n + u] = data[r * U + b * WIDTH + u];
        return { rows, units: n, q: new Uint8Array(0), f32 };
      }
      if (c === 7) {
        const q = new Uint8Array(rows * n);
        for (let r = 0; r < rows; r++)
          for (let u = 0; u < n; u++) q[r * n + u] = tile.q[u * rows + r];
        return { ...tile, q, unitMajor: undefined };
      }
      return tile;
    }
  }).reader;
}

describe('code columns', () => {
  const units = [0, 7, 8, 13, 19];
  it('hold what the reader decodes, for every kind of tile', async () => {
    const reader = recording();
    const decoded = await reader.columns('s', units, 10, 390);
    const cols = await reader.codeColumns('s', units, 10, 390);
    expect(cols[0].f32).not.toBeNull(); // chunk 5 is unquantised
    expect(cols[0].starts.length).toBeGreaterThan(2); // fixed, affine and float segments
    cols.forEach((col, j) => {
      expect(col.length).toBe(380);
      for (let t = 0; t < col.length; t++) {
        const seg = col.starts.findLastIndex((s) => s <= t);
        const v = Number.isNaN(col.step[seg])
          ? col.f32![t]
          : Math.fround(col.lo[seg] + col.codes![t] * col.step[seg]);
        expect(v).toBe(decoded[t * units.length + j]);
      }
    });
  });

  it('on-tests and counts agree with testing decoded values, under every normalisation', async () => {
    const reader = recording();
    const decoded = await reader.columns('s', units, 0, T);
    const cols = await reader.codeColumns('s', units, 0, T);
    const window = await reader.window('s', 0, 100);
    for (const mode of ['raw', 'zscore', 'percentile'] as const) {
      const tf = unitTransform(window, U, mode);
      const theta = mode === 'percentile' ? 0.7 : 0.2;
      const normalised = decoded.map((v, i) => transformValue(tf, units[i % units.length], v));
      const tests = cols.map(
        (col, j) => new OnTest(col, (v) => Math.fround(transformValue(tf, units[j], v)) >= theta)
      );
      expect(Array.from(countOn(tests, T))).toEqual(
        Array.from(countActive(normalised, units.length, theta))
      );
      for (let t = 0; t < T; t += 3)
        tests.forEach((test, j) =>
          expect(test.at(t)).toBe(normalised[t * units.length + j] >= theta)
        );
    }
  });

  it('counts more than 255 columns in 16 bits', async () => {
    const reader = recording();
    const [col] = await reader.codeColumns('s', [4], 0, T);
    const on = new OnTest(col, (v) => v >= 0);
    const counts = countOn(Array(300).fill(on), T);
    expect(counts).toBeInstanceOf(Uint16Array);
    for (let t = 0; t < T; t++) expect(counts[t]).toBe(on.at(t) ? 300 : 0);
    expect(countOn([on], T)).toBeInstanceOf(Uint8Array);
  });
});
