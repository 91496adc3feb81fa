/**
 * The select view's state (LSTMVis): a brushed span, padding, threshold θ and normalisation; the
 * units the LSTMVis rule selects there, plus units added or removed by hand.
 * Normalisation statistics come from the window in view; matching applies the same per-unit
 * transform to the whole recording (see unitTransform), so "on" means the same thing in both.
 */
import { explainSelection, onCounts, selectUnits, thresholdWarning } from '../../analysis/select';
import { normalize, type Normalization } from '../../analysis/threshold';
import type { WindowData } from './explorer.svelte';
import type { SelectionFields } from '../../findings/viewState';
import { valueStats } from './valueStats';

export const DEFAULT_THRESHOLD = 0.3;

export class SelectionState {
  /** Absolute steps [b0, b1) brushed, or null. */
  brush = $state<[number, number] | null>(null);
  padLeft = $state(1);
  padRight = $state(0);
  threshold = $state(DEFAULT_THRESHOLD);
  normalization = $state<Normalization>('raw');
  /** Units the rule selected when the brush, θ or padding last changed (frozen while panning). */
  ruleUnits = $state.raw<number[]>([]);
  added = $state.raw<number[]>([]);
  removed = $state.raw<number[]>([]);
  /** Why the rule selected nothing (or the brush is out of view), for the user. */
  message = $state<string | null>(null);
  hoverUnit = $state<number | null>(null);
  /** The brush was restored (URL, finding): apply the rule when its window has loaded. */
  pending = $state(false);

  /** Take a view's selection fields (from the URL or a finding), with the rule's units if known. */
  restore(v: SelectionFields & { rule?: number[] | null }): void {
    this.brush = v.brush;
    this.padLeft = v.padLeft;
    this.padRight = v.padRight;
    this.threshold = v.threshold;
    this.normalization = v.normalization;
    this.added = v.added;
    this.removed = v.removed;
    this.ruleUnits = v.rule ?? [];
    this.message = null;
    this.pending = v.brush !== null && !v.rule;
  }

  /** The selected units: the rule's, minus removed, plus added; ascending. */
  get units(): number[] {
    const kept = this.ruleUnits.filter((u) => !this.removed.includes(u));
    const extra = this.added.filter((u) => !kept.includes(u));
    return [...kept, ...extra].sort((a, b) => a - b);
  }

  /** The window's values as the select view sees them (normalised per unit). */
  view(data: WindowData | null): Float32Array | null {
    if (!data) return null;
    return this.normalization === 'raw'
      ? data.values
      : normalize(data.values, data.units, this.normalization);
  }

  /** Re-run the LSTMVis rule on the brush (needs the brush inside the loaded window). */
  apply(data: WindowData | null, values: Float32Array | null, docStarts: number[]): void {
    const b = this.brush;
    if (!b || !data || !values) {
      this.ruleUnits = [];
      this.message = null;
      return;
    }
    if (b[0] < data.t0 || b[1] > data.t0 + data.steps) {
      this.message = 'The brushed span is out of view: its selection is kept as it was.';
      return;
    }
    const query = {
      brush: b,
      padLeft: this.padLeft,
      padRight: this.padRight,
      threshold: this.threshold,
      docStarts
    };
    this.ruleUnits = selectUnits(values, data.units, data.t0, query);
    this.message =
      thresholdWarning(rangeOf(values), this.threshold) ??
      explainSelection(values, data.units, data.t0, query);
  }

  toggle(unit: number): void {
    if (this.units.includes(unit)) {
      this.added = this.added.filter((u) => u !== unit);
      if (this.ruleUnits.includes(unit)) this.removed = [...this.removed, unit];
    } else {
      this.removed = this.removed.filter((u) => u !== unit);
      if (!this.ruleUnits.includes(unit)) this.added = [...this.added, unit];
    }
  }

  clear(): void {
    this.brush = null;
    this.ruleUnits = [];
    this.added = [];
    this.removed = [];
    this.message = null;
  }

  /** Per step of the window, how many selected units are on (token shading). */
  counts(data: WindowData | null, values: Float32Array | null): Uint16Array | null {
    const units = this.units;
    if (!data || !values || units.length === 0) return null;
    return onCounts(values, data.units, units, this.threshold);
  }
}

function rangeOf(values: Float32Array): { min: number; max: number } {
  const s = valueStats(values);
  return s ? { min: s.lo, max: s.hi } : { min: NaN, max: NaN };
}
