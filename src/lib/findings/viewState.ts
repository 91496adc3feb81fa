/**
 * The explorer's whole view state as URL parameters (LSTMVis-style: every view is a link).
 * Pure: parse never throws — a bad value falls back to its default.
 *
 * A link reopens exactly the view it was copied from, so it carries outcomes that depend on more
 * than its other fields: `rule`, the units the select rule chose (they depend on the window whose
 * values were in view when the rule last ran — its normalisation statistics and where padding is
 * cut — and the rule is not re-run while panning), and `match`, the window whose statistics the
 * match normalised with. Tracks are built-in ones with their parameters; files imported into a
 * recording live in that browser's library and cannot go in a URL.
 */
import type { Normalization } from '../analysis/threshold';

/** Built-in annotation tracks, computed from the corpus (see views/explorer/tracks.svelte.ts). */
export const BUILTIN_TRACKS = [
  'loss',
  'class',
  'column',
  'depth',
  'regex',
  'builtin',
  'csv'
] as const;
export type BuiltinTrack = (typeof BUILTIN_TRACKS)[number];

/**
 * A shown built-in track: its kind and, for bracket depth, regex and the lexer tracks, the pairs,
 * pattern or track id (`builtin:c.string`); a time series's column: `csv:regime`.
 */
export interface TrackSpec {
  kind: BuiltinTrack;
  param?: string;
}

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
  /** Units the select rule chose for the brush (null: not known, re-run the rule). */
  rule: number[] | null;
  /** Shown built-in tracks, in order. */
  tracks: TrackSpec[];
  /**
   * Match results were shown (re-run them on open): null if not; else the steps [t0, t1) whose
   * per-unit statistics normalised the match, or null there when the scale is raw.
   */
  match: { window: [number, number] | null } | null;
  /** The unit page shown over the plot (`unit=L0.fwd.c:177`); null or absent: none. */
  unit?: UnitRef | null;
  /**
   * The heatmap's row order (`order=rank`, `sel`, or `cluster:average:8` — method and k, the
   * clusters made again on open); null or absent: unit number order.
   */
  order?: RowOrderSpec | null;
}

/** A row order a link can carry. */
export type RowOrderSpec =
  | { kind: 'rank' | 'selection' }
  | { kind: 'cluster'; method: 'average' | 'complete' | 'kmeans'; k: number };

/** `rank`, `sel`, `cluster:average:8` → the order; null when it is none of these. */
export function parseRowOrder(s: string | null): RowOrderSpec | null {
  if (s === 'rank') return { kind: 'rank' };
  if (s === 'sel') return { kind: 'selection' };
  const m = s?.match(/^cluster:(average|complete|kmeans):(\d{1,2})$/);
  const k = m ? Number(m[2]) : 0;
  return m && k >= 1 && k <= 64
    ? { kind: 'cluster', method: m[1] as 'average' | 'complete' | 'kmeans', k }
    : null;
}

export function writeRowOrder(o: RowOrderSpec | null | undefined): string | null {
  if (!o) return null;
  if (o.kind === 'cluster') return `cluster:${o.method}:${o.k}`;
  return o.kind === 'rank' ? 'rank' : 'sel';
}

/** One unit of one stream (a unit page). */
export interface UnitRef {
  stream: string;
  unit: number;
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
  removed: [],
  rule: null,
  tracks: [],
  match: null,
  unit: null
};

/** At most this many tracks are read from a link. */
const MAX_TRACKS = 20;

const int = (s: string | null, min = 0): number | null => {
  const n = Number(s);
  return s !== null && s !== '' && Number.isInteger(n) && n >= min ? n : null;
};
const ints = (s: string | null): number[] =>
  (s ?? '')
    .split(',')
    .map((x) => int(x))
    .filter((x): x is number => x !== null);
const span = (s: string | null): [number, number] | null => {
  const b = ints(s);
  return b.length === 2 && b[1] > b[0] ? [b[0], b[1]] : null;
};

function parseTrack(s: string): TrackSpec | null {
  const colon = s.indexOf(':');
  const kind = (colon < 0 ? s : s.slice(0, colon)) as BuiltinTrack;
  if (!BUILTIN_TRACKS.includes(kind)) return null;
  if (kind === 'builtin' || kind === 'csv')
    return colon < 0 ? null : { kind, param: s.slice(colon + 1) };
  if (kind === 'depth' || kind === 'regex')
    return colon < 0 ? { kind } : { kind, param: s.slice(colon + 1) };
  return { kind };
}

