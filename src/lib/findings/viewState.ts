/**
 * The explorer's whole view state as URL parameters (LSTMVis-style: every view is a link).
 * Pure: parse never throws — a bad value falls back to its default.
 */
import type { Normalization } from '../analysis/threshold';

export interface ViewState {
  stream: string | null;
  t: number;
  zoom: number | null;
  brush: [number, number] | null;
  padLeft: number;
  padRight: number;
  threshold: number;
  normalization: Normalization;
  added: number[];
  removed: number[];
}

/** The selection part of a view (what a brush, θ and hand-picked units make). */
export type SelectionFields = Pick<
  ViewState,
  'brush' | 'padLeft' | 'padRight' | 'threshold' | 'normalization' | 'added' | 'removed'
>;

export function selectionOf(v: SelectionFields): SelectionFields {
  const { brush, padLeft, padRight, threshold, normalization, added, removed } = v;
  return { brush, padLeft, padRight, threshold, normalization, added, removed };
}

export const DEFAULT_VIEW: ViewState = {
  stream: null,
  t: 0,
  zoom: null,
  brush: null,
  padLeft: 1,
  padRight: 0,
  threshold: 0.3,
  normalization: 'raw',
  added: [],
  removed: []
};

const int = (s: string | null, min = 0): number | null => {
  const n = Number(s);
  return s !== null && s !== '' && Number.isInteger(n) && n >= min ? n : null;
};
const ints = (s: string | null): number[] =>
  (s ?? '')
    .split(',')
    .map((x) => int(x))
    .filter((x): x is number => x !== null);

/**
 * The scale a stream has when the URL names none (defaultScale.ts; 'raw' when not given); a URL
 * writer given `null` for a stream always names the scale.
 */
export type ScaleDefault = (stream: string | null) => Normalization | null;

export function parseViewState(
  p: URLSearchParams,
  scaleDefault: ScaleDefault = () => 'raw'
): ViewState {
  const v = { ...DEFAULT_VIEW };
  v.stream = p.get('stream');
  v.t = int(p.get('t')) ?? 0;
  v.zoom = int(p.get('zoom'), 1);
  const b = ints(p.get('brush'));
  if (b.length === 2 && b[1] > b[0]) v.brush = [b[0], b[1]];
  v.padLeft = int(p.get('pl')) ?? DEFAULT_VIEW.padLeft;
  v.padRight = int(p.get('pr')) ?? DEFAULT_VIEW.padRight;
  const theta = Number(p.get('theta'));
  if (p.get('theta') !== null && Number.isFinite(theta)) v.threshold = theta;
  const norm = p.get('norm');
  if (norm === 'raw' || norm === 'zscore' || norm === 'percentile') v.normalization = norm;
  else v.normalization = scaleDefault(v.stream) ?? 'raw';
  v.added = ints(p.get('add'));
  v.removed = ints(p.get('rm'));
  return v;
}

/** Write the state into `p` (defaults are left out, so links stay short). */
export function writeViewState(
  p: URLSearchParams,
  v: ViewState,
  scaleDefault: ScaleDefault = () => 'raw'
): void {
  const set = (k: string, value: string | null) => (value === null ? p.delete(k) : p.set(k, value));
  set('stream', v.stream);
  set('t', String(v.t));
  set('zoom', v.zoom === null ? null : String(v.zoom));
  set('brush', v.brush ? v.brush.join(',') : null);
  set('pl', v.brush && v.padLeft !== DEFAULT_VIEW.padLeft ? String(v.padLeft) : null);
  set('pr', v.brush && v.padRight !== DEFAULT_VIEW.padRight ? String(v.padRight) : null);
  set('theta', v.threshold !== DEFAULT_VIEW.threshold ? String(v.threshold) : null);
  set('norm', v.normalization !== scaleDefault(v.stream) ? v.normalization : null);
  set('add', v.added.length ? v.added.join(',') : null);
  set('rm', v.removed.length ? v.removed.join(',') : null);
}

/** The view state of an explorer and its selection. */
export function currentView(
  ex: { stream: string; t0: number; cellWidth: number },
  sel: SelectionFields
): ViewState {
  return { stream: ex.stream, t: ex.t0, zoom: ex.cellWidth, ...selectionOf(sel) };
}
