/**
 * A unit page's data over the whole recording: read one unit's column as stored, profile it
 * (analysis/unitProfile.ts), cut a context of tokens around each extreme and sampled step, take
 * the mean response per input token, the stored i/f/o gates over those contexts (LSTMs) and the
 * unit's direct effect on the logits (a linear head on its stream). Returns plain data (what the
 * page draws and its JSON export holds). Runs in the query worker, or in Node (the bench).
 */
import { logitEffect, type LogitEffect } from '../analysis/logitEffect';
import { tokenResponse, type TokenResponse } from '../analysis/tokenResponse';
import { decodeColumn, type Pick } from '../analysis/columnRanks';
import { PROFILE_DEFAULTS, unitProfile, type UnitProfile } from '../analysis/unitProfile';
import { findLinearHead, type HeadSearch } from '../onnx/lmHead';
import { inspectModel } from '../onnx/inspect';
import { decodeModel } from '../onnx/proto';
import type { RecordingReader } from '../store/reader';
import { ColumnCache } from './runMatch';

export interface UnitRequest {
  stream: string;
  unit: number;
  /** per step: 1 inside the chosen track, 0 outside, anything else left out */
  split?: Uint8Array | null;
  seed?: number;
  k?: number;
  bands?: number;
  perBand?: number;
  bins?: number;
  /** tokens each side of a context's step */
  context?: number;
  /** skip the token response (benchmarks of the profile alone) */
  tokens?: boolean;
}

export type ContextKind = 'top' | 'bottom' | 'band';

export interface UnitContext {
  kind: ContextKind;
  /** quantile band (kind 'band') */
  band?: number;
  t: number;
  value: number;
  /** steps [from, to) shown: within t's document */
  from: number;
  to: number;
  values: Float32Array;
  ids: Int32Array;
  /** text offsets of tokens from..to-1, and of token `to` when there is one (its end) */
  offsets: Uint32Array;
  /** i/f/o gates of the unit over [from, to), when stored or recomputed */
  gates?: Record<string, Float32Array>;
}

export type GateInfo =
  | { source: 'stored'; streams: string[] }
  | {
      source: 'none';
      reason: string;
      /** whether running the model again can give them (an LSTM layer, the model at hand) */
      recompute: boolean;
      /** a layer that reads documents backwards too: a re-run covers whole documents */
      wholeDocuments?: boolean;
    };

export type HeadInfo = { effect: LogitEffect; stream: string } | { reason: string };

export interface UnitProfileResult {
  stream: string;
  unit: number;
  units: number;
  /** steps read (all recorded so far) and the recording's tokens */
  steps: number;
  total: number;
  documents: { name: string; start: number }[];
  profile: UnitProfile;
  contexts: UnitContext[];
  tokens: TokenResponse | null;
  /** text offsets [start, end) of the first occurrence of each token listed (end -1: the text's end) */
  tokenSpans: Record<number, [number, number]>;
  head: HeadInfo;
  gates: GateInfo;
  options: { seed: number; k: number; bands: number; perBand: number; context: number };
  ms: { read: number; profile: number; tokens: number; total: number };
}

export interface UnitProgress {
  phase: 'read' | 'tokens';
  done: number;
  total: number;
}

export class UnitProfileError extends Error {
  override name = 'UnitProfileError';
}

/** What a worker keeps between unit pages: columns, the recording's tokens, heads by model. */
export class UnitCache {
  readonly columns = new ColumnCache(16);
  tokens: { key: string; ids: Int32Array; offsets: Uint32Array } | null = null;
  readonly models = new Map<string, ModelFacts>();
}

/** What a unit page needs of the model: each recurrent layer's op and direction, its LM head. */
interface ModelFacts {
  layers: { op: string; direction: string }[];
  head: HeadSearch;
}

function modelFacts(
  model: { sha: string; bytes: Uint8Array } | null,
  cache?: UnitCache
): ModelFacts | null {
  if (!model) return null;
  let facts = cache?.models.get(model.sha);
  if (!facts) {
    const proto = decodeModel(model.bytes);
    const layers = inspectModel(proto).layers.map((l) => ({ op: l.op, direction: l.direction }));
    facts = { layers, head: findLinearHead(proto) };
    cache?.models.set(model.sha, facts);
  }
  return facts;
}

