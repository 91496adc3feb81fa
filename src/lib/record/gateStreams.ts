/**
 * The streams of an LSTM direction whose gate activations the graph computed (onnx/gateTaps.ts,
 * [T, B, H] each): the gates asked for (views when B = 1) and c_t from them — the one sequential
 * step left, c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t, a tight loop.
 */
import type { GateActivations } from '../onnx/gateTaps';
import type { Strided } from './cells';
import type { StreamKind } from './streams';

/** Where batch item b's rows are in [T, B, H] outputs, and how many of them are valid. */
export interface GateRows {
  B: number;
  H: number;
  b: number;
  len: number;
  reverse: boolean;
}

export function gateStreams(
  gate: (name: string) => Float32Array,
  acts: GateActivations,
  kinds: Set<StreamKind>,
  id: (kind: StreamKind) => string,
  at: GateRows,
  c0: Float32Array | null
): Record<string, Float32Array> {
  const { B, H, b, len } = at;
  const streams: Record<string, Float32Array> = {};
  for (const kind of ['i', 'f', 'g', 'o'] as const) {
    if (!kinds.has(kind)) continue;
    const name = acts[kind];
    if (!name) throw new Error(`The graph was prepared without the ${kind} gate (outputGate).`);
    streams[id(kind)] = rows(gate(name), at);
  }
  if (kinds.has('c')) {
    const strided = (name: string) => ({ data: gate(name), base: b * H, stride: B * H });
    const gates = { i: strided(acts.i), f: strided(acts.f), g: strided(acts.g) };
    streams[id('c')] = cellFromGates(gates, H, len, at.reverse, c0);
  }
  return streams;
}

/** Batch item b's first len rows of [T, B, H]: a view when B = 1. */
function rows(data: Float32Array, { B, H, b, len }: GateRows): Float32Array {
  if (B === 1) return data.subarray(0, len * H);
  const out = new Float32Array(len * H);
  for (let t = 0; t < len; t++) out.set(data.subarray((t * B + b) * H, (t * B + b + 1) * H), t * H);
  return out;
}

/**
 * c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t over gate activations the graph computed (onnx/gateTaps.ts):
 * [steps, H] rows of each gate, c_{t-1} carried in float64, from c0 (zeros when null); a reverse
 * direction runs from its last step back.
 */
export function cellFromGates(
  gates: { i: Strided; f: Strided; g: Strided },
  H: number,
  steps: number,
  reverse: boolean,
  c0: Float32Array | null
): Float32Array {
  const out = new Float32Array(steps * H);
  const c = new Float64Array(H);
  if (c0) c.set(c0);
  const { i, f, g } = gates;
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    cellRow(
      c,
      i.data,
      i.base + t * i.stride,
      f.data,
      f.base + t * f.stride,
      g.data,
      g.base + t * g.stride,
      out,
      t * H,
      H
    );
  }
  return out;
}

// The hot loop in its own function, so V8 optimises it once.
function cellRow(
  c: Float64Array,
  i: Float32Array,
  ib: number,
  f: Float32Array,
  fb: number,
  g: Float32Array,
  gb: number,
  out: Float32Array,
  ob: number,
  H: number
) {
  for (let j = 0; j < H; j++) {
    const v = f[fb + j] * c[j] + i[ib + j] * g[gb + j];
    c[j] = v;
    out[ob + j] = v;
  }
}
