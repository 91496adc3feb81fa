/**
 * Gate saturation against numpy (tests/fixtures/saturation, made by make_saturation_fixture.py):
 * the same float32 values, fed in chunks of rows and unit by unit as floats, give numpy's
 * fractions; values on and one float32 step beside the thresholds count as numpy counts them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeLimits, mostlyOpen, SaturationCounter } from './gateSaturation';

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../tests/fixtures/saturation/saturation.json', import.meta.url),
    'utf8'
  )
) as { rows: number; units: number; values: number[]; left: number[]; right: number[] };
const values = Float32Array.from(fixture.values);
const { rows, units } = fixture;

describe('SaturationCounter', () => {
  it('gives numpy’s fractions from rows fed in uneven chunks', () => {
    const c = new SaturationCounter('L0.fwd.f', units);
    for (const [a, b] of [
      [0, 7],
      [7, 300],
      [300, rows]
    ])
      c.addRows(values.subarray(a * units, b * units), b - a);
    const r = c.result();
    expect(r.steps).toBe(rows);
    expect(Array.from(r.left)).toEqual(fixture.left);
    expect(Array.from(r.right)).toEqual(fixture.right);
    // Unit 5 holds 0.1 and 0.9 (as float32) and their neighbours: one step each side counts.
    expect([r.left[5], r.right[5]]).toEqual([1 / rows, 1 / rows]);
  });

  it('gives the same from float columns given unit by unit', () => {
    const c = new SaturationCounter('L0.fwd.f', units);
    for (let u = 0; u < units; u++) {
      const f32 = Float32Array.from({ length: rows }, (_, t) => values[t * units + u]);
      c.addStored(u, { length: rows, codes: null, starts: [0], lo: [NaN], step: [NaN], f32 });
    }
    expect(Array.from(c.result().left)).toEqual(fixture.left);
    expect(Array.from(c.result().right)).toEqual(fixture.right);
  });

  it('refuses rows that do not fill the units', () => {
    expect(() => new SaturationCounter('s', 4).addRows(new Float32Array(7), 2)).toThrow(
      '2 rows of 4 units need 8 values.'
    );
  });

  it('lists the units open more than half of the time', () => {
    const c = new SaturationCounter('L0.fwd.f', units);
    c.addRows(values, rows);
    expect(mostlyOpen(c.result())).toEqual(fixture.right.flatMap((r, u) => (r > 0.5 ? [u] : [])));
    expect(mostlyOpen(c.result())).toEqual([4, 6]);
  });
});

describe('codeLimits', () => {
  it('a [0, 1] tile: codes 0–25 decode below 0.1, codes 230–255 above 0.9', () => {
    expect(codeLimits(0, 1 / 255)).toEqual({ leftMax: 25, rightMin: 230 });
  });
  it('a tile scaled to its unit: the codes whose decode is saturated', () => {
    // lo 0.05, step 0.001: code c decodes to 0.05 + c/1000; < 0.1 up to c = 49, > 0.9 never.
    expect(codeLimits(0.05, 0.001)).toEqual({ leftMax: 49, rightMin: 256 });
    expect(codeLimits(0.5, 0.002)).toEqual({ leftMax: -1, rightMin: 201 });
  });
});
