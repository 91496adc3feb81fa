/**
 * An intervention's result as a JSON finding: what was clamped, where the run started, and per
 * step of the window the token, the loss of the actual next token before and after, the KL
 * divergence and both top-k lists (a forecaster: its forecast before and after). Pure code; tokens are given as strings by the caller.
 */
import type { InterventionRun } from '../../query/interventionRun';

export function interventionJson(
  run: InterventionRun,
  token: (t: number) => string,
  vocab: string[] | null
) {
  const e = run.effect;
  const f = run.forecast;
  const k = f?.columns.length ?? 0;
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
      : null,
    forecast: f
      ? {
          columns: f.columns,
          mse_before: num(f.mse[0]),
          mse_after: num(f.mse[1]),
          // per step: the forecast of the next row before and after, what came, Δ squared error
          steps: Array.from({ length: f.steps }, (_, i) => ({
            t: run.window[0] + i,
            before: Array.from(f.original.subarray(i * k, (i + 1) * k), num),
            after: Array.from(f.intervened.subarray(i * k, (i + 1) * k), num),
            actual_next: Array.from(f.actual.subarray(i * k, (i + 1) * k), num),
            d_squared_error: num(f.dErr[i])
          }))
        }
      : null
  };
}
