/**
 * A unit's mean response per input token (RNNVis's "expected response"): the mean of the unit's
 * value over the steps whose input token is each id, with its count and standard error. Tokens
 * that push the unit up have a mean above the unit's overall mean, those that push it down one
 * below; rare tokens (fewer than `minCount` steps) are left out, their means are noise. Pure code.
 */

export interface TokenMean {
  id: number;
  mean: number;
  count: number;
  /** standard error of the mean (sample std / √count) */
  se: number;
  /** the first step with this token (its text can be read there) */
  first: number;
}

export interface TokenResponse {
  /** the unit's mean over every counted step */
  mean: number;
  /** steps counted (finite value, known token) */
  steps: number;
  /** distinct tokens with at least minCount steps */
  tokens: number;
  minCount: number;
  /** highest means above the overall mean, highest first */
  up: TokenMean[];
  /** lowest means below it, lowest first */
  down: TokenMean[];
}

export function tokenResponse(
  values: ArrayLike<number>,
  ids: ArrayLike<number>,
  opts: { minCount?: number; top?: number } = {}
): TokenResponse {
  const minCount = opts.minCount ?? 5;
  const top = opts.top ?? 10;
  let vocab = 0;
  for (let t = 0; t < ids.length; t++) if (ids[t] >= vocab) vocab = ids[t] + 1;
  const sum = new Float64Array(vocab);
  const count = new Float64Array(vocab);
  const first = new Int32Array(vocab).fill(-1);
  let total = 0;
  let steps = 0;
  const n = Math.min(values.length, ids.length);
  for (let t = 0; t < n; t++) {
    const [v, id] = [values[t], ids[t]];
    if (id < 0 || !Number.isFinite(v)) continue;
    sum[id] += v;
    count[id]++;
    if (first[id] < 0) first[id] = t;
    total += v;
    steps++;
  }
  const mean = steps ? total / steps : NaN;
  const means = Array.from(sum, (s, id) => (count[id] ? s / count[id] : NaN));
  // Squared deviations in a second pass around each token's mean (no cancellation).
  const dev = new Float64Array(vocab);
  for (let t = 0; t < n; t++) {
    const [v, id] = [values[t], ids[t]];
    if (id >= 0 && Number.isFinite(v)) dev[id] += (v - means[id]) ** 2;
  }
  const rows: TokenMean[] = [];
  for (let id = 0; id < vocab; id++)
    if (count[id] >= minCount)
      rows.push({
        id,
        mean: means[id],
        count: count[id],
        se: Math.sqrt(dev[id] / (count[id] - 1) / count[id]),
        first: first[id]
      });
  const byCount = (a: TokenMean, b: TokenMean) => b.count - a.count || a.id - b.id;
  const up = rows
    .filter((r) => r.mean > mean)
    .sort((a, b) => b.mean - a.mean || byCount(a, b))
    .slice(0, top);
  const down = rows
    .filter((r) => r.mean < mean)
    .sort((a, b) => a.mean - b.mean || byCount(a, b))
    .slice(0, top);
  return { mean, steps, tokens: rows.length, minCount, up, down };
}