/** `L0.fwd.c:177` → its stream and unit; null when it is not of that form. */
export function parseUnit(s: string | null): UnitRef | null {
  const m = s?.match(/^(.+):(\d{1,9})$/);
  return m ? { stream: m[1], unit: Number(m[2]) } : null;
}

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
  v.brush = span(p.get('brush'));
  v.padLeft = int(p.get('pl')) ?? DEFAULT_VIEW.padLeft;
  v.padRight = int(p.get('pr')) ?? DEFAULT_VIEW.padRight;
  const theta = Number(p.get('theta'));
  if (p.get('theta') !== null && p.get('theta') !== '' && Number.isFinite(theta))
    v.threshold = theta;
  const norm = p.get('norm');
  if (norm === 'raw' || norm === 'zscore' || norm === 'percentile') v.normalization = norm;
  else v.normalization = scaleDefault(v.stream) ?? 'raw';
  v.added = ints(p.get('add'));
  v.removed = ints(p.get('rm'));
  v.rule = v.brush && p.has('rule') ? ints(p.get('rule')) : null;
  v.tracks = p
    .getAll('track')
    .map(parseTrack)
    .filter((t): t is TrackSpec => t !== null)
    .slice(0, MAX_TRACKS);
  const match = p.get('match');
  if (match !== null) v.match = { window: span(match) };
  v.unit = parseUnit(p.get('unit'));
  // Only when named (older views and findings have no order).
  const order = parseRowOrder(p.get('order'));
  if (order) v.order = order;
  return v;
}

/**
 * Write the state into `p`, after its other parameters and always in the same order (one view,
 * one link); defaults are left out, so links stay short. `scaleDefault` gives a stream's default
 * scale (named only when it differs; `null` always names it).
 */
export function writeViewState(
  p: URLSearchParams,
  v: ViewState,
  scaleDefault: ScaleDefault = () => 'raw'
): void {
  for (const k of ['stream', 't', 'zoom', 'brush', 'pl', 'pr', 'theta', 'norm', 'add', 'rm'])
    p.delete(k);
  for (const k of ['rule', 'track', 'match', 'unit', 'order']) p.delete(k);
  const set = (k: string, value: string | null) => value !== null && p.append(k, value);
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
  set('rule', v.brush && v.rule ? v.rule.join(',') : null);
  for (const t of v.tracks)
    p.append('track', t.param === undefined ? t.kind : `${t.kind}:${t.param}`);
  set('match', v.match ? (v.match.window?.join(',') ?? '1') : null);
  set('unit', v.unit ? `${v.unit.stream}:${v.unit.unit}` : null);
  set('order', writeRowOrder(v.order));
}

/** A shown track as the explorer holds it: a built-in key, or `file:<id>` for an imported file. */
export interface ShownTrackKey {
  key: string;
  name: string;
  /** bracket pairs or regex the track was computed with */
  param?: string;
}

/** The shown tracks a link can carry, and the names of those it cannot (imported files). */
export function linkTracks(shown: readonly ShownTrackKey[]): {
  tracks: TrackSpec[];
  left: string[];
} {
  const tracks: TrackSpec[] = [];
  const left: string[] = [];
  for (const t of shown) {
    const spec = parseTrack(t.key);
    if (!spec) left.push(t.name);
    else tracks.push(t.param === undefined ? spec : { ...spec, param: t.param });
  }
  return { tracks, left };
}

/** The view state of an explorer and its selection (and, when given, its tracks and match). */
export function currentView(
  ex: { stream: string; t0: number; cellWidth: number },
  sel: SelectionFields & { ruleUnits: number[]; pending: boolean },
  extra: {
    tracks?: readonly ShownTrackKey[];
    match?: ViewState['match'];
    unit?: ViewState['unit'];
    order?: ViewState['order'];
  } = {}
): ViewState {
  return {
    stream: ex.stream,
    t: ex.t0,
    zoom: ex.cellWidth,
    ...selectionOf(sel),
    // While a restored brush waits for its window, the rule's units are not known yet.
    rule: sel.brush && !sel.pending ? sel.ruleUnits : null,
    tracks: linkTracks(extra.tracks ?? []).tracks,
    match: extra.match ?? null,
    unit: extra.unit ?? null,
    ...(extra.order ? { order: extra.order } : {})
  };
}