const cancelled = () => new DOMException('The unit page was cancelled.', 'AbortError');

/** The LSTM gates shown beside a unit of any stream of its layer and direction. */
export const GATE_KINDS = ['i', 'f', 'o'] as const;

export function gateStreams(stream: string): string[] | null {
  const m = stream.match(/^(L\d+\.(?:fwd|bwd))\.([hcifog])$/);
  return m ? GATE_KINDS.map((k) => `${m[1]}.${k}`) : null;
}

export async function runUnitProfile(
  reader: RecordingReader,
  stream: string,
  unit: number,
  opts: Omit<UnitRequest, 'stream' | 'unit'> & {
    signal?: AbortSignal;
    onProgress?: (p: UnitProgress) => void;
    cache?: UnitCache;
    /** the model's ONNX bytes (for its LM head and whether its layers are LSTMs) */
    model?: { sha: string; bytes: Uint8Array } | null;
  } = {}
): Promise<UnitProfileResult> {
  const rec = reader.recording;
  const units = unitsOf(reader, stream);
  if (!Number.isInteger(unit) || unit < 0 || unit >= units)
    throw new UnitProfileError(
      `${stream} has units 0–${units - 1}: there is no unit ${unit}. Open a unit from the heatmap's axis or the inspector.`
    );
  const T = reader.length;
  if (T === 0) throw new UnitProfileError(`"${rec.name}" has no recorded steps yet.`);
  if (opts.split && opts.split.length < T)
    throw new UnitProfileError(
      `The track has ${opts.split.length} values but ${T} steps are recorded.`
    );
  const started = performance.now();
  const key = `${rec.id ?? rec.name}/${stream}/${unit}/${T}`;
  let col = opts.cache?.columns.get(key);
  if (!col) {
    [col] = await reader.codeColumns(stream, [unit], 0, T, (done) => {
      if (opts.signal?.aborted) throw cancelled();
      opts.onProgress?.({ phase: 'read', done, total: T });
    });
    opts.cache?.columns.set(key, col);
  }
  const read = performance.now();
  const o = { ...PROFILE_DEFAULTS, context: 20, ...definedOf(opts) };
  const docStarts = rec.documents.map((d) => d.start);
  const values = decodeColumn(col);
  const split = opts.split ?? null;
  const profile = unitProfile(col, { ...o, gap: o.context, docStarts, split, values });
  const profiled = performance.now();
  if (opts.signal?.aborted) throw cancelled();

  const needTokens = opts.tokens !== false;
  const toks = needTokens ? await allTokens(reader, opts) : null;
  const tokens = toks && !profile.constant ? tokenResponse(values, toks.ids, { top: 10 }) : null;
  const contexts = contextsOf(profile, values, toks, docStarts, T, o.context);
  const model = modelFacts(opts.model ?? null, opts.cache);
  const gates = await storedGates(reader, stream, unit, contexts, model);
  return {
    stream,
    unit,
    units,
    steps: T,
    total: rec.tokens,
    documents: rec.documents,
    profile,
    contexts,
    tokens,
    tokenSpans: spansOf(tokens, toks?.offsets ?? null),
    head: headInfo(stream, unit, model),
    gates,
    options: { seed: o.seed, k: o.k, bands: o.bands, perBand: o.perBand, context: o.context },
    ms: {
      read: read - started,
      profile: profiled - read,
      tokens: performance.now() - profiled,
      total: performance.now() - started
    }
  };
}

function unitsOf(reader: RecordingReader, stream: string): number {
  const s = reader.recording.streams.find((x) => x.id === stream);
  if (!s)
    throw new UnitProfileError(
      `This recording has no stream ${stream} (it has ${reader.recording.streams.map((x) => x.id).join(', ')}).`
    );
  return s.units;
}

/** The options given (an undefined field keeps its default). */
function definedOf(o: object): Partial<typeof PROFILE_DEFAULTS & { context: number }> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'number'));
}

