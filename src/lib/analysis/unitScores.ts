/**
 * A unit's scores from its sums per distinct value (unitEntries.ts), exactly:
 * - ROC AUC with ties averaged (the Mann–Whitney U over the values in order: a positive scores 1
 *   per negative below it and ½ per negative tied with it), as scikit-learn's roc_auc_score;
 * - Pearson r on the decoded values (sums around the unit's mean: no cancellation);
 * - Spearman ρ: Pearson r of mid-ranks.
 * Per part (pick / held-out), for each shifted copy of the track (chance) and each depth level.
 * The sums come per distinct value of the unit in ascending order (unitEntries.ts), so every
 * figure is one tight loop over the distinct values. Undefined figures (a constant
 * unit's r, a part without positives) are NaN here and null in reports. Pure code.
 */
import type { PreparedTarget } from './rankTarget';
import type { UnitSums } from './unitEntries';

export interface UnitStats {
  /** the metric's score: max(AUC, 1 − AUC) or |r| (NaN if undefined) */
  score: number;
  /** +1 higher inside / with the track, −1 lower, 0 neither */
  sign: number;
  auc: number;
  r: number;
  spearman: number;
  /** score on the pick part, and on the held-out part in the pick part's direction */
  pick: number;
  heldout: number;
  /** the score against each shifted copy of the track */
  chance: Float64Array;
  /** AUC of "value > k" for each depth level */
  levels: Float64Array;
}

/** Scratch arrays, grown as needed and reused from unit to unit (no garbage per unit). */
class Scratch {
  private bufs = new Map<string, Float64Array>();
  get(name: string, n: number): Float64Array {
    let b = this.bufs.get(name);
    if (!b || b.length < n)
      this.bufs.set(name, (b = new Float64Array(Math.max(n, 2 * (b?.length ?? 0)))));
    return b.subarray(0, n);
  }
}

/** Mann–Whitney AUC of positives `pos` among `n` steps per distinct value. */
function auc(pos: Float64Array, n: Float64Array, count: number): number {
  let [negBelow, u, P, N] = [0, 0, 0, 0];
  for (let i = 0; i < count; i++) {
    const p = pos[i];
    const q = n[i] - p;
    u += p * (negBelow + q / 2);
    negBelow += q;
    P += p;
    N += q;
  }
  return P > 0 && N > 0 ? u / (P * N) : NaN;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function addInto(out: Float64Array, a: Float64Array, b: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
  return out;
}

/**
 * Pearson r of x (the values, or their mid-ranks) with a track whose sums per distinct value
 * are `sy`, given the steps `n`, Σy and Σy² over those steps.
 */
function pearson(
  x: Float64Array,
  n: Float64Array,
  sy: Float64Array,
  syTotal: number,
  syyTotal: number
): number {
  const N = sum(n);
  if (N < 2) return NaN;
  let sx = 0;
  for (let i = 0; i < x.length; i++) sx += n[i] * x[i];
  const [mx, my] = [sx / N, syTotal / N];
  let [sxx, sxy] = [0, 0];
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    sxx += n[i] * dx * dx;
    sxy += dx * (sy[i] - n[i] * my);
  }
  const d = Math.sqrt(sxx * (syyTotal - N * my * my));
  return d > 0 ? Math.max(-1, Math.min(1, sxy / d)) : NaN;
}

/** Mid-ranks (1-based) of the distinct values, given how many steps take each. */
function midRanksOf(n: Float64Array, out: Float64Array): Float64Array {
  let below = 0;
  for (let i = 0; i < n.length; i++) {
    out[i] = below + (n[i] + 1) / 2;
    below += n[i];
  }
  return out;
}

/** Per-target constants the scores need (sums over the track alone). */
export interface TargetSums {
  /** Σ centred rank² over all counted steps, and within each part */
  srr: number;
  partSrr: [number, number];
  /** Σ z² of each dense shifted copy */
  shiftSzz: number[];
}

