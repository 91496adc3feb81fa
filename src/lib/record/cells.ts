/**
 * Internal states of a recurrent layer that the ONNX ops do not output — c_t and the gates —
 * recomputed exactly from what they do: the gate pre-activations' matrix products (computed in the
 * graph by batched MatMuls, see onnx/taps.ts) and the hidden states Y. Only the cheap elementwise
 * recurrence runs here, in the order of the ONNX operator equations.
 */
import type { Activation } from './activations';

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

const clipper = (clip: number | undefined) =>
  clip === undefined ? (x: number) => x : (x: number) => (x > clip ? clip : x < -clip ? -clip : x);

export function computeCellStreams(p: DirectionParams, d: DirectionData): CellStreams {
  if (p.op === 'LSTM') return lstm(p, d);
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

function lstm(p: DirectionParams, d: DirectionData): CellStreams {
  const H = p.hidden;
  const [fa, ga] = p.acts;
  const clip = clipper(p.clip);
  const out = {
    i: new Float32Array(d.steps * H),
    f: new Float32Array(d.steps * H),
    o: new Float32Array(d.steps * H),
    g: new Float32Array(d.steps * H),
    c: new Float32Array(d.steps * H)
  };
  const P = p.peepholes;
  let cPrev = Float64Array.from(d.c0 ?? new Float32Array(H));
  const cNext = new Float64Array(H);
  for (const t of order(d)) {
    const prev = prevIndex(d, t);
    const hr = prev < 0 ? d.h0r : d.hr.data;
    const hrBase = prev < 0 ? 0 : d.hr.base + prev * d.hr.stride;
    const xBase = d.xw.base + t * d.xw.stride;
    const xw = d.xw.data;
    const row = t * H;
    for (let j = 0; j < H; j++) {
      // ONNX gate order in W/R/B: i, o, f, c
      const pre = (g: number) =>
        xw[xBase + g * H + j] + hr[hrBase + g * H + j] + p.wb[g * H + j] + p.rb[g * H + j];
      const i = fa(clip(pre(0) + (P ? P[j] * cPrev[j] : 0)));
      const f = p.inputForget ? 1 - i : fa(clip(pre(2) + (P ? P[2 * H + j] * cPrev[j] : 0)));
      const g = ga(clip(pre(3)));
      const c = f * cPrev[j] + i * g;
      const o = fa(clip(pre(1) + (P ? P[H + j] * c : 0)));
      out.i[row + j] = i;
      out.f[row + j] = f;
      out.g[row + j] = g;
      out.o[row + j] = o;
      out.c[row + j] = c;
      cNext[j] = c;
    }
    cPrev = Float64Array.from(cNext);
  }
  return out;
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
