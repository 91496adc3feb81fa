/**
 * One run with interventions, on a graph prepared with `overrides` (onnx/overrides.ts):
 * 1. the graph runs with every override off: the original run, and X·Wᵀ of the lowest intervened
 *    layer (nothing below it changed);
 * 2. that layer's recurrence runs in JS with its units clamped (clampedCells.ts), and its Y, Y_h
 *    and Y_c are fed back as overrides, so the layers above and the head read the clamped values;
 * 3. the graph runs again for the next intervened layer, whose input now reflects step 2, and so
 *    on; the last run gives the model's outputs and the streams of the layers not intervened on.
 * Runs: one plus one per intervened layer. Measured against a Scan-based rewrite, see README.
 */
import type { CellTap, LayerTap } from '../onnx/surgery';
import { jsCellEngine, type CellEngine } from './cellEngine';
import { directionClamps, intervenedLayers, type Intervention } from './intervention';
import {
  asFloat32,
  directionParams,
  extractStreams,
  nextState,
  resolve,
  runStep,
  stateFeeds,
  type CarriedState,
  type SessionLike,
  type StepInput,
  type StepResult,
  type TensorCtor,
  type TensorLike
} from './step';
import { directionName, streamId, type StreamKind } from './streams';

interface LayerValues {
  y: TensorLike;
  yH: TensorLike;
  yC: TensorLike | null;
}

/** Feeds for every layer's override inputs: the given layers on, the others off. */
export function overrideFeeds(
  Tensor: TensorCtor,
  taps: LayerTap[],
  on: Map<number, LayerValues> = new Map()
): Record<string, TensorLike> {
  const feeds: Record<string, TensorLike> = {};
  const none = (rank: number) => new Tensor('float32', new Float32Array(1), Array(rank).fill(1));
  taps.forEach((tap, k) => {
    const o = tap.override;
    if (!o) return;
    const v = on.get(k);
    feeds[o.use] = new Tensor('float32', Float32Array.of(v ? 1 : 0), [1]);
    feeds[o.y] = v?.y ?? none(4);
    feeds[o.yH] = v?.yH ?? none(3);
    if (o.yC) feeds[o.yC] = v?.yC ?? none(3);
  });
  return feeds;
}

/** Layer k run with its clamps (by `engine`), over every direction and sequence of the run. */
export async function clampedLayer(
  engine: CellEngine,
  Tensor: TensorCtor,
  tap: LayerTap,
  out: Record<string, TensorLike>,
  stateIn: CarriedState,
  input: StepInput,
  lengths: number[],
  list: Intervention[],
  start: number,
  kinds: Set<StreamKind>,
  streams: Record<string, Float32Array>[]
): Promise<LayerValues> {
  const H = tap.hiddenSize;
  const D = tap.directions;
  const B = input.batch;
  const GH = tap.gates * H;
  const yT = out[tap.y];
  const T = yT.dims[0];
  const y = Float32Array.from(asFloat32(yT, tap.y));
  const yH = new Float32Array(D * B * H);
  const yC = tap.yC ? new Float32Array(D * B * H) : null;
  const R = resolve(tap.internals!.weights.R, input.feeds)!;
  for (let d = 0; d < D; d++) {
    const params = directionParams(tap, d, input.feeds);
    const dir = directionName(tap, d);
    const xw = asFloat32(out[tap.internals!.directions[d].xw], 'X·Wᵀ');
    const Rd = R.subarray(d * GH * H, (d + 1) * GH * H);
    for (let b = 0; b < B; b++) {
      const len = lengths[b];
      const at = (d * B + b) * H;
      const run = await engine.run({
        tap,
        d,
        params,
        R: Rd,
        input: {
          steps: len,
          reverse: dir === 'bwd',
          xw: { data: xw, base: b * GH, stride: B * GH },
          h0: stateIn[tap.initialH].subarray(at, at + H),
          c0: tap.initialC ? stateIn[tap.initialC].subarray(at, at + H) : null
        },
        clamps: directionClamps(tap, d, list, start, len),
        batch: B
      });
      for (let t = 0; t < len; t++)
        y.set(run.streams.h.subarray(t * H, (t + 1) * H), ((t * D + d) * B + b) * H);
      yH.set(run.lastH, at);
      if (yC && run.lastC) yC.set(run.lastC, at);
      for (const [kind, data] of Object.entries(run.streams))
        if (kinds.has(kind as StreamKind))
          streams[b][streamId(tap.layer, dir, kind as StreamKind)] = data;
    }
  }
  return {
    y: new Tensor('float32', y, [T, D, B, H]),
    yH: new Tensor('float32', yH, [D, B, H]),
    yC: yC ? new Tensor('float32', yC, [D, B, H]) : null
  };
}

export interface IntervenedStepOptions {
  cells?: CellTap[];
  /** the original run, when the caller already has it (the same feeds and state) */
  original?: StepResult;
  /** where intervened layers run (default: JS) */
  engine?: CellEngine;
  /** the streams kept of intervened layers (default: `kinds`) */
  clampedKinds?: Set<StreamKind>;
}

/**
 * Run once with interventions (`start`: the recording step of the run's first row). Without
 * interventions this is the original run.
 */
export async function runIntervenedStep(
  session: SessionLike,
  Tensor: TensorCtor,
  taps: LayerTap[],
  input: StepInput,
  state: CarriedState | null,
  kinds: Set<StreamKind>,
  list: Intervention[],
  start: number,
  { cells = [], original, engine = jsCellEngine, clampedKinds = kinds }: IntervenedStepOptions = {}
): Promise<StepResult> {
  const neutral = { ...input, feeds: { ...input.feeds, ...overrideFeeds(Tensor, taps) } };
  const first = original ?? (await runStep(session, Tensor, taps, neutral, state, kinds, cells));
  // A run no intervention reaches is the original run (its steps: the longest sequence).
  const layers = intervenedLayers(taps, list, start, start + Math.max(...input.lengths));
  if (!layers.length) return first;
  if (taps.some((t) => t.batchOrder))
    throw new Error(
      'Interventions on a model that reorders its batch (packed sequences) are not supported.'
    );
  const { stateIn, lengths } = first;
  const clamped: Record<string, Float32Array>[] = Array.from({ length: input.batch }, () => ({}));
  const on = new Map<number, LayerValues>();
  let out = first.outputs;
  const feedsWith = () => ({
    ...input.feeds,
    ...stateFeeds(Tensor, taps, stateIn, input.batch),
    ...overrideFeeds(Tensor, taps, on)
  });
  for (const [i, k] of layers.entries()) {
    if (i > 0) out = await session.run(feedsWith());
    on.set(
      k,
      await clampedLayer(
        engine,
        Tensor,
        taps[k],
        out,
        stateIn,
        input,
        lengths,
        list,
        start,
        clampedKinds,
        clamped
      )
    );
  }
  out = { ...(await session.run(feedsWith())) };
  for (const [k, v] of on) {
    const tap = taps[k];
    out[tap.y] = v.y;
    out[tap.yH] = v.yH;
    if (tap.yC && v.yC) out[tap.yC] = v.yC;
  }
  const { streams } = extractStreams(taps, out, stateIn, neutral, kinds);
  streams.forEach((s, b) => Object.assign(s, clamped[b]));
  return {
    streams,
    lengths,
    units: first.units,
    state: nextState(taps, out),
    stateIn,
    outputs: out
  };
}
