/**
 * Where an intervened layer's recurrence runs. The default is JS (clampedCells.ts), which takes
 * every cell ONNX defines; ScanCellEngine runs plain cells as an onnxruntime Scan
 * (onnx/cellScan.ts), one small session per layer direction, made once and kept.
 */
import { buildCellScan, cellScanSupported } from '../onnx/cellScan';
import type { LayerTap } from '../onnx/surgery';
import {
  runClampedDirection,
  type ClampedInput,
  type ClampedOutput,
  type DirectionClamps
} from './clampedCells';
import type { DirectionParams } from './cells';
import type { SessionLike, TensorCtor } from './step';

export interface CellRun {
  tap: LayerTap;
  d: number;
  params: DirectionParams;
  /** the direction's recurrence weight [G·H, H] */
  R: Float32Array;
  input: ClampedInput;
  clamps: DirectionClamps;
  /** sequences in the run (a Scan cell takes one) */
  batch: number;
}

export interface CellEngine {
  run(job: CellRun): Promise<ClampedOutput>;
}

export const jsCellEngine: CellEngine = {
  run: async (j) => runClampedDirection(j.params, j.R, j.input, j.clamps)
};

/** The layer direction's activation names (a single set may serve both directions). */
function directionActs(tap: LayerTap, d: number): string[] {
  const per = tap.op === 'LSTM' ? 3 : tap.op === 'GRU' ? 2 : 1;
  const all = tap.layerInfo.activations;
  const acts = all.length >= per * (d + 1) ? all.slice(per * d, per * (d + 1)) : all.slice(0, per);
  const defaults = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };
  return acts.length === per ? acts : defaults[tap.op];
}

/** Per-step affine (A, B) over [steps, H] for one state: x ← x·A + B. */
function affine(steps: number, H: number, clamps: DirectionClamps['h']) {
  const A = new Float32Array(steps * H).fill(1);
  const B = new Float32Array(steps * H);
  for (const k of clamps) {
    for (let t = k.from; t < k.to; t++) {
      const i = t * H + k.unit;
      if (k.set !== undefined) [A[i], B[i]] = [0, k.set];
      else [A[i], B[i]] = [A[i] * (k.scale ?? 1), B[i] * (k.scale ?? 1)];
    }
  }
  return { A, B };
}

export class ScanCellEngine implements CellEngine {
  private sessions = new Map<string, Promise<SessionLike>>();

  constructor(
    private create: (bytes: Uint8Array) => Promise<SessionLike>,
    private Tensor: TensorCtor
  ) {}

  private supported(j: CellRun): boolean {
    const { tap, params: p } = j;
    const w = tap.internals?.weights;
    return (
      j.batch === 1 &&
      j.input.xw.base === 0 &&
      w?.R?.kind === 'const' &&
      w.B?.kind !== 'feed' &&
      cellScanSupported(directionActs(tap, j.d), {
        clip: p.clip,
        peepholes: !!p.peepholes,
        inputForget: p.inputForget
      })
    );
  }

  private session(j: CellRun): Promise<SessionLike> {
    const key = `${j.tap.layer}.${j.d}`;
    let s = this.sessions.get(key);
    if (!s) {
      const bytes = buildCellScan({
        op: j.tap.op,
        hidden: j.tap.hiddenSize,
        reverse: j.input.reverse,
        acts: directionActs(j.tap, j.d),
        R: j.R,
        wb: j.params.wb,
        rb: j.params.rb,
        linearBeforeReset: j.params.linearBeforeReset
      });
      s = this.create(bytes);
      this.sessions.set(key, s);
    }
    return s;
  }

  async run(j: CellRun): Promise<ClampedOutput> {
    if (!this.supported(j)) return jsCellEngine.run(j);
    const { Tensor } = this;
    const H = j.tap.hiddenSize;
    const T = j.input.steps;
    const GH = j.tap.gates * H;
    const lstm = j.tap.op === 'LSTM';
    const f = (data: Float32Array, dims: number[]) => new Tensor('float32', data, dims);
    const h = affine(T, H, j.clamps.h);
    const feeds: Record<string, ReturnType<typeof f>> = {
      h0: f(Float32Array.from(j.input.h0), [1, H]),
      xw: f(j.input.xw.data.subarray(0, T * GH), [T, 1, GH]),
      hA: f(h.A, [T, 1, H]),
      hB: f(h.B, [T, 1, H])
    };
    if (lstm) {
      const c = affine(T, H, j.clamps.c);
      feeds.c0 = f(Float32Array.from(j.input.c0 ?? new Float32Array(H)), [1, H]);
      feeds.cA = f(c.A, [T, 1, H]);
      feeds.cB = f(c.B, [T, 1, H]);
    }
    const out = await (await this.session(j)).run(feeds);
    const streams: Record<string, Float32Array> = {};
    for (const k of ['h', 'c', 'i', 'f', 'o', 'g', 'z', 'r', 'n'])
      if (out[k]) streams[k] = out[k].data as Float32Array;
    return {
      streams,
      lastH: out.hT.data as Float32Array,
      lastC: lstm ? (out.cT.data as Float32Array) : null
    };
  }
}
