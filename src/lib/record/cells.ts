/**
 * Internal states of a recurrent layer that the ONNX ops do not output — c_t and the gates —
 * recomputed exactly from what they do: the gate pre-activations' matrix products (computed in the
 * graph by batched MatMuls, see onnx/surgery.ts) and the hidden states Y. Only the cheap elementwise
 * recurrence runs here, in the order of the ONNX operator equations.
 */
import { sigmoid, type Activation } from './activations';

/** A [steps, width] view into a larger buffer: row t starts at base + t * stride. */
export interface Strided {
  data: Float32Array;
  base: number;
  stride: number;
}

export interface DirectionParams {
  op: 'LSTM' | 'GRU' | 'RNN';
  hidden: number;
  /** LSTM [f, g, h]; GRU [f, g]; RNN [f] */
  acts: Activation[];
  clip?: number;
  linearBeforeReset: boolean;
  inputForget: boolean;
  /** Input-side bias Wb, [G*H] in ONNX gate order. */
  wb: Float32Array;
  /** Recurrent bias Rb, [G*H]. */
  rb: Float32Array;
  /** LSTM peepholes [Pi, Po, Pf], [3H], or null. */
  peepholes: Float32Array | null;
  /** GRU with linear_before_reset = 0: Rh, [H, H] (row j = output unit). */
  rh: Float32Array | null;
}

export interface DirectionData {
  steps: number;
  reverse: boolean;
  /** X_t · W^T, [steps, G*H] */
  xw: Strided;
  /** h_t · R^T for every t, [steps, G*H] */
  hr: Strided;
  /** h_0 · R^T, [G*H] */
  h0r: Float32Array;
  /** h_t (the op's Y), [steps, H] */
  h: Strided;
  h0: Float32Array;
  /** LSTM initial cell state, [H] */
  c0: Float32Array | null;
}

export type CellStreams = Partial<
  Record<'c' | 'i' | 'f' | 'o' | 'g' | 'z' | 'r' | 'n', Float32Array>
>;

const identity = (x: number) => x;
const clipper = (clip: number | undefined) =>
  clip === undefined ? identity : (x: number) => (x > clip ? clip : x < -clip ? -clip : x);

/** `want`: the kinds to return (default all); an LSTM asked for c alone skips the o gate. */
export function computeCellStreams(
  p: DirectionParams,
  d: DirectionData,
  want?: ReadonlySet<string>
): CellStreams {
  if (p.op === 'LSTM') {
    const gates = !want || ['i', 'f', 'o', 'g'].some((k) => want.has(k));
    return gates ? lstm(p, d) : lstmCellOnly(p, d);
  }
  if (p.op === 'GRU') return gru(p, d);
  return {};
}

function order(d: DirectionData): number[] {
  const ts = Array.from({ length: d.steps }, (_, i) => i);
  return d.reverse ? ts.reverse() : ts;
}

/** Offset of h_{t-1}·R^T in d.hr (or -1 for the initial state). */
function prevIndex(d: DirectionData, t: number): number {
  const prev = d.reverse ? t + 1 : t - 1;
  return prev < 0 || prev >= d.steps ? -1 : prev;
}

/** Wb + Rb per gate row: the bias every pre-activation gets. */
function biasSum(p: DirectionParams, gates: number): Float64Array {
  const n = gates * p.hidden;
  const b = new Float64Array(n);
  for (let r = 0; r < n; r++) b[r] = p.wb[r] + p.rb[r];
  return b;
}

function lstm(p: DirectionParams, d: DirectionData): CellStreams {
  const H = p.hidden;
  const [fa, ga] = p.acts;
  const clip = clipper(p.clip);
  const n = d.steps * H;
  const oi = new Float32Array(n);
  const of = new Float32Array(n);
  const oo = new Float32Array(n);
  const og = new Float32Array(n);
  const oc = new Float32Array(n);
  const P = p.peepholes;
  const bias = biasSum(p, 4);
  const xw = d.xw.data;
  // c_{t-1} and c_t in float64, swapped every step.
  let cPrev = Float64Array.from(d.c0 ?? new Float32Array(H));
  let cNext = new Float64Array(H);
  // The usual LSTM (sigmoid/tanh, no peepholes, no clip): the same equations with the activations
  // inlined, about twice as fast.
  const plain = !P && !p.inputForget && p.clip === undefined && fa === sigmoid && ga === Math.tanh;
  for (const t of order(d)) {
    const prev = prevIndex(d, t);
    const hr = prev < 0 ? d.h0r : d.hr.data;
    const hb = prev < 0 ? 0 : d.hr.base + prev * d.hr.stride;
    const xb = d.xw.base + t * d.xw.stride;
    const row = t * H;
    if (plain) {
      for (let j = 0; j < H; j++) {
        const i = 1 / (1 + Math.exp(-(xw[xb + j] + hr[hb + j] + bias[j])));
        const o = 1 / (1 + Math.exp(-(xw[xb + H + j] + hr[hb + H + j] + bias[H + j])));
        const f = 1 / (1 + Math.exp(-(xw[xb + 2 * H + j] + hr[hb + 2 * H + j] + bias[2 * H + j])));
        const g = Math.tanh(xw[xb + 3 * H + j] + hr[hb + 3 * H + j] + bias[3 * H + j]);
        const c = f * cPrev[j] + i * g;
        oi[row + j] = i;
        of[row + j] = f;
        og[row + j] = g;
        oo[row + j] = o;
        oc[row + j] = c;
        cNext[j] = c;
      }
      [cPrev, cNext] = [cNext, cPrev];
      continue;
    }
    // ONNX gate order in W/R/B: i, o, f, c
    for (let j = 0; j < H; j++) {
      const cp = cPrev[j];
      let preI = xw[xb + j] + hr[hb + j] + bias[j];
      let preF = xw[xb + 2 * H + j] + hr[hb + 2 * H + j] + bias[2 * H + j];
      let preO = xw[xb + H + j] + hr[hb + H + j] + bias[H + j];
      const preG = xw[xb + 3 * H + j] + hr[hb + 3 * H + j] + bias[3 * H + j];
      if (P) {
        preI += P[j] * cp;
        preF += P[2 * H + j] * cp;
      }
      const i = fa(clip(preI));
      const f = p.inputForget ? 1 - i : fa(clip(preF));
      const g = ga(clip(preG));
      const c = f * cp + i * g;
      if (P) preO += P[H + j] * c;
      const o = fa(clip(preO));
      oi[row + j] = i;
      of[row + j] = f;
      og[row + j] = g;
      oo[row + j] = o;
      oc[row + j] = c;
      cNext[j] = c;
    }
    [cPrev, cNext] = [cNext, cPrev];
  }
  return { i: oi, f: of, o: oo, g: og, c: oc };
}

