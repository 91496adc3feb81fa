/**
 * What a language-model head predicted at each step: the top-k next tokens with their
 * probabilities (softmax of the logits) and the loss −ln p(actual next token). Pure code.
 */
export interface Predictions {
  /** −ln p(next token) per step; NaN where there is no next token (end of a document) */
  loss: Float32Array;
  /** [steps, k] token ids, most probable first */
  topIds: Int32Array;
  /** [steps, k] their probabilities */
  topProbs: Float32Array;
  k: number;
}

/** Next tokens kept per step (fewer when the vocabulary is smaller). */
export const TOP_K = 5;

/** Classes a classifier head keeps per step: every class of all but the largest label sets. */
export const CLASS_TOP_K = 12;

/**
 * `logits` is [steps, vocab] row-major (leading unit axes dropped); `next[t]` is the id that
 * follows step t, or −1 when none does.
 */
export function predictionsFromLogits(
  logits: Float32Array,
  steps: number,
  vocab: number,
  next: Int32Array,
  k = TOP_K
): Predictions {
  if (logits.length !== steps * vocab)
    throw new RangeError(`logits hold ${logits.length} values, not ${steps} × ${vocab}`);
  const kk = Math.min(k, vocab);
  const loss = new Float32Array(steps);
  const topIds = new Int32Array(steps * kk);
  const topProbs = new Float32Array(steps * kk);
  for (let t = 0; t < steps; t++) {
    const o = t * vocab;
    let max = -Infinity;
    for (let v = 0; v < vocab; v++) if (logits[o + v] > max) max = logits[o + v];
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[o + v] - max);
    const logZ = max + Math.log(sum);
    loss[t] = next[t] >= 0 && next[t] < vocab ? logZ - logits[o + next[t]] : NaN;
    // Top-k by insertion into a small sorted list (k is tiny).
    const ids = topIds.subarray(t * kk, (t + 1) * kk).fill(-1);
    const vals = new Float64Array(kk).fill(-Infinity);
    for (let v = 0; v < vocab; v++) {
      const x = logits[o + v];
      if (x <= vals[kk - 1]) continue;
      let i = kk - 1;
      while (i > 0 && vals[i - 1] < x) {
        vals[i] = vals[i - 1];
        ids[i] = ids[i - 1];
        i--;
      }
      vals[i] = x;
      ids[i] = v;
    }
    for (let i = 0; i < kk; i++) topProbs[t * kk + i] = Math.exp(vals[i] - logZ);
  }
  return { loss, topIds, topProbs, k: kk };
}
