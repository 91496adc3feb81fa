/**
 * Reference LSTM written straight from the ONNX operator spec (LSTM, default activations
 * f=Sigmoid, g=Tanh, h=Tanh; gate order i, o, f, c; B = [Wb; Rb]), float64 accumulation.
 * Used only by tests, as the independent check on what onnxruntime + our recorder produce.
 */
export interface LstmWeights {
  /** [4H, I] for one direction */
  W: Float32Array;
  /** [4H, H] */
  R: Float32Array;
  /** [8H] or null */
  B: Float32Array | null;
  /** [3H] peepholes (i, o, f) or null */
  P?: Float32Array | null;
  hidden: number;
  input: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Run one direction forward over X [T, I]; returns h [T, H] and c [T, H]. */
export function referenceLstm(
  X: Float32Array,
  T: number,
  w: LstmWeights,
  h0?: Float32Array,
  c0?: Float32Array
): Record<'h' | 'c' | 'i' | 'f' | 'o' | 'g', Float64Array> {
  const { hidden: H, input: I, W, R, B, P } = w;
  const h = new Float64Array(T * H);
  const c = new Float64Array(T * H);
  const gi = new Float64Array(T * H);
  const gf = new Float64Array(T * H);
  const go = new Float64Array(T * H);
  const gg = new Float64Array(T * H);
  let hPrev = Float64Array.from(h0 ?? new Float32Array(H));
  let cPrev = Float64Array.from(c0 ?? new Float32Array(H));
  const gates = new Float64Array(4 * H);
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < 4 * H; r++) {
      let s = B ? B[r] + B[4 * H + r] : 0;
      for (let k = 0; k < I; k++) s += X[t * I + k] * W[r * I + k];
      for (let k = 0; k < H; k++) s += hPrev[k] * R[r * H + k];
      gates[r] = s;
    }
    const hNext = new Float64Array(H);
    const cNext = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const pi = P ? P[j] : 0;
      const po = P ? P[H + j] : 0;
      const pf = P ? P[2 * H + j] : 0;
      const it = sigmoid(gates[j] + pi * cPrev[j]);
      const ft = sigmoid(gates[2 * H + j] + pf * cPrev[j]);
      const ct = Math.tanh(gates[3 * H + j]);
      const C = ft * cPrev[j] + it * ct;
      const ot = sigmoid(gates[H + j] + po * C);
      cNext[j] = C;
      gi[t * H + j] = it;
      gf[t * H + j] = ft;
      go[t * H + j] = ot;
      gg[t * H + j] = ct;
      hNext[j] = ot * Math.tanh(C);
    }
    h.set(hNext, t * H);
    c.set(cNext, t * H);
    hPrev = hNext;
    cPrev = cNext;
  }
  return { h, c, i: gi, f: gf, o: go, g: gg };
}
