/** An intervention as the explorer asks for it, and what its re-run of a window gives back. */
import type { InterventionEffect } from '../analysis/interventionEffect';
import type { Intervention } from '../record/intervention';
import type { ForecastEffect } from './forecastEffect';

/** What the user asks for: `mean` is resolved here to each unit's mean over the recording. */
export interface InterventionSpec {
  stream: string;
  units: number[];
  kind: 'set' | 'zero' | 'mean' | 'scale';
  /** the value to set, or the factor to scale by */
  value: number;
  /** first step it applies at (default: the window's start) */
  from?: number;
}

export interface UnitTrace {
  /** shown instead of stream:unit (a forecast's column) */
  label?: string;
  stream: string;
  unit: number;
  original: Float32Array;
  intervened: Float32Array;
  /** the value applied when it was set (mean-ablation: the mean) */
  value: number | null;
  /** the unit's range over the recording (as stored), when a value was set */
  range: [number, number] | null;
  /** a set value outside that range (allowed, and marked) */
  outside: boolean;
}

export interface InterventionRun {
  window: [number, number];
  /** the step the model ran from (the start of the window's first document) */
  ranFrom: number;
  /** the window starts after its document's start, so the run began earlier */
  midDocument: boolean;
  interventions: Intervention[];
  effect: InterventionEffect | null;
  /** a forecaster's change in its forecast (a time-series model with `cellscope.forecast`) */
  forecast: ForecastEffect | null;
  traces: UnitTrace[];
  ms: number;
  /** the original run and the part before the window were reused from the last request */
  reused: boolean;
}
