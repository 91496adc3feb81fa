/**
 * The LSTMVis select view: brush a span of tokens, and the units that are on (>= θ) at every
 * brushed step and off (< θ) at every padding step around it are selected.
 *
 * Follows `LSTMController.cellSelection` in HendrikStrobelt/LSTMVis
 * (client/js/apps/LSTMController.js): a unit is selected iff its on/off signature over
 * [b0 - padLeft, b1 + padRight) equals 0…0 1…1 0…0. Default padding there is [1, 0].
 * `onCounts` is its `sumCellValues` (selected units on per step), which shades the tokens.
 *
 * Deviations, and why:
 *  - Padding steps outside the window (and so outside the recording) are ignored. LSTMVis
 *    slices the signature there: past the right edge the signature is shorter, so nothing is
 *    ever selected; before the left edge a negative index slices from the end. Both are bugs.
 *  - With `docStarts`, padding steps in another document than the brush edge they pad are
 *    ignored too: the state resets at a document start, so "off before" means nothing there.
 *  - NaN values count as off.
 */
import { lastAtOrBefore } from '../bisect';

export interface SelectQuery {
  /** absolute steps [b0, b1) */
  brush: [number, number];
  padLeft: number;
  padRight: number;
  threshold: number;
  /** ascending token indices where documents start */
  docStarts?: ArrayLike<number>;
}

export interface Spans {
  T: number;
  /** window-relative brush [b0, b1) and padding [l0, b0), [b1, r1) */
  b0: number;
  b1: number;
  l0: number;
  r1: number;
}

/** Where the brush and its padding lie in the window (window-relative steps). */
export function selectSpans(
  values: Float32Array,
  units: number,
  t0: number,
  q: SelectQuery
): Spans {
  const T = units > 0 ? Math.floor(values.length / units) : 0;
  const [b0, b1] = q.brush;
  if (!(Number.isInteger(b0) && Number.isInteger(b1) && b0 < b1))
    throw new RangeError(`the brush [${b0}, ${b1}) must hold at least one step`);
  if (b0 < t0 || b1 > t0 + T)
    throw new RangeError(`the brush [${b0}, ${b1}) is outside the window [${t0}, ${t0 + T})`);
  const docs = q.docStarts ?? [];
  const first = lastAtOrBefore(docs, b0); // padding stops at the brush's documents' edges
  const last = lastAtOrBefore(docs, b1 - 1);
  const l = Math.max(t0, b0 - Math.max(0, q.padLeft), first >= 0 ? docs[first] : 0);
  let r = Math.min(t0 + T, b1 + Math.max(0, q.padRight));
  if (last + 1 < docs.length) r = Math.min(r, docs[last + 1]);
  return { T, b0: b0 - t0, b1: b1 - t0, l0: l - t0, r1: r - t0 };
}

/** Which of the brush and padding conditions unit u meets. */
function unitState(values: Float32Array, units: number, u: number, s: Spans, θ: number) {
  let onSteps = 0;
  for (let t = s.b0; t < s.b1; t++) if (values[t * units + u] >= θ) onSteps++;
  let padOn = false;
  for (let t = s.l0; t < s.b0 && !padOn; t++) padOn = values[t * units + u] >= θ;
  for (let t = s.b1; t < s.r1 && !padOn; t++) padOn = values[t * units + u] >= θ;
  return { onSteps, padOn };
}

/**
 * Units selected by a brush. `values` is [T, units] row-major and covers absolute steps
 * [t0, t0 + T); the brush must lie inside it.
 */
export function selectUnits(
  values: Float32Array,
  units: number,
  t0: number,
  query: SelectQuery
): number[] {
  const s = selectSpans(values, units, t0, query);
  const len = s.b1 - s.b0;
  const out: number[] = [];
  for (let u = 0; u < units; u++) {
    const st = unitState(values, units, u, s, query.threshold);
    if (st.onSteps === len && !st.padOn) out.push(u);
  }
  return out;
}

/** Per step, how many of the selected units are >= θ (for shading token backgrounds). */
export function onCounts(
  values: Float32Array,
  units: number,
  selected: ArrayLike<number>,
  threshold: number
): Uint16Array {
  const T = units > 0 ? Math.floor(values.length / units) : 0;
  const out = new Uint16Array(T);
  for (let t = 0; t < T; t++) {
    let c = 0;
    for (let j = 0; j < selected.length; j++) if (values[t * units + selected[j]] >= threshold) c++;
    out[t] = c;
  }
  return out;
}

/** Smallest and largest finite value (NaN, NaN if there is none). */
export function valueRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: NaN, max: NaN };
}

const fmt = (x: number) => String(+x.toPrecision(3));

/** A warning when θ is outside the values' range (so every unit is on, or none), else null. */
export function thresholdWarning(range: { min: number; max: number }, threshold: number) {
  if (threshold > range.max)
    return `θ = ${fmt(threshold)} is above every value in view (the largest is ${fmt(range.max)}): no unit is ever on.`;
  if (threshold <= range.min)
    return `θ = ${fmt(threshold)} is at or below every value in view (the smallest is ${fmt(range.min)}): every unit is always on.`;
  return null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Why a brush selects no unit, as a message for the user; null if it selects some.
 * Same arguments as selectUnits.
 */
export function explainSelection(
  values: Float32Array,
  units: number,
  t0: number,
  query: SelectQuery
): string | null {
  if (units === 0 || values.length === 0) return 'There are no units in view.';
  const s = selectSpans(values, units, t0, query);
  const θ = query.threshold;
  const len = s.b1 - s.b0;
  let onBrush = 0;
  let best = { unit: -1, steps: -1 };
  for (let u = 0; u < units; u++) {
    const st = unitState(values, units, u, s, θ);
    if (st.onSteps === len) {
      if (!st.padOn) return null;
      onBrush++;
    } else if (st.onSteps > best.steps) best = { unit: u, steps: st.onSteps };
  }
  const range = valueRange(values);
  if (θ > range.max) return thresholdWarning(range, θ);
  const where = len === 1 ? 'at the brushed step' : `at every one of the ${len} brushed steps`;
  if (onBrush === 0) {
    const closest =
      len === 1 ? '' : ` The closest, unit ${best.unit}, is on at ${best.steps} of them.`;
    return `No unit is ≥ θ = ${fmt(θ)} ${where}.${closest} Lower θ or brush fewer steps.`;
  }
  const pad = `${plural(s.b0 - s.l0, 'step')} before, ${plural(s.r1 - s.b1, 'step')} after`;
  const who = onBrush === 1 ? '1 unit is' : `${onBrush} units are`;
  const all = onBrush === 1 ? 'it is' : 'all of them are';
  const low = θ <= range.min ? ` ${thresholdWarning(range, θ)}` : '';
  return `${who} ≥ θ ${where}, but ${all} also on in the padding (${pad}). Reduce the padding or raise θ.${low}`;
}