export function targetSums(t: PreparedTarget): TargetSums {
  let srr = 0;
  const partSrr: [number, number] = [0, 0];
  for (let i = 0; i < t.rankCentred.length; i++) if (t.part[i] < 2) srr += t.rankCentred[i] ** 2;
  for (let i = 0; i < t.partRankCentred.length; i++)
    if (t.part[i] < 2) partSrr[t.part[i]] += t.partRankCentred[i] ** 2;
  const shiftSzz = t.shifted.map((z) =>
    z instanceof Int32Array ? z.length : z.reduce((a, v) => a + v * v, 0)
  );
  return { srr, partSrr, shiftSzz };
}

const oriented = (a: number) => Math.max(a, 1 - a);

const shared = new Scratch();

export function unitStats(d: UnitSums, t: PreparedTarget, sums: TargetSums): UnitStats {
  const L = d.layout;
  const s = shared;
  const [n0, n1] = [d.ch[L.n], d.ch[L.n + 1]];
  const n = addInto(s.get('n', d.count), n0, n1);
  const [y0, y1] = [d.ch[L.y], d.ch[L.y + 1]];
  const y = addInto(s.get('y', d.count), y0, y1);
  // Binary tracks: the y channel holds positive counts, so Σy = Σy² = positives (y is 0/1).
  const yy = t.binary ? y : addInto(s.get('yy', d.count), d.ch[L.yy], d.ch[L.yy + 1]);
  const yyPart = t.binary ? [y0, y1] : [d.ch[L.yy], d.ch[L.yy + 1]];
  const x = d.value;
  const rx = midRanksOf(n, s.get('rx', d.count));
  const r = pearson(x, n, y, sum(y), sum(yy));
  const rPart = [0, 1].map((p) => {
    const yp = p ? y1 : y0;
    return pearson(x, p ? n1 : n0, yp, sum(yp), sum(yyPart[p]));
  });
  const rho = t.binary
    ? pearson(rx, n, y, sum(y), sum(y))
    : pearson(rx, n, d.ch[L.rank], 0, sums.srr);
  const aucWhole = t.binary ? auc(y, n, d.count) : NaN;

  let score: number, sign: number, pick: number, heldout: number;
  const chance = new Float64Array(t.shifted.length);
  if (t.metric === 'auc') {
    score = oriented(aucWhole);
    sign = Math.sign(aucWhole - 0.5);
    const [a0, a1] = [auc(y0, n0, d.count), auc(y1, n1, d.count)];
    pick = oriented(a0);
    heldout = a0 >= 0.5 ? a1 : 1 - a1;
    t.shifted.forEach((_, k) => (chance[k] = oriented(auc(d.ch[L.shift + k], n, d.count))));
  } else {
    const whole = t.metric === 'pearson' ? r : rho;
    const [m0, m1] =
      t.metric === 'pearson'
        ? rPart
        : [0, 1].map((p) => {
            const np = p ? n1 : n0;
            const rxp = midRanksOf(np, s.get(`rx${p}`, d.count));
            if (t.binary) {
              const yp = p ? y1 : y0;
              return pearson(rxp, np, yp, sum(yp), sum(yp)); // ranks of 0/1 are affine in it
            }
            return pearson(rxp, np, d.ch[L.partRank + p], 0, sums.partSrr[p]);
          });
    score = Math.abs(whole);
    sign = Math.sign(whole) || 0;
    pick = Math.abs(m0);
    heldout = m0 >= 0 ? m1 : -m1;
    // A dense shifted copy holds the track's centred values (or ranks), in another order.
    const shiftedX = t.metric === 'pearson' ? x : rx;
    t.shifted.forEach((_, k) => {
      chance[k] = Math.abs(pearson(shiftedX, n, d.ch[L.shift + k], 0, sums.shiftSzz[k]));
    });
  }
  const levels = Float64Array.from(t.levels, (_, j) => auc(d.ch[L.level + j], n, d.count));
  return { score, sign, auc: aucWhole, r, spearman: rho, pick, heldout, chance, levels };
}
