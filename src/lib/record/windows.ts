/**
 * Running a fixed-length graph (onnx/fixedWindow.ts) over a chunk of tokens: windows of exactly T
 * tokens, the last one padded. The steps are causal, so padding after a document's end changes
 * none of its steps; its rows are dropped. A window starts from the state the one before it ended
 * in, read from the cell taps at its last real step, when the graph takes its state as inputs
 * (`carried`); at a document start (state null) and otherwise, from zeros. A recurrent op's state
 * is carried by runStep, as for chunks. The result reads as one run over the whole chunk.
 */
import type { FixedWindow } from '../onnx/fixedWindow';
import type { TokenInput } from '../onnx/inspect';
import type { CellTap, LayerTap } from '../onnx/surgery';
import { tokenTensor } from './core';
import {
  asFloat32,
  runStep,
  type CarriedState,
  type SessionLike,
  type StepResult,
  type TensorCtor,
  type TensorLike
} from './step';
import { unitsPerToken, type StreamKind } from './streams';

export interface WindowJob {
  session: SessionLike;
  Tensor: TensorCtor;
  taps: LayerTap[];
  /** Every cell tap of the graph (the state is read from them, recorded or not). */
  cells: CellTap[];
  /** The cells whose streams are recorded. */
  wanted: CellTap[];
  tokenInput: TokenInput;
  window: FixedWindow;
  kinds: Set<StreamKind>;
}

export interface WindowRunner {
  window: FixedWindow;
  /** Run `ids` (any length ≥ 1) from `state` (null: a document start). */
  run(ids: Int32Array, state: CarriedState | null): Promise<StepResult>;
}

/** One window's feeds: the tokens padded to T, and each state input (zeros without a state). */
export function windowFeeds(
  Tensor: TensorCtor,
  tokenInput: TokenInput,
  window: FixedWindow,
  ids: Int32Array,
  state: CarriedState | null = null
): Record<string, TensorLike> {
  const padded = new Int32Array(window.steps);
  padded.set(ids.subarray(0, window.steps));
  const feeds = { [tokenInput.name]: tokenTensor(Tensor, tokenInput, padded) };
  for (const s of window.stateInputs) {
    const n = s.dims.reduce((a, b) => a * b, 1);
    const v = (window.carried && state?.[s.input]) || new Float32Array(n);
    if (v.length !== n)
      throw new Error(`State input ${s.input} [${s.dims}] cannot take ${v.length} values.`);
    feeds[s.input] = new Tensor('float32', v, s.dims);
  }
  return feeds;
}

/** A cell's state after step `valid` (1-based) of a window: its step output, or a scan row. */
function cellStateAt(cell: CellTap, out: Record<string, TensorLike>, valid: number) {
  if (cell.steps) return Float32Array.from(asFloat32(out[cell.steps[valid - 1]], cell.steps[0]));
  const all = asFloat32(out[cell.scan!], cell.scan!);
  const per = all.length / out[cell.scan!].dims[0];
  return all.slice((valid - 1) * per, valid * per);
}

/** Float outputs with a time axis of T: their real rows, window after window. */
function joinOutputs(
  Tensor: TensorCtor,
  parts: { outputs: Record<string, TensorLike>; valid: number }[],
  T: number,
  cells: CellTap[]
): Record<string, TensorLike> {
  const last = parts[parts.length - 1];
  const steps = new Set(cells.flatMap((c) => c.steps ?? []));
  const joined: Record<string, TensorLike> = {};
  const total = parts.reduce((n, p) => n + p.valid, 0);
  for (const [name, t] of Object.entries(last.outputs)) {
    if (steps.has(name)) continue;
    const row = unitsPerToken([...t.dims], T);
    if (row === null || !(t.data instanceof Float32Array)) {
      joined[name] = t;
      continue;
    }
    const data = new Float32Array(total * row);
    let at = 0;
    for (const p of parts) {
      data.set(asFloat32(p.outputs[name], name).subarray(0, p.valid * row), at);
      at += p.valid * row;
    }
    const axis = t.dims.indexOf(T);
    joined[name] = new Tensor(
      'float32',
      data,
      t.dims.map((d, i) => (i === axis ? total : d))
    );
  }
  // A graph output that is a cell's last step (torch: the h, c its forward returns) holds the
  // state after the last real step, not after the padding.
  for (const c of cells) {
    const lastStep = c.steps?.[T - 1];
    if (lastStep && lastStep in last.outputs)
      joined[lastStep] = last.outputs[c.steps![last.valid - 1]];
  }
  return joined;
}

export function windowRunner(job: WindowJob): WindowRunner {
  const { session, Tensor, taps, tokenInput, window, kinds } = job;
  const T = window.steps;
  const stateCells = window.stateInputs.map((s) => {
    const cell = job.cells.find((c) => c.layer === s.layer && c.kind === s.kind);
    if (!cell) throw new Error(`No cell of the graph gives ${s.input} its state.`);
    return { input: s.input, cell };
  });
  return {
    window,
    async run(ids, state) {
      const parts: { step: StepResult; valid: number; outputs: Record<string, TensorLike> }[] = [];
      let carried = state;
      for (let at = 0; at < ids.length; at += T) {
        const valid = Math.min(T, ids.length - at);
        const feeds = windowFeeds(
          Tensor,
          tokenInput,
          window,
          ids.subarray(at, at + valid),
          carried
        );
        const input = { feeds, batch: 1, lengths: [valid] };
        const step = await runStep(session, Tensor, taps, input, carried, kinds, job.wanted);
        const next: CarriedState = { ...step.state };
        for (const s of stateCells) next[s.input] = cellStateAt(s.cell, step.outputs, valid);
        parts.push({ step, valid, outputs: step.outputs });
        carried = next;
      }
      if (!parts.length) throw new Error('A window run needs at least one token.');
      const first = parts[0].step;
      const streams: Record<string, Float32Array> = {};
      for (const id of Object.keys(first.streams[0])) {
        const units = first.units[id];
        const data = new Float32Array(ids.length * units);
        let row = 0;
        for (const { step, valid } of parts) {
          data.set(step.streams[0][id].subarray(0, valid * units), row * units);
          row += valid;
        }
        streams[id] = data;
      }
      return {
        streams: [streams],
        lengths: [ids.length],
        units: first.units,
        state: carried!,
        stateIn: first.stateIn,
        outputs: joinOutputs(Tensor, parts, T, job.cells)
      };
    }
  };
}
