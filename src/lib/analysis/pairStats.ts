/**
 * The statistics of a stream pair over sampled steps, in one pass over the rows: the centred
 * cross products for linear CKA, and each unit pair's cross products within two parts of the
 * steps (pick / held-out: by documents when there are two or more, else the first half against
 * the second — rankTarget.splitOfDocuments), so that units can be matched on one part and their
 * correlation reported on the other. Rows run in blocks (`add`) so a worker can report progress
 * and stop between them. Pure code.
 */
import { addCross, addGramUpper, mirrorUpper, sumSquares } from './crossProducts';

export interface PartStats {
  n: number;
  /** [p, q] cross products, centred within the part */
  sxy: Float64Array;
  /** per-unit sums of squares about the part's means */
  vx: Float64Array;
  vy: Float64Array;
}

export interface PairStats {
  n: number;
  p: number;
  q: number;
  /** [p, q] centred cross products over all rows */
  sxy: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  /** ‖XᵀX‖²_F and ‖YᵀY‖²_F (centred), when grams were asked for */
  gramXSq: number;
  gramYSq: number;
  /** part 0 (pick) and part 1 (held-out) */
  parts: [PartStats, PartStats];
}

export class PairAccumulator {
  private cross: [Float64Array, Float64Array];
  private sums: {
    x: Float64Array;
    y: Float64Array;
    xx: Float64Array;
    yy: Float64Array;
    n: number;
  }[];
  private gx: Float64Array;
  private gy: Float64Array;

  /**
   * X [n, p] and Y [n, q]: column-centred over all n rows; rows 0..n0-1 are part 0 (pick), the
   * rest part 1 (held-out). `grams`: also the p × p and q × q products CKA needs.
   */
  constructor(
    private X: Float64Array,
    readonly p: number,
    private Y: Float64Array,
    readonly q: number,
    readonly n: number,
    readonly n0: number,
    private grams = true
  ) {
    this.cross = [new Float64Array(p * q), new Float64Array(p * q)];
    this.sums = [0, 1].map(() => ({
      x: new Float64Array(p),
      y: new Float64Array(q),
      xx: new Float64Array(p),
      yy: new Float64Array(q),
      n: 0
    }));
    this.gx = new Float64Array(grams ? p * p : 0);
    this.gy = new Float64Array(grams ? q * q : 0);
  }

  /** Accumulate rows r0..r1-1. */
  add(r0: number, r1: number): void {
    const { X, Y, p, q, n0 } = this;
    for (const [k, a, b] of [
      [0, r0, Math.min(r1, n0)],
      [1, Math.max(r0, n0), r1]
    ] as const) {
      if (b <= a) continue;
      addCross(X, p, Y, q, a, b, this.cross[k]);
      const s = this.sums[k];
      s.n += b - a;
      addSums(X, p, a, b, s.x, s.xx);
      addSums(Y, q, a, b, s.y, s.yy);
    }
    if (this.grams) {
      addGramUpper(X, p, r0, r1, this.gx);
      addGramUpper(Y, q, r0, r1, this.gy);
    }
  }

  finish(): PairStats {
    const { p, q } = this;
    const sxy = new Float64Array(p * q);
    for (let i = 0; i < p * q; i++) sxy[i] = this.cross[0][i] + this.cross[1][i];
    const vx = new Float64Array(p);
    const vy = new Float64Array(q);
    for (const s of this.sums) {
      for (let i = 0; i < p; i++) vx[i] += s.xx[i];
      for (let j = 0; j < q; j++) vy[j] += s.yy[j];
    }
    const parts = [0, 1].map((k) => {
      const s = this.sums[k];
      const m = Math.max(1, s.n);
      // Centre within the part: Σ(x − x̄ₖ)(y − ȳₖ) = Σxy − Σx Σy / nₖ.
      const c = this.cross[k];
      const out = new Float64Array(p * q);
      for (let i = 0; i < p; i++)
        for (let j = 0; j < q; j++) out[i * q + j] = c[i * q + j] - (s.x[i] * s.y[j]) / m;
      return {
        n: s.n,
        sxy: out,
        vx: s.xx.map((v, i) => v - (s.x[i] * s.x[i]) / m),
        vy: s.yy.map((v, j) => v - (s.y[j] * s.y[j]) / m)
      };
    }) as [PartStats, PartStats];
    return {
      n: this.n,
      p,
      q,
      sxy,
      vx,
      vy,
      gramXSq: this.grams ? sumSquares(mirrorUpper(this.gx, p)) : NaN,
      gramYSq: this.grams ? sumSquares(mirrorUpper(this.gy, q)) : NaN,
      parts
    };
  }
}

/** sum[i] += Σ X[t, i], sq[i] += Σ X[t, i]² over rows a..b-1. */
function addSums(
  X: Float64Array,
  p: number,
  a: number,
  b: number,
  sum: Float64Array,
  sq: Float64Array
) {
  for (let t = a; t < b; t++)
    for (let i = 0; i < p; i++) {
      const v = X[t * p + i];
      sum[i] += v;
      sq[i] += v * v;
    }
}
