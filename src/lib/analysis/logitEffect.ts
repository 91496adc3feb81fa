/**
 * A unit's direct effect on the next-token logits, for a model whose head is a linear layer on the
 * unit's stream (logits = h·W + b): raising the unit by 1 adds its row of W to the logits, so the
 * tokens with the largest weights are the ones it promotes, the most negative the ones it
 * suppresses (the "logit lens" view of a neuron, as in OpenAI's neuron viewer). Pure code.
 */

/** A linear head: weights [hidden, vocab] row-major, row u = unit u's weight on every logit. */
export interface LinearHead {
  hidden: number;
  vocab: number;
  weights: Float32Array;
}

export interface TokenWeight {
  id: number;
  weight: number;
}

export interface LogitEffect {
  unit: number;
  promoted: TokenWeight[];
  suppressed: TokenWeight[];
  /** mean and population std of the unit's weights over the vocabulary */
  mean: number;
  std: number;
}

export function logitEffect(head: LinearHead, unit: number, top = 10): LogitEffect {
  if (!Number.isInteger(unit) || unit < 0 || unit >= head.hidden)
    throw new RangeError(`Unit ${unit} is not one of the head's ${head.hidden} inputs.`);
  const row = head.weights.subarray(unit * head.vocab, (unit + 1) * head.vocab);
  const ids = Array.from(row, (_, id) => id);
  let sum = 0;
  for (const w of row) sum += w;
  const mean = sum / head.vocab;
  let ss = 0;
  for (const w of row) ss += (w - mean) ** 2;
  const desc = [...ids].sort((a, b) => row[b] - row[a] || a - b);
  const asc = [...ids].sort((a, b) => row[a] - row[b] || a - b);
  const pick = (order: number[], keep: (w: number) => boolean) =>
    order
      .filter((id) => keep(row[id]))
      .slice(0, top)
      .map((id) => ({ id, weight: row[id] }));
  return {
    unit,
    promoted: pick(desc, (w) => w > 0),
    suppressed: pick(asc, (w) => w < 0),
    mean,
    std: Math.sqrt(ss / head.vocab)
  };
}
