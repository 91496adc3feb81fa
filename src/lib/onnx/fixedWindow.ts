/**
 * A graph of fixed length: its token input's time axis is a number T > 1 (a cell traced in a
 * Python loop and exported without dynamic axes), so every run takes exactly T tokens and the
 * recorder runs it in windows of T (record/windows.ts). Whether a window can start where the one
 * before it ended depends on where each cell's first step reads its state from:
 * - a float graph input (torch: `forward(tokens, h0, c0)`) can be fed the last state of the window
 *   before: the state is exposed, and windows carry it exactly;
 * - a state built inside the graph (torch: `h = torch.zeros(1, H)`) cannot: every run starts from
 *   it afresh, so only a document that fits in one window is recorded exactly.
 * A recurrent op's state is always carried (surgery exposes it), so such a graph counts as exposed.
 *
 * The `cellscope.state` metadata key names the state inputs instead, for a graph whose state
 * reaches its first step through more than reshapes: a JSON object {"h0": "L0.h", "c0": "L0.c"}
 * from graph input to the stream whose last row it takes.
 */
import type { ModelInfo, TensorInfo } from './inspect';
import { ModelFormatError, type GraphProto } from './proto';

/** What a cell's first step reads as one part of its state (null: not known, e.g. a Loop's). */
export interface CellStart {
  layer: number;
  kind: 'h' | 'c';
  tensor: string | null;
}

/** A graph input that takes a cell's state: zeros at a document start. */
export interface StateInput {
  input: string;
  layer: number;
  kind: 'h' | 'c';
  /** The input's dims, a named (batch) dim as 1. */
  dims: number[];
}

export interface FixedWindow {
  /** Tokens per run: the token input's fixed time length. */
  steps: number;
  /** Graph inputs that take a cell's state (fed zeros at a document start). */
  stateInputs: StateInput[];
  /** Every cell's whole state enters through stateInputs: a window starts where the last ended. */
  carried: boolean;
}

/** The token input's fixed time length, or null when it is dynamic (or 1). */
export function fixedSteps(info: ModelInfo): number | null {
  const t = info.tokenInput;
  const d = t ? info.inputs.find((i) => i.name === t.name)?.dims[t.seqAxis] : null;
  return typeof d === 'number' && d > 1 ? d : null;
}

/** Ops that pass a state through unchanged (only its shape or type). */
const SHAPE_ONLY = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Cast']);

/** The graph input `tensor` is, through shape-only ops, or null. */
function graphInputOf(graph: GraphProto, inputs: Set<string>, tensor: string): string | null {
  let name = tensor;
  for (let hop = 0; hop < 8; hop++) {
    if (inputs.has(name)) return name;
    const p = (graph.node ?? []).find((n) => n.output?.includes(name));
    if (!p || !SHAPE_ONLY.has(p.opType ?? '')) return null;
    name = p.input?.[0] ?? '';
  }
  return null;
}

const dimsOf = (t: TensorInfo) => t.dims.map((d) => (typeof d === 'number' ? d : 1));

/** The state inputs `cellscope.state` names, checked against the graph; null without the key. */
function namedStateInputs(
  info: ModelInfo,
  floats: Map<string, TensorInfo>,
  starts: CellStart[]
): StateInput[] | null {
  const raw = info.metadata['cellscope.state'];
  if (raw === undefined) return null;
  const bad = (why: string) =>
    new ModelFormatError(
      `The model's cellscope.state metadata ${why}. It maps each state input to the stream whose ` +
        `last row it takes, e.g. {"h0": "L0.h", "c0": "L0.c"}.`
    );
  let map: unknown;
  try {
    map = JSON.parse(raw);
  } catch {
    throw bad('is not JSON');
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw bad('is not a JSON object');
  return Object.entries(map as Record<string, unknown>).map(([input, stream]) => {
    const t = floats.get(input);
    if (!t) throw bad(`names "${input}", which is not a float input of the graph`);
    const m = typeof stream === 'string' ? /^L(\d+)\.(h|c)$/.exec(stream) : null;
    const layer = m ? Number(m[1]) : -1;
    if (!m || !starts.some((s) => s.layer === layer && s.kind === m[2]))
      throw bad(`maps "${input}" to ${JSON.stringify(stream)}, which is no cell's h or c stream`);
    return { input, layer, kind: m[2] as 'h' | 'c', dims: dimsOf(t) };
  });
}

/**
 * The fixed-length window of a graph, or null when its token input's length is dynamic. `starts`:
 * every cell's state parts as its first step reads them (surgery finds the cells); `info`: the
 * model as given (before surgery added its own state inputs).
 */
export function fixedWindow(
  graph: GraphProto,
  info: ModelInfo,
  starts: CellStart[]
): FixedWindow | null {
  const steps = fixedSteps(info);
  if (!steps) return null;
  const floats = new Map(info.inputs.filter((i) => i.elemType === 'float').map((i) => [i.name, i]));
  const names = new Set(floats.keys());
  const stateInputs =
    namedStateInputs(info, floats, starts) ??
    starts.flatMap((s) => {
      const input = s.tensor ? graphInputOf(graph, names, s.tensor) : null;
      return input
        ? [{ input, layer: s.layer, kind: s.kind, dims: dimsOf(floats.get(input)!) }]
        : [];
    });
  const distinct = new Set(stateInputs.map((s) => s.input)).size === stateInputs.length;
  const carried =
    distinct &&
    starts.every((s) => stateInputs.some((i) => i.layer === s.layer && i.kind === s.kind));
  return { steps, stateInputs, carried };
}
