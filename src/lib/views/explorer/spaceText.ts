/** Words for the Space tab: progress lines and each layer's long-memory count. */
import type { ProjectionProgress } from '../../query/runProjection';
import type { SaturationProgress, SaturationResult } from '../../query/runSaturation';
import { fmtInt } from '../format';

/** The gate whose right saturation means "keeps its memory": LSTM forget, GRU update. */
export const MEMORY_GATE = { LSTM: 'f', GRU: 'z' } as const;

/** Per layer: units whose memory gate is open (> 0.9) more than half of the steps. */
export function forgetOpenCounts(sat: SaturationResult) {
  return sat.layers.map((l) => {
    const gate = l.gates.find((g) => g.stream.endsWith(`.${MEMORY_GATE[l.op]}`));
    return {
      layer: l.layer,
      op: l.op,
      gate: MEMORY_GATE[l.op],
      units: l.gates[0]?.left.length ?? 0,
      open: gate ? gate.right.filter((r) => r > 0.5).length : null
    };
  });
}

export function progressText(p: SaturationProgress | ProjectionProgress | null): string {
  if (!p) return 'Starting…';
  const pct = `${Math.floor((100 * p.done) / Math.max(1, p.total))}%`;
  if ('of' in p)
    return p.of === 'tokens'
      ? `Recomputing the gates (the recording kept none): ${fmtInt(p.done)} / ${fmtInt(p.total)} tokens`
      : `Reading the stored gates… ${pct}`;
  if (p.phase === 'reading') return `Reading the steps… ${pct}`;
  if (p.phase === 'pca') return `Fitting PCA… ${pct}`;
  if (p.total === 0) return 'UMAP: finding each step’s nearest neighbours…';
  return `UMAP: epoch ${fmtInt(p.done)} of ${fmtInt(p.total)}`;
}
