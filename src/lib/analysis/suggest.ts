/**
 * "Suggest" for the select view's θ. With a brush: the θ that selects the most units under the
 * LSTMVis rule (select.ts: ≥ θ at every brushed step, < θ at every padding step). Unit u is
 * selected exactly when θ lies in (highest padding value, lowest brushed value], so the best θ
 * lies where most of these gaps overlap; among overlaps that select as many units, the widest
 * gap wins and θ goes to its middle (a short number near the centre), so small changes in the
 * data do not flip the selection. Without a brush (or when no unit can be separated): Otsu's cut
 * of the values in view. Either way a sentence says how θ was chosen. Pure: values are the
 * window after the select view's normalisation, [T, units] row-major, covering [t0, t0 + T).
 */
import { selectSpans, type SelectQuery } from './select';
import { otsuThreshold, valueHistogram } from './threshold';

export interface ThresholdSuggestion {
  threshold: number;
  /** 'separation': chosen for the brush; 'otsu': the histogram cut of the values in view. */
  method: 'separation' | 'otsu';
  /** Units the θ selects ('separation'), ascending; empty for 'otsu'. */
  units: number[];
  /** How θ was chosen, in a sentence or two for the user. */
  explanation: string;
}

export type SuggestQuery = Omit<SelectQuery, 'threshold'>;

const fmt = (x: number) => String(+x.toPrecision(3));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The shortest decimal in (lo, hi] within a tenth of the gap from `target` (with lo = −∞: the
 * shortest ≤ hi not below target − 10 %·|target|), so the θ shown is exactly the θ used.
 */
export function shortThreshold(lo: number, hi: number, target: number): number {
  const slack = Number.isFinite(lo) ? 0.1 * (hi - lo) : 0.1 * Math.abs(target);
  for (let p = 1; p <= 17; p++) {
    const r = +target.toPrecision(p);
    if (r > lo && r <= hi && Math.abs(r - target) <= slack) return r;
  }
  return target;
}

/** Lowest brushed value and highest padding value per unit (NaN: never on, so ineligible). */
function unitGaps(values: Float32Array, units: number, t0: number, q: SuggestQuery) {
  const s = selectSpans(values, units, t0, { ...q, threshold: 0 });
  const lo = new Float64Array(units).fill(Infinity);
  const hi = new Float64Array(units).fill(-Infinity);
  for (let u = 0; u < units; u++) {
    for (let t = s.b0; t < s.b1; t++) {
      const v = values[t * units + u];
      if (Number.isNaN(v)) {
        lo[u] = NaN; // NaN counts as off: this unit is never on at every brushed step
        break;
      }
      if (v < lo[u]) lo[u] = v;
    }
    const pad = (t: number) => {
      const v = values[t * units + u];
      if (v > hi[u]) hi[u] = v; // NaN counts as off: it never raises the bar
    };
    for (let t = s.l0; t < s.b0; t++) pad(t);
    for (let t = s.b1; t < s.r1; t++) pad(t);
  }
  return { lo, hi, steps: s.b1 - s.b0, padding: s.b0 - s.l0 + (s.r1 - s.b1) };
}

/** θ for the select view (see the file comment); null when no value in view is finite. */
export function proposeThreshold(
  values: Float32Array,
  units: number,
  t0: number,
  query: SuggestQuery | null
): ThresholdSuggestion | null {
  const T = units > 0 ? Math.floor(values.length / units) : 0;
  const b = query?.brush;
  const inView = !!b && b[0] < b[1] && b[0] >= t0 && b[1] <= t0 + T;
  if (query && inView) {
    const separated = separate(values, units, t0, query);
    if (separated) return separated;
  }
  const h = valueHistogram(values);
  if (!h) return null;
  const threshold = +otsuThreshold(h).toPrecision(3);
  const why = !query
    ? 'No span is brushed'
    : !inView
      ? 'The brushed span is out of view'
      : 'No θ selects a unit here: every unit that is on at all brushed steps is as high somewhere in the padding';
  return {
    threshold,
    method: 'otsu',
    units: [],
    explanation: `${why}, so θ ${fmt(threshold)} is Otsu's cut of the values in view (the split into low and high values with the largest between-group variance).`
  };
}

function separate(
  values: Float32Array,
  units: number,
  t0: number,
  query: SuggestQuery
): ThresholdSuggestion | null {
  const { lo, hi, steps, padding } = unitGaps(values, units, t0, query);
  const eligible: number[] = [];
  for (let u = 0; u < units; u++) if (lo[u] > hi[u] && Number.isFinite(lo[u])) eligible.push(u);
  if (!eligible.length) return null;
  // The most units any θ selects are all selected at one of their lowest brushed values (moving θ
  // up to the nearest such value loses no unit), so only those candidates are tried.
  let best: { set: number[]; gapLo: number; gapHi: number }[] = [];
  let bestCount = 0;
  const seen = new Set<string>();
  for (const c of new Set(eligible.map((u) => lo[u]))) {
    const set = eligible.filter((u) => hi[u] < c && c <= lo[u]);
    if (set.length < bestCount) continue;
    const key = set.join();
    if (set.length > bestCount) [best, bestCount] = [[], set.length];
    if (seen.has(key)) continue;
    seen.add(key);
    let gapLo = -Infinity;
    let gapHi = Infinity;
    for (const u of set) {
      if (hi[u] > gapLo) gapLo = hi[u];
      if (lo[u] < gapHi) gapHi = lo[u];
    }
    best.push({ set, gapLo, gapHi });
  }
  const widest = best.reduce((a, g) => (g.gapHi - g.gapLo > a.gapHi - a.gapLo ? g : a));
  const { set, gapLo, gapHi } = widest;
  const open = !Number.isFinite(gapLo);
  const threshold = open
    ? shortThreshold(-Infinity, gapHi, gapHi)
    : shortThreshold(gapLo, gapHi, (gapLo + gapHi) / 2);
  const list = set.length <= 8 ? ` (${set.join(', ')})` : '';
  const where = steps === 1 ? 'the brushed step' : `all ${steps} brushed steps`;
  const head = `θ ${fmt(threshold)} selects ${plural(set.length, 'unit')}${list}, the most any θ selects`;
  const how = open
    ? `: they are ≥ θ at ${where} and ${padding === 0 ? 'there is no padding' : 'never on in the padding'}, so θ is at their lowest brushed value (${fmt(gapHi)}).`
    : `: θ is mid-way in the gap between their lowest brushed value (${fmt(gapHi)}) and their highest value in the padding (${fmt(gapLo)}).`;
  const ties =
    best.length > 1
      ? ` ${plural(best.length - 1, 'other choice')} of as many units had a narrower gap.`
      : '';
  return { threshold, method: 'separation', units: set, explanation: head + how + ties };
}
