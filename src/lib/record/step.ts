/**
 * One run of the rewritten graph over a batch of sequences: feeds the carried (or the model's own
 * initial) state, and turns the outputs into per-sequence streams [steps, units].
 */
import type { CellTap, LayerTap, WeightSource } from '../onnx/surgery';
import { buildActivations } from './activations';
import { computeCellStreams, type DirectionParams } from './cells';
import { gateStreams } from './gateStreams';
import { directionName, needsInternals, streamId, type StreamKind } from './streams';

export interface TensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}
export type TensorCtor = new (
  type: 'int64' | 'int32' | 'float32',
  data: BigInt64Array | Int32Array | Float32Array,
  dims: readonly number[]
) => TensorLike;
export interface SessionLike {
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
}

/** Recurrent state by graph input name (initial_h / initial_c of each layer), [D, B, H]. */
export type CarriedState = Record<string, Float32Array>;

export interface StepInput {
  /** Every graph input except the state inputs. */
  feeds: Record<string, TensorLike>;
  batch: number;
  /** Valid length of each sequence in the batch. */
  lengths: number[];
}

export interface StepResult {
  /**
   * streams[b][streamId] = [rows, units] row-major; units from unitsOf. b: the sequence's index in
   * the model's input; rows: its valid steps only (lengths[b]), see batchLayout.
   */
  streams: Record<string, Float32Array>[];
  /** Valid steps of each sequence, in input order (sequence_lens, else the run's length). */
  lengths: number[];
  /** Units (columns) of every stream. */
  units: Record<string, number>;
  /** State after the run. */
  state: CarriedState;
  /** State the run started from (the carried one, or the model's own initial state). */
  stateIn: CarriedState;
  outputs: Record<string, TensorLike>;
}

export function asFloat32(t: TensorLike | undefined, name: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array))
    throw new Error(`The model did not return ${name} as float32.`);
  return t.data;
}

export function zeroState(taps: LayerTap[], batch = 1): CarriedState {
  const state: CarriedState = {};
  for (const t of taps) {
    const n = t.directions * batch * t.hiddenSize;
    state[t.initialH] = new Float32Array(n);
    if (t.initialC) state[t.initialC] = new Float32Array(n);
  }
  return state;
}

export function stateFeeds(
  Tensor: TensorCtor,
  taps: LayerTap[],
  state: CarriedState,
  batch: number
) {
  const feeds: Record<string, TensorLike> = {};
  for (const t of taps) {
    const dims = [t.directions, batch, t.hiddenSize];
    feeds[t.initialH] = new Tensor('float32', state[t.initialH], dims);
    if (t.initialC) feeds[t.initialC] = new Tensor('float32', state[t.initialC], dims);
  }
  return feeds;
}

/** The model's own initial state where it is known without running (feeds, constants). */
function knownInitialState(
  taps: LayerTap[],
  input: StepInput
): { state: CarriedState; needsRun: boolean } {
  const state = zeroState(taps, input.batch);
  let needsRun = false;
  for (const t of taps) {
    const pairs: [string | null, LayerTap['originalH']][] = [
      [t.initialH, t.originalH],
      [t.initialC, t.originalC]
    ];
    for (const [name, src] of pairs) {
      if (!name) continue;
      if (src.kind === 'feed')
        state[name] = Float32Array.from(asFloat32(input.feeds[src.name], src.name));
      else if (src.kind === 'const') state[name] = Float32Array.from(src.values);
      else if (src.kind === 'output') needsRun = true;
    }
  }
  return { state, needsRun };
}

/** Run once; `state` null means "start of a sequence": use the model's own initial state. */
export async function runStep(
  session: SessionLike,
  Tensor: TensorCtor,
  taps: LayerTap[],
  input: StepInput,
  state: CarriedState | null,
  kinds: Set<StreamKind>,
  cells: CellTap[] = []
): Promise<StepResult> {
  let stateIn = state;
  let outputs: Record<string, TensorLike> | null = null;
  if (!stateIn) {
    const known = knownInitialState(taps, input);
    stateIn = known.state;
    if (known.needsRun) {
      // A computed initial state: run once to read it, then again if it is not what we fed.
      outputs = await session.run({
        ...input.feeds,
        ...stateFeeds(Tensor, taps, stateIn, input.batch)
      });
      let differs = false;
      for (const t of taps) {
        for (const [name, src] of [
          [t.initialH, t.originalH],
          [t.initialC, t.originalC]
        ] as const) {
          if (!name || src.kind !== 'output') continue;
          const v = asFloat32(outputs[src.name], src.name);
          if (v.some((x, i) => x !== stateIn![name][i])) differs = true;
          stateIn[name] = Float32Array.from(v);
        }
      }
      if (differs) outputs = null;
    }
  }
  outputs ??= await session.run({
    ...input.feeds,
    ...stateFeeds(Tensor, taps, stateIn, input.batch)
  });
  const { streams, lengths } = extractStreams(taps, outputs, stateIn, input, kinds);
  const units: Record<string, number> = {};
  for (const t of taps)
    for (const id of Object.keys(streams[0]))
      if (id.startsWith(`L${t.layer}.`)) units[id] = t.hiddenSize;
  Object.assign(units, extractCellStreams(cells, outputs, kinds, streams));
  return { streams, lengths, units, state: nextState(taps, outputs), stateIn, outputs };
}