/** Every recorded step's token id and text offset, read 16 chunks at a time; cached. */
async function allTokens(
  reader: RecordingReader,
  opts: { cache?: UnitCache; signal?: AbortSignal; onProgress?: (p: UnitProgress) => void }
) {
  const T = reader.length;
  const key = `${reader.recording.id ?? reader.recording.name}/${T}`;
  if (opts.cache?.tokens?.key === key) return opts.cache.tokens;
  const ids = new Int32Array(T);
  const offsets = new Uint32Array(T);
  const starts = reader.recording.chunkStarts.filter((s) => s < T);
  for (let c = 0; c < starts.length; c += 16) {
    if (opts.signal?.aborted) throw cancelled();
    const spans = starts.slice(c, c + 16).map((s, i) => [s, starts[c + i + 1] ?? T]);
    const parts = await Promise.all(spans.map(([a, b]) => reader.tokens(a, b)));
    parts.forEach((p, i) => {
      ids.set(p.ids, spans[i][0]);
      offsets.set(p.offsets, spans[i][0]);
    });
    opts.onProgress?.({ phase: 'tokens', done: spans.at(-1)![1], total: T });
  }
  const out = { key, ids, offsets };
  if (opts.cache) opts.cache.tokens = out;
  return out;
}

function spansOf(r: TokenResponse | null, offsets: Uint32Array | null) {
  const out: Record<number, [number, number]> = {};
  if (r && offsets)
    for (const x of [...r.up, ...r.down])
      out[x.id] = [offsets[x.first], x.first + 1 < offsets.length ? offsets[x.first + 1] : -1];
  return out;
}

/** A context of `radius` tokens each side of every pick, cut at its document's edges. */
function contextsOf(
  p: UnitProfile,
  values: Float32Array,
  toks: { ids: Int32Array; offsets: Uint32Array } | null,
  docStarts: number[],
  T: number,
  radius: number
): UnitContext[] {
  const one = (kind: ContextKind, pick: Pick, band?: number): UnitContext => {
    let d = 0;
    while (d + 1 < docStarts.length && docStarts[d + 1] <= pick.t) d++;
    const from = Math.max(docStarts[d], pick.t - radius);
    const to = Math.min(docStarts[d + 1] ?? T, T, pick.t + radius + 1);
    return {
      kind,
      band,
      ...pick,
      from,
      to,
      values: values.slice(from, to),
      ids: toks ? toks.ids.slice(from, to) : new Int32Array(to - from),
      offsets: toks ? toks.offsets.slice(from, Math.min(T, to + 1)) : new Uint32Array(0)
    };
  };
  return [
    ...p.top.map((x) => one('top', x)),
    ...p.bottom.map((x) => one('bottom', x)),
    ...p.bands.flatMap((b, i) => b.samples.map((x) => one('band', x, i)))
  ];
}

/** The layer's i/f/o gates over each context when the recording holds them; else why not. */
async function storedGates(
  reader: RecordingReader,
  stream: string,
  unit: number,
  contexts: UnitContext[],
  model: ModelFacts | null
): Promise<GateInfo> {
  const gates = gateStreams(stream);
  if (!gates)
    return {
      source: 'none',
      reason: `${stream} is not a recurrent layer's state.`,
      recompute: false
    };
  const have = new Set(reader.recording.streams.map((s) => s.id));
  if (gates.every((g) => have.has(g))) {
    for (const c of contexts) {
      c.gates = {};
      for (const g of gates) c.gates[g] = await reader.columns(g, [unit], c.from, c.to);
    }
    return { source: 'stored', streams: gates };
  }
  const layer = Number(stream.slice(1, stream.indexOf('.')));
  const info = model?.layers[layer];
  const lstm = model ? info?.op === 'LSTM' : null;
  if (lstm === false)
    return { source: 'none', reason: 'i/f/o gates belong to LSTM layers.', recompute: false };
  return {
    source: 'none',
    reason: `Gates were not recorded (kinds = ${reader.recording.kinds ?? 'h'}): record with kinds = all to store them.`,
    recompute: lstm === true,
    wholeDocuments: info !== undefined && info.direction !== 'forward'
  };
}

function headInfo(stream: string, unit: number, model: ModelFacts | null): HeadInfo {
  if (!model)
    return {
      reason:
        "The model is not in this browser's library (add it there to see this unit's direct effect on the logits)."
    };
  const found = model.head;
  if ('reason' in found) return { reason: found.reason };
  if (found.head.stream !== stream)
    return {
      reason: `The LM head (a ${found.head.op} on ${found.head.stream}) reads ${found.head.stream} only: a unit of ${stream} has no direct effect on the logits.`
    };
  return { effect: logitEffect(found.head, unit), stream: found.head.stream };
}
