/**
 * The order of the heatmap's rows, and the clusters it can follow: a stream's units clustered by
 * their correlation over the recording (in the query worker), and the rows in that cluster
 * order, by a ranking's scores, with the select view's units first — or in number order. The
 * explorer passes `rowsFor(...)` to the heatmap, its unit axis and the correlation matrix, which
 * draw unit order[row] in each row (so every row still shows, and names, its own unit).
 */
import * as Comlink from 'comlink';
import type { RankReport } from '../../analysis/rankReport';
import type { RowOrderSpec } from '../../findings/viewState';
import { orderByScore, orderFirst } from '../../analysis/rowOrder';
import type { ClusterMethod } from '../../analysis/unitClusters';
import { queryWorker } from '../../query/queryClient';
import type { RecordingSource } from '../../query/queryWorker';
import type { ClusterProgress, ClusterResult } from '../../query/runClusters';

export type RowOrderKind = 'original' | 'cluster' | 'rank' | 'selection';
export const ROW_ORDERS: readonly RowOrderKind[] = ['original', 'cluster', 'rank', 'selection'];
export const ROW_ORDER_LABELS: Record<RowOrderKind, string> = {
  original: 'Unit number',
  cluster: 'Cluster',
  rank: 'Ranking score',
  selection: 'Selected units first'
};
export const METHOD_LABELS: Record<ClusterMethod, string> = {
  average: 'Hierarchical, average linkage',
  complete: 'Hierarchical, complete linkage',
  kmeans: 'k-means on correlation rows'
};

/** What the row order needs from the rest of the explorer. */
export interface OrderInputs {
  stream: string;
  units: number;
  ranking: RankReport | null;
  selected: readonly number[];
}

export class UnitOrderState {
  method = $state<ClusterMethod>('average');
  k = $state(8);
  kind = $state<RowOrderKind>('original');
  running = $state(false);
  progress = $state<ClusterProgress | null>(null);
  error = $state<string | null>(null);
  result = $state.raw<ClusterResult | null>(null);
  private source: RecordingSource | null = null;

  attach(source: RecordingSource): void {
    this.source = source;
    this.result = null;
    this.error = null;
  }

  /** Cluster a stream's units (the correlation matrix is reused when only method or k change). */
  async cluster(stream: string): Promise<void> {
    if (!this.source || this.running) return;
    if (!Number.isInteger(this.k) || this.k < 1 || this.k > 64) {
      this.error = 'The number of clusters must be a whole number from 1 to 64.';
      return;
    }
    this.running = true;
    this.error = null;
    this.progress = { phase: 'reading', fraction: 0 };
    try {
      const onProgress = Comlink.proxy((p: ClusterProgress) => (this.progress = p));
      const req = { stream, method: this.method, k: this.k };
      this.result = await queryWorker().clusters(this.source, req, onProgress);
      this.kind = 'cluster';
    } catch (e) {
      const err = e as Error;
      this.error = err.name === 'AbortError' ? 'Clustering cancelled.' : err.message;
    } finally {
      this.running = false;
      this.progress = null;
    }
  }

  cancel(): void {
    void queryWorker().cancel();
  }

  /** The order as a link carries it (the clusters shown: their method and k). */
  get spec(): RowOrderSpec | null {
    if (this.kind === 'original') return null;
    if (this.kind !== 'cluster') return { kind: this.kind };
    return {
      kind: 'cluster',
      method: this.result?.method ?? this.method,
      k: this.result?.k ?? this.k
    };
  }

  /**
   * Take the order a link names. A cluster order needs its clusters: true when they should be
   * made (call cluster() once the recording is open).
   */
  restore(o: RowOrderSpec | null): boolean {
    this.kind = o?.kind ?? 'original';
    if (o?.kind !== 'cluster') return false;
    this.method = o.method;
    this.k = o.k;
    return this.result?.method !== o.method || this.result.k !== o.k;
  }

  /** The clusters of a stream, when it is the one clustered. */
  clustersOf(stream: string): ClusterResult | null {
    return this.result?.stream === stream ? this.result : null;
  }

  /** Why the chosen order cannot apply to a stream now (rows then keep number order), else null. */
  blocked(o: OrderInputs): string | null {
    if (this.kind === 'cluster' && !this.clustersOf(o.stream))
      return `Cluster the units of ${o.stream} to order rows by cluster.`;
    if (this.kind === 'rank' && !o.ranking?.units.some((u) => u.stream === o.stream))
      return `Rank units first (Rank panel): the shown ranking has no units of ${o.stream}.`;
    if (this.kind === 'selection' && o.selected.length === 0)
      return 'Select units first: they then take the top rows.';
    return null;
  }

  /** order[row] = unit for the heatmap of a stream; null: number order. */
  rowsFor(o: OrderInputs): Int32Array | null {
    if (this.kind === 'original' || this.blocked(o)) return null;
    if (this.kind === 'cluster') {
      const order = this.clustersOf(o.stream)!.order;
      return order.length === o.units ? order : null;
    }
    if (this.kind === 'rank')
      return orderByScore(
        o.units,
        o.ranking!.units.filter((u) => u.stream === o.stream)
      );
    return orderFirst(o.units, o.selected);
  }
}