export function nextState(taps: LayerTap[], out: Record<string, TensorLike>): CarriedState {
  const next: CarriedState = {};
  for (const t of taps) {
    next[t.initialH] = asFloat32(out[t.yH], t.yH);
    if (t.initialC && t.yC) next[t.initialC] = asFloat32(out[t.yC], t.yC);
  }
  return next;
}

/** Rows of sequence b, direction d of Y [T, D, B, H] (a view when nothing needs gathering). */
function yRows(
  y: Float32Array,
  T: number,
  D: number,
  B: number,
  H: number,
  d: number,
  b: number,
  len: number
) {
  if (D === 1 && B === 1) return y.subarray(0, len * H);
  const out = new Float32Array(len * H);
  for (let t = 0; t < len; t++)
    out.set(y.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H), t * H);
  return out;
}

export function resolve(
  src: WeightSource | null,
  feeds: Record<string, TensorLike>
): Float32Array | null {
  if (!src) return null;
  return src.kind === 'const' ? src.values : asFloat32(feeds[src.name], src.name);
}

export function directionParams(
  tap: LayerTap,
  d: number,
  feeds: Record<string, TensorLike>
): DirectionParams {
  const H = tap.hiddenSize;
  const G = tap.gates;
  const L = tap.layerInfo;
  const perDir = L.op === 'LSTM' ? 3 : L.op === 'GRU' ? 2 : 1;
  const all = buildActivations(L.activations, L.activationAlpha, L.activationBeta);
  const acts =
    all.length >= perDir * (d + 1) ? all.slice(perDir * d, perDir * (d + 1)) : all.slice(0, perDir);
  const weights = tap.internals!.weights;
  const w = {
    B: resolve(weights.B, feeds),
    P: resolve(weights.P, feeds),
    R: resolve(weights.R, feeds)
  };
  const zeros = new Float32Array(G * H);
  return {
    op: tap.op,
    hidden: H,
    acts,
    clip: L.clip,
    linearBeforeReset: L.linearBeforeReset,
    inputForget: L.inputForget,
    wb: w.B ? w.B.subarray(d * 2 * G * H, d * 2 * G * H + G * H) : zeros,
    rb: w.B ? w.B.subarray(d * 2 * G * H + G * H, (d + 1) * 2 * G * H) : zeros,
    peepholes: w.P ? w.P.subarray(d * 3 * H, (d + 1) * 3 * H) : null,
    rh: w.R ? w.R.subarray(d * G * H * H + 2 * H * H, d * G * H * H + 3 * H * H) : null
  };
}

export function extractStreams(
  taps: LayerTap[],
  out: Record<string, TensorLike>,
  stateIn: CarriedState,
  input: StepInput,
  kinds: Set<StreamKind>
): { streams: Record<string, Float32Array>[]; lengths: number[] } {
  const B = input.batch;
  const perBatch: Record<string, Float32Array>[] = Array.from({ length: B }, () => ({}));
  let lengths: number[] | null = null;
  let order: number[] | null = null;
  for (const tap of taps) {
    const layout = batchLayout(tap, input, out, { lengths, order });
    ({ lengths, order } = layout);
    const H = tap.hiddenSize;
    const D = tap.directions;
    const yT = out[tap.y];
    const y = asFloat32(yT, tap.y);
    const T = yT.dims[0];
    for (let d = 0; d < D; d++) {
      const dir = directionName(tap, d);
      const acts = needsInternals(kinds) ? tap.internals?.activations?.[d] : undefined;
      const params =
        tap.internals?.gates && !acts && needsInternals(kinds)
          ? directionParams(tap, d, input.feeds)
          : null;
      const taps = tap.internals?.directions[d];
      // b: the node's batch item; seq: the sequence it is in the model's input.
      for (let b = 0; b < B; b++) {
        const seq = order ? order[b] : b;
        const len = layout.lengths[seq];
        const id = (kind: StreamKind) => streamId(tap.layer, dir, kind);
        if (kinds.has('h')) perBatch[seq][id('h')] = yRows(y, T, D, B, H, d, b, len);
        if (acts) {
          const c0 = tap.initialC ? stateIn[tap.initialC] : null;
          const at = { B, H, b, len, reverse: dir === 'bwd' };
          const first = c0 && c0.subarray((d * B + b) * H, (d * B + b + 1) * H);
          const gate = (name: string) => asFloat32(out[name], name);
          Object.assign(perBatch[seq], gateStreams(gate, acts, kinds, id, at, first));
          continue;
        }
        if (!params || !taps) continue;
        const GH = tap.gates * H;
        const xw = asFloat32(out[taps.xw], taps.xw);
        const hr = asFloat32(out[taps.hr], taps.hr);
        const h0r = asFloat32(out[taps.h0r], taps.h0r);
        const cells = computeCellStreams(
          params,
          {
            steps: len,
            reverse: dir === 'bwd',
            xw: { data: xw, base: b * GH, stride: B * GH },
            hr: { data: hr, base: b * GH, stride: B * GH },
            h0r: h0r.subarray(b * GH, (b + 1) * GH),
            h: { data: y, base: (d * B + b) * H, stride: D * B * H },
            h0: stateIn[tap.initialH].subarray((d * B + b) * H, (d * B + b + 1) * H),
            c0: tap.initialC
              ? stateIn[tap.initialC].subarray((d * B + b) * H, (d * B + b + 1) * H)
              : null
          },
          kinds
        );
        for (const [kind, data] of Object.entries(cells)) {
          if (kinds.has(kind as StreamKind)) perBatch[seq][id(kind as StreamKind)] = data;
        }
      }
    }
  }
  return { streams: perBatch, lengths: lengths ?? input.lengths };
}

