/**
 * An intervention's result as a JSON finding: what was clamped, where the run started, and per
 * step of the window the token, the loss of the actual next token before and after, the KL
 * divergence and both top-k lists. Pure code; tokens are given as strings by the caller.
 */
import type { InterventionRun } from '../../query/runIntervention';

export function interventionJson(
  run: InterventionRun,
  token: (t: number) => string,
  vocab: string[] | null
) {
  const e = run.effect;
  const name = (id: number) => (id < 0 ? null : (vocab?.[id] ?? `#${id}`));
  const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);
  const top = (ids: Int32Array, probs: Float32Array, k: number, i: number) =>
    Array.from({ length: k }, (_, j) => ({
      token: name(ids[i * k + j]),
      p: num(probs[i * k + j])
    }));
  return {
    format: 'cellscope-intervention/1',
    window: run.window,
    ran_from: run.ranFrom,
    mid_document: run.midDocument,
    interventions: run.interventions,
    traces: run.traces.map((t) => ({
      stream: t.stream,
      unit: t.unit,
      value: t.value,
      outside_range: t.outside,
      range: t.range,
      original: Array.from(t.original, num),
      intervened: Array.from(t.intervened, num)
    })),
    steps: e
      ? Array.from({ length: e.steps }, (_, i) => ({
          t: run.window[0] + i,
          token: token(run.window[0] + i),
          loss_before: num(e.original.loss[i]),
          loss_after: num(e.intervened.loss[i]),
          d_loss: num(e.dLoss[i]),
          kl: num(e.kl[i]),
          top_before: top(e.original.topIds, e.original.topProbs, e.original.k, i),
          top_after: top(e.intervened.topIds, e.intervened.topProbs, e.intervened.k, i)
        }))
      : null
  };
}
