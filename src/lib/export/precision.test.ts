import { describe, expect, it } from 'vitest';
import { fmtStored, roundStored, storedDecimals, storedNote } from './precision';

const H = 2 / 255; // h: tanh range [-1, 1] in 8 bits
const GATE = 1 / 255; // sigmoid gates: [0, 1]

describe('values at their stored precision', () => {
  it('8-bit h and gates: 3 decimals (2–3 significant digits), not 4', () => {
    expect(storedDecimals(H)).toBe(3);
    expect(storedDecimals(GATE)).toBe(3);
    expect(fmtStored(0.34901, H)).toBe('+0.349');
    expect(fmtStored(-0.98431, H)).toBe('−0.984');
    expect(fmtStored(0.0196, H)).toBe('+0.020');
  });

  it('per-tile ranges (c): the step of the tile decides', () => {
    expect(storedDecimals(10 / 255)).toBe(2); // ±0.02
    expect(fmtStored(3.14159, 10 / 255)).toBe('+3.14');
    expect(storedDecimals(1000 / 255)).toBe(0); // ±2
    expect(fmtStored(-123.4, 1000 / 255)).toBe('−123');
    expect(storedDecimals(0.002)).toBe(3); // ±0.001 exactly: its first digit is the third decimal
  });

  it('exact (float32) or unknown steps keep 4 decimals; no negative zero', () => {
    expect(fmtStored(0.123456, 0)).toBe('+0.1235');
    expect(fmtStored(0.123456, NaN)).toBe('+0.1235');
    expect(fmtStored(-0.0001, H)).toBe('+0.000');
    expect(fmtStored(NaN, H)).toBe('–');
  });

  it('CSV numbers rounded the same way; the hover note', () => {
    expect(roundStored(0.34901, H)).toBe(0.349);
    expect(roundStored(0.123456, 0)).toBe(0.1235);
    expect(storedNote(H)).toBe('stored as 8 bits: step 0.0078 (±0.0039)');
    expect(storedNote(0)).toBe('stored as float32: exact');
    expect(storedNote(NaN)).toBe('');
  });
});