const intValues = (t: TensorLike | undefined): number[] | null =>
  t ? Array.from(t.data as ArrayLike<number | bigint>, (n) => Number(n)) : null;

/**
 * How a batch becomes streams (one run, the CLI's --feed): one set of streams per sequence, in the
 * order of the model's input, each holding that sequence's valid steps only — lengths[b] rows, and
 * no rows for the padding past it (where ONNX leaves Y at 0 and a recomputed c would run on). A
 * backward direction starts at the sequence's own last valid step, as ONNX sequence_lens defines.
 * Lengths come from the node's sequence_lens (fed, or computed in the graph and exposed by
 * surgery); when the node's X gathers the batch in another order (torch sorts a packed batch by
 * length), its item b is mapped back to the input's sequence order[b]. A layer without its own
 * order or sequence_lens keeps those of the layer below (`below`).
 */
function batchLayout(
  tap: LayerTap,
  input: StepInput,
  out: Record<string, TensorLike>,
  below: { lengths: number[] | null; order: number[] | null }
): { lengths: number[]; order: number[] | null } {
  const B = input.batch;
  const T = out[tap.y].dims[0];
  const fromTensor = (name: string | null) =>
    name ? intValues(input.feeds[name] ?? out[name]) : null;
  const own = fromTensor(tap.batchOrder);
  const isPermutation = (o: number[]) =>
    o.length === B && new Set(o).size === B && o.every((v) => v >= 0 && v < B);
  const order = own && isPermutation(own) ? own : below.order;
  const nodeLens = fromTensor(tap.sequenceLens);
  if (!nodeLens) {
    const lengths = below.lengths ?? (input.lengths.length ? input.lengths : Array(B).fill(T));
    return { lengths, order };
  }
  if (nodeLens.length !== B || nodeLens.some((n) => n < 0 || n > T)) {
    throw new Error(
      `sequence_lens of layer ${tap.layer} = [${nodeLens}] does not fit batch ${B} × ${T} steps.`
    );
  }
  const lengths = Array<number>(B);
  nodeLens.forEach((n, b) => (lengths[order ? order[b] : b] = n));
  return { lengths, order };
}

/**
 * Streams of cells without a recurrent op: per-step outputs [B, H] stacked in step order, or a Loop
 * scan output [T, …, B, H]. Rows: steps; a sequence per batch item.
 */
function extractCellStreams(
  cells: CellTap[],
  out: Record<string, TensorLike>,
  kinds: Set<StreamKind>,
  perBatch: Record<string, Float32Array>[]
): Record<string, number> {
  const units: Record<string, number> = {};
  for (const cell of cells) {
    if (!kinds.has(cell.kind)) continue;
    const id = streamId(cell.layer, 'fwd', cell.kind);
    let parts: Float32Array[];
    if (cell.steps) parts = cell.steps.map((n) => asFloat32(out[n], n));
    else {
      const t = out[cell.scan!];
      const all = asFloat32(t, cell.scan!);
      const per = all.length / t.dims[0];
      parts = Array.from({ length: t.dims[0] }, (_, s) => all.subarray(s * per, (s + 1) * per));
    }
    // A step is [B, H] (or [H]); a scan output is [T, B, H], [T, 1, B, H] or [T, H].
    const dims = cell.steps ? out[cell.steps[0]].dims : out[cell.scan!].dims.slice(1);
    const batch = dims.length >= 2 ? dims[dims.length - 2] : 1;
    const H = parts[0].length / batch;
    units[id] = H;
    while (perBatch.length < batch) perBatch.push({});
    for (let b = 0; b < batch; b++) {
      const rows = new Float32Array(parts.length * H);
      parts.forEach((p, s) => rows.set(p.subarray(b * H, (b + 1) * H), s * H));
      perBatch[b][id] = rows;
    }
  }
  return units;
}
