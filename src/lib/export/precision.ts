/**
 * Values at the precision they were stored with. An 8-bit tile stores a value to within ±step/2
 * (h: step 2/255 ≈ 0.0078, so 2–3 significant digits); float32 (Zarr) tiles are exact (step 0).
 * Digits are kept down to the first significant digit of that error, no further. Pure code.
 */

/** Decimals a value stored with quantisation step `step` justifies (4 when exact or unknown). */
export function storedDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 4;
  return Math.max(0, Math.min(8, Math.ceil(-Math.log10(step / 2) - 1e-9)));
}

/** The value rounded to the decimals its step justifies (for CSV: a plain number). */
export function roundStored(v: number, step: number): number {
  return Number(v.toFixed(storedDecimals(step)));
}

/** A value for display: signed (+/−), with the digits its step justifies. */
export function fmtStored(v: number, step: number): string {
  if (!Number.isFinite(v)) return '–';
  const d = storedDecimals(step);
  const text = Math.abs(v).toFixed(d);
  return (Number(v.toFixed(d)) < 0 ? '−' : '+') + text;
}

/** A quantisation step in two significant digits (0.0078). */
export const fmtStep = (step: number) => String(+step.toPrecision(2));

/** What hovering a stored value tells: how it was stored and its step. */
export function storedNote(step: number): string {
  if (step === 0) return 'stored as float32: exact';
  if (!(step > 0)) return '';
  return `stored as 8 bits: step ${fmtStep(step)} (±${fmtStep(step / 2)})`;
}