/** The plain LSTM's c_t alone (the default recording, h and c): no o gate, no gate arrays. */
function lstmCellOnly(p: DirectionParams, d: DirectionData): CellStreams {
  const [fa, ga] = p.acts;
  const plain =
    !p.peepholes && !p.inputForget && p.clip === undefined && fa === sigmoid && ga === Math.tanh;
  if (!plain) return { c: lstm(p, d).c };
  const H = p.hidden;
  const oc = new Float32Array(d.steps * H);
  const bias = biasSum(p, 4);
  const xw = d.xw.data;
  let cPrev = Float64Array.from(d.c0 ?? new Float32Array(H));
  let cNext = new Float64Array(H);
  for (const t of order(d)) {
    const prev = prevIndex(d, t);
    const hr = prev < 0 ? d.h0r : d.hr.data;
    const hb = prev < 0 ? 0 : d.hr.base + prev * d.hr.stride;
    cellStep(xw, d.xw.base + t * d.xw.stride, hr, hb, bias, H, cPrev, cNext, oc, t * H);
    [cPrev, cNext] = [cNext, cPrev];
  }
  return { c: oc };
}

// One step's hot loop in its own function (V8 optimises it once). ONNX gate order: i, o, f, c.
function cellStep(
  xw: Float32Array,
  xb: number,
  hr: Float32Array,
  hb: number,
  bias: Float64Array,
  H: number,
  cPrev: Float64Array,
  cNext: Float64Array,
  oc: Float32Array,
  row: number
) {
  for (let j = 0; j < H; j++) {
    const i = 1 / (1 + Math.exp(-(xw[xb + j] + hr[hb + j] + bias[j])));
    const f = 1 / (1 + Math.exp(-(xw[xb + 2 * H + j] + hr[hb + 2 * H + j] + bias[2 * H + j])));
    const g = Math.tanh(xw[xb + 3 * H + j] + hr[hb + 3 * H + j] + bias[3 * H + j]);
    const c = f * cPrev[j] + i * g;
    oc[row + j] = c;
    cNext[j] = c;
  }
}

function gru(p: DirectionParams, d: DirectionData): CellStreams {
  const H = p.hidden;
  const [fa, ga] = p.acts;
  const clip = clipper(p.clip);
  const out = {
    z: new Float32Array(d.steps * H),
    r: new Float32Array(d.steps * H),
    n: new Float32Array(d.steps * H)
  };
  const xw = d.xw.data;
  const rh = p.rh;
  const gated = new Float64Array(H);
  for (let t = 0; t < d.steps; t++) {
    const prev = prevIndex(d, t);
    const hr = prev < 0 ? d.h0r : d.hr.data;
    const hrBase = prev < 0 ? 0 : d.hr.base + prev * d.hr.stride;
    const hPrev = (k: number) => (prev < 0 ? d.h0[k] : d.h.data[d.h.base + prev * d.h.stride + k]);
    const xBase = d.xw.base + t * d.xw.stride;
    const row = t * H;
    // ONNX gate order in W/R/B: z, r, h
    for (let j = 0; j < H; j++) {
      const pre = (g: number) =>
        xw[xBase + g * H + j] + hr[hrBase + g * H + j] + p.wb[g * H + j] + p.rb[g * H + j];
      out.z[row + j] = fa(clip(pre(0)));
      out.r[row + j] = fa(clip(pre(1)));
    }
    if (p.linearBeforeReset) {
      for (let j = 0; j < H; j++) {
        const rec = hr[hrBase + 2 * H + j] + p.rb[2 * H + j];
        out.n[row + j] = ga(clip(xw[xBase + 2 * H + j] + p.wb[2 * H + j] + out.r[row + j] * rec));
      }
    } else {
      // (r ⊙ h_{t-1}) · Rh^T depends on r, so it cannot come from the graph's h·R^T.
      for (let k = 0; k < H; k++) gated[k] = out.r[row + k] * hPrev(k);
      for (let j = 0; j < H; j++) {
        let s = 0;
        const base = j * H;
        for (let k = 0; k < H; k++) s += gated[k] * rh![base + k];
        out.n[row + j] = ga(clip(xw[xBase + 2 * H + j] + p.wb[2 * H + j] + s + p.rb[2 * H + j]));
      }
    }
  }
  return out;
}
