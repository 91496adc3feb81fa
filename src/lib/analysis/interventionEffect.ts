/**
 * What an intervention changed in a language model's predictions, step by step: the loss of the
 * actual next token before and after, the KL divergence of the next-token distribution
 * (original ‖ intervened), and the top-k of both. Pure code over [steps, vocab] logits.
 */
import { predictionsFromLogits, type Predictions } from './predictions';

export interface InterventionEffect {
  steps: number;
  original: Predictions;
  intervened: Predictions;
  /** loss after − loss before (NaN where there is no next token) */
  dLoss: Float32Array;
  /** KL(original ‖ intervened) in nats, per step */
  kl: Float32Array;
}

function logSoftmaxRow(logits: Float32Array, o: number, vocab: number, out: Float64Array) {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) if (logits[o + v] > max) max = logits[o + v];
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[o + v] - max);
  const logZ = max + Math.log(sum);
  for (let v = 0; v < vocab; v++) out[v] = logits[o + v] - logZ;
}

export function interventionEffect(
  before: Float32Array,
  after: Float32Array,
  steps: number,
  vocab: number,
  next: Int32Array
): InterventionEffect {
  const original = predictionsFromLogits(before, steps, vocab, next);
  const intervened = predictionsFromLogits(after, steps, vocab, next);
  const dLoss = new Float32Array(steps);
  const kl = new Float32Array(steps);
  const p = new Float64Array(vocab);
  const q = new Float64Array(vocab);
  for (let t = 0; t < steps; t++) {
    dLoss[t] = intervened.loss[t] - original.loss[t];
    logSoftmaxRow(before, t * vocab, vocab, p);
    logSoftmaxRow(after, t * vocab, vocab, q);
    let s = 0;
    for (let v = 0; v < vocab; v++) s += Math.exp(p[v]) * (p[v] - q[v]);
    kl[t] = Math.max(0, s);
  }
  return { steps, original, intervened, dLoss, kl };
}

export interface AffectedStep {
  /** index into the effect's steps */
  step: number;
  dLoss: number;
  kl: number;
}

/**
 * The steps most changed, largest first: by |Δloss| of the actual next token, or by KL (steps
 * without a next token have no Δloss and come last when sorting by it).
 */
export function mostAffected(
  e: InterventionEffect,
  by: 'loss' | 'kl' = 'loss',
  n = 50
): AffectedStep[] {
  const rows: AffectedStep[] = [];
  for (let t = 0; t < e.steps; t++) rows.push({ step: t, dLoss: e.dLoss[t], kl: e.kl[t] });
  const key = (r: AffectedStep) =>
    by === 'kl' ? r.kl : Number.isNaN(r.dLoss) ? -Infinity : Math.abs(r.dLoss);
  return rows.sort((a, b) => key(b) - key(a) || a.step - b.step).slice(0, n);
}

/** Mean of a finite series (NaN entries skipped); null when none is finite. */
export function finiteMean(values: Float32Array): number | null {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    s += v;
    n++;
  }
  return n ? s / n : null;
}
