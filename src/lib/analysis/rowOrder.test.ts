import { describe, expect, it } from 'vitest';
import {
  identityOrder,
  isPermutation,
  orderByScore,
  orderFirst,
  permuteUnits,
  rowsOf
} from './rowOrder';
import { profileSteps, sampleSteps } from './stepSample';

describe('row orders', () => {
  it('puts chosen units first, skipping unknown and repeated ones, the rest in number order', () => {
    expect([...orderFirst(6, [4, 1, 4, 9, -1])]).toEqual([4, 1, 0, 2, 3, 5]);
    expect([...orderFirst(3, [])]).toEqual([0, 1, 2]);
  });

  it('orders by score, highest first; ties and unscored units keep number order, last', () => {
    const scores = [
      { unit: 3, score: 0.9 },
      { unit: 0, score: 0.6 },
      { unit: 4, score: 0.9 },
      { unit: 1, score: null },
      { unit: 7, score: 1 }
    ];
    expect([...orderByScore(5, scores)]).toEqual([3, 4, 0, 1, 2]);
  });

  it('maps rows to units and back', () => {
    const order = Int32Array.of(2, 0, 3, 1);
    const rows = rowsOf(order);
    for (let r = 0; r < 4; r++) expect(rows[order[r]]).toBe(r);
    expect(isPermutation(order, 4)).toBe(true);
    expect(isPermutation(Int32Array.of(0, 0, 1), 3)).toBe(false);
    expect(isPermutation(identityOrder(3), 4)).toBe(false);
  });

  it('permutes a window so that column c holds unit order[c] at every step', () => {
    // 2 steps × 3 units: value = 10·t + u
    const w = Float32Array.of(0, 1, 2, 10, 11, 12);
    expect([...permuteUnits(w, 2, 3, [2, 0, 1])]).toEqual([2, 0, 1, 12, 10, 11]);
  });
});

describe('step sample', () => {
  it('takes every step of a small recording and a seeded ascending sample of a big one', () => {
    expect(profileSteps(256, 34_689)).toBe(34_689);
    expect(profileSteps(512, 1_000_000)).toBe(15_258);
    expect(profileSteps(4096, 1_000_000)).toBe(4096);
    expect([...sampleSteps(5, 9)]).toEqual([0, 1, 2, 3, 4]);
    const a = sampleSteps(100_000, 4096);
    expect(a.length).toBe(4096);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(a[a.length - 1]).toBeLessThan(100_000);
    expect([...sampleSteps(100_000, 4096)]).toEqual([...a]);
    expect([...sampleSteps(100_000, 4096, 2)]).not.toEqual([...a]);
    // Uniform: about a quarter of the sample in each quarter of the steps.
    const q = [0, 0, 0, 0];
    for (const t of a) q[Math.floor(t / 25_000)]++;
    for (const n of q) expect(Math.abs(n - 1024)).toBeLessThan(130);
  });
});
