/**
 * One direction of a recurrent layer run step by step in JS, with units clamped: the ONNX node
 * cannot be changed from inside, so an intervened layer's recurrence runs here, from the input
 * side's X·Wᵀ (computed in the graph, batched) and the full recurrence weight R. Equations are
 * the ONNX operators' (as in cells.ts), with the intervention semantics of DESIGN.md:
 * - clamp c: c_t[j] := v right after the cell update; o's peephole and h_t = o_t ⊙ act(c_t) read v;
 * - clamp h: h_t[j] := v after the layer's update; the next step and the layer above read v.
 * A scale multiplies the updated value instead of replacing it.
 */
import type { DirectionParams, Strided } from './cells';

/** An intervention on one unit over local steps [from, to) (input positions, any direction). */
export interface UnitClamp {
  unit: number;
  /** Replace the value… */
  set?: number;
  /** …or multiply it. */
  scale?: number;
  from: number;
  to: number;
}

export interface DirectionClamps {
  h: UnitClamp[];
  c: UnitClamp[];
}

export interface ClampedInput {
  steps: number;
  reverse: boolean;
  /** X_t · W^T, [steps, G*H] */
  xw: Strided;
  h0: Float32Array;
  c0: Float32Array | null;
}

export interface ClampedOutput {
  /** Every state and gate of the direction, [steps, H] each (LSTM c, i, f, o, g; GRU z, r, n). */
  streams: Record<string, Float32Array>;
  /** The state after the last step taken (step 0 for a reverse direction). */
  lastH: Float32Array;
  lastC: Float32Array | null;
}

function applyClamps(clamps: UnitClamp[], t: number, values: Float32Array) {
  for (const k of clamps) {
    if (t < k.from || t >= k.to) continue;
    values[k.unit] = k.set !== undefined ? k.set : values[k.unit] * (k.scale ?? 1);
  }
}

/**
 * rec[r] = Σ_k R[r, k] · h[k] for every row r of R ([rows, H] row-major). Four running sums:
 * about twice as fast in V8 as one (the adds no longer wait on each other).
 */
function matVec(R: Float32Array, h: Float32Array, H: number, rec: Float64Array) {
  const rows = rec.length;
  const H4 = H - (H % 4);
  for (let r = 0; r < rows; r++) {
    let base = r * H;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k < H4; k += 4, base += 4) {
      s0 += R[base] * h[k];
      s1 += R[base + 1] * h[k + 1];
      s2 += R[base + 2] * h[k + 2];
      s3 += R[base + 3] * h[k + 3];
    }
    for (; k < H; k++, base++) s0 += R[base] * h[k];
    rec[r] = s0 + s1 + s2 + s3;
  }
}

export function runClampedDirection(
  p: DirectionParams,
  R: Float32Array,
  d: ClampedInput,
  clamps: DirectionClamps
): ClampedOutput {
  const H = p.hidden;
  const G = p.op === 'LSTM' ? 4 : p.op === 'GRU' ? 3 : 1;
  const kinds = p.op === 'LSTM' ? ['c', 'i', 'f', 'o', 'g'] : p.op === 'GRU' ? ['z', 'r', 'n'] : [];
  const streams: Record<string, Float32Array> = { h: new Float32Array(d.steps * H) };
  for (const k of kinds) streams[k] = new Float32Array(d.steps * H);
  const clip = p.clip;
  const cl =
    clip === undefined ? (x: number) => x : (x: number) => Math.max(-clip, Math.min(clip, x));
  const [fa, ga, ha] = p.acts;
  const h = Float32Array.from(d.h0);
  const c = Float32Array.from(d.c0 ?? new Float32Array(H));
  const rec = new Float64Array(G * H);
  const bias = Float64Array.from(p.wb, (w, r) => w + p.rb[r]);
  const gated = new Float32Array(H);
  const rn = new Float64Array(H);
  const xw = d.xw.data;
  const P = p.peepholes;
  for (let s = 0; s < d.steps; s++) {
    const t = d.reverse ? d.steps - 1 - s : s;
    const xb = d.xw.base + t * d.xw.stride;
    const row = t * H;
    matVec(R, h, H, rec);
    // rec becomes the pre-activations (GRU's candidate row keeps h·Rᵀ alone: see below)
    const full = p.op === 'GRU' ? 2 * H : G * H;
    for (let r = 0; r < full; r++) rec[r] += xw[xb + r] + bias[r];
    const pre = (g: number, j: number) => rec[g * H + j];
    if (p.op === 'LSTM') {
      // ONNX gate order: i, o, f, c(g)
      const gi = streams.i,
        go = streams.o,
        gf = streams.f,
        gg = streams.g,
        sc = streams.c;
      for (let j = 0; j < H; j++) {
        const cp = c[j];
        const i = fa(cl(pre(0, j) + (P ? P[j] * cp : 0)));
        const f = p.inputForget ? 1 - i : fa(cl(pre(2, j) + (P ? P[2 * H + j] * cp : 0)));
        const g = ga(cl(pre(3, j)));
        gi[row + j] = i;
        gf[row + j] = f;
        gg[row + j] = g;
        c[j] = f * cp + i * g;
      }
      applyClamps(clamps.c, t, c);
      for (let j = 0; j < H; j++) {
        const o = fa(cl(pre(1, j) + (P ? P[H + j] * c[j] : 0)));
        go[row + j] = o;
        sc[row + j] = c[j];
        h[j] = o * ha(c[j]);
      }
    } else if (p.op === 'GRU') {
      // ONNX gate order: z, r, h(n)
      const sz = streams.z,
        sr = streams.r,
        sn = streams.n;
      for (let j = 0; j < H; j++) {
        sz[row + j] = fa(cl(pre(0, j)));
        sr[row + j] = fa(cl(pre(1, j)));
      }
      if (!p.linearBeforeReset) {
        // (r ⊙ h_{t-1}) · Rhᵀ: the product depends on r.
        for (let k = 0; k < H; k++) gated[k] = sr[row + k] * h[k];
        matVec(R.subarray(2 * H * H, 3 * H * H), gated, H, rn);
      }
      for (let j = 0; j < H; j++) {
        const x = xw[xb + 2 * H + j] + p.wb[2 * H + j];
        const n = p.linearBeforeReset
          ? ga(cl(x + sr[row + j] * (rec[2 * H + j] + p.rb[2 * H + j])))
          : ga(cl(x + rn[j] + p.rb[2 * H + j]));
        sn[row + j] = n;
        const z = sz[row + j];
        gated[j] = (1 - z) * n + z * h[j];
      }
      h.set(gated);
    } else {
      for (let j = 0; j < H; j++) gated[j] = fa(cl(pre(0, j)));
      h.set(gated);
    }
    applyClamps(clamps.h, t, h);
    streams.h.set(h, row);
  }
  return { streams, lastH: h, lastC: p.op === 'LSTM' ? c : null };
}
