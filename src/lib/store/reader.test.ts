import { describe, expect, it } from 'vitest';
import { memoryRecording } from './memoryRecording';
import { stepAt, unitSteps } from './reader';

/** unit u of chunk c spans [-(c + 1) (u + 1), (c + 1) (u + 1)] */
const values = (units: number) => (c: number, _start: number, rows: number) =>
  Float32Array.from({ length: rows * units }, (_, i) => {
    const [r, u] = [Math.floor(i / units), i % units];
    return (r % 2 ? 1 : -1) * (c + 1) * (u + 1);
  });

describe('quantisation steps of stored values', () => {
  it('fixed-range streams (h): 2/255 everywhere', async () => {
    const { reader } = memoryRecording({
      steps: 100,
      units: 20,
      chunkSize: 64,
      chunkValues: (_c, _s, rows) => new Float32Array(rows * 20).fill(0.5)
    });
    const w = await reader.steps('s', 10, 90);
    expect(w.starts).toEqual([10, 64]);
    expect(stepAt(w, 10, 0)).toBeCloseTo(2 / 255, 7);
    expect(stepAt(w, 89, 19)).toBeCloseTo(2 / 255, 7);
    expect(await reader.step('s', 70, 17)).toBeCloseTo(2 / 255, 7);
    expect(stepAt(w, 9, 0)).toBeNaN();
    expect(stepAt(w, 10, 20)).toBeNaN();
  });

  it('per-tile ranges (c): each chunk and unit its own step', async () => {
    const { reader } = memoryRecording({
      steps: 100,
      units: 20,
      chunkSize: 64,
      range: null,
      chunkValues: values(20)
    });
    const w = await reader.steps('s', 0, 100);
    // unit 17 in chunk 1: range ±2·18 → step 72/255
    expect(stepAt(w, 70, 17)).toBeCloseTo(72 / 255, 5);
    expect(stepAt(w, 63, 17)).toBeCloseTo(36 / 255, 5);
    expect(stepAt(w, 0, 0)).toBeCloseTo(2 / 255, 6);
    expect(unitSteps(w)[17]).toBeCloseTo(72 / 255, 5);
  });

  it('float32 tiles (Zarr): exact, step 0', async () => {
    const { reader } = memoryRecording({
      steps: 10,
      units: 4,
      chunkValues: values(4),
      tile: (t, _c, _b, data) => ({ ...t, q: new Uint8Array(0), f32: data })
    });
    expect(await reader.step('s', 3, 2)).toBe(0);
  });
});
