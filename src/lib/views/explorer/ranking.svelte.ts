/**
 * The unit ranking's state: rank every unit of every stream against a shown track, in the query
 * worker (AUC for binary tracks, r for numeric ones, with the held-out split and the chance
 * baseline); keep the rankings with the recording and list them; when the recording has an
 * untrained twin, rank the twin against the same track so both are shown side by side.
 */
import * as Comlink from 'comlink';
import { trackTarget, type RankMetric } from '../../analysis/rankTarget';
import type { RankReport } from '../../analysis/rankReport';
import { queryWorker } from '../../query/queryClient';
import type { RecordingSource } from '../../query/queryWorker';
import { deleteAnalysis, listRankings, saveRanking } from '../../store/analyses';
import { database } from '../../store/db';
import { findTwin } from '../../store/twins';
import type { ShownTrack } from './tracks.svelte';

/** A ranking as the panel lists it: stored ones have an id; Zarr recordings keep them in memory. */
export interface ShownRanking {
  id: number;
  label: string;
  createdAt: number;
  report: RankReport;
  /** the same track ranked on the untrained twin, when there is one */
  twin?: RankReport | null;
}

export type MetricChoice = RankMetric | 'auto';

export class RankState {
  trackKey = $state('');
  /** category index, for categorical tracks */
  category = $state(0);
  metric = $state<MetricChoice>('auto');
  running = $state(false);
  /** what is running ("trained model", "untrained twin") and the fraction done */
  phase = $state('');
  progress = $state(0);
  error = $state<string | null>(null);
  kept = $state.raw<ShownRanking[]>([]);
  /** the ranking shown in the results table */
  shownId = $state<number | null>(null);
  /** the untrained twin's source, when the recording has one */
  twin = $state.raw<{ source: RecordingSource; name: string } | null>(null);
  private memoryIds = -1;

  constructor(private source: RecordingSource) {}

  get result(): ShownRanking | null {
    return this.kept.find((k) => k.id === this.shownId) ?? null;
  }

  /** Load the kept rankings and find the twin (library recordings only). */
  async load(): Promise<void> {
    if (this.source.kind !== 'idb') return;
    const db = database();
    const [rows, twin] = await Promise.all([
      listRankings(db, this.source.id),
      findTwin(db, this.source.id)
    ]);
    this.kept = rows.map((r) => ({
      id: r.id!,
      label: r.label,
      createdAt: r.createdAt,
      report: r.report,
      twin: r.report.twin ?? null
    }));
    this.twin = twin ? { source: { kind: 'idb', id: twin.id! }, name: twin.name } : null;
  }

  async run(track: ShownTrack): Promise<void> {
    this.running = true;
    this.progress = 0;
    this.error = null;
    try {
      const category = track.kind === 'categorical' ? this.category : undefined;
      const values = trackTarget(track, category);
      const label =
        category === undefined ? track.name : `${track.name} is ${track.categories?.[category]}`;
      const opts = {
        name: label,
        metric: this.metric,
        depthLike: !!track.depthLike && category === undefined
      };
      const onProgress = Comlink.proxy((done: number, total: number) => {
        this.progress = done / total;
      });
      this.phase = this.twin ? 'trained model' : '';
      const report = await queryWorker().rankAll(this.source, values, opts, onProgress);
      let twin: RankReport | null = null;
      if (this.twin) {
        this.phase = 'untrained twin';
        this.progress = 0;
        twin = await queryWorker().rankAll(this.twin.source, values, opts, onProgress);
      }
      await this.keep(label, report, twin);
    } catch (e) {
      const err = e as Error;
      this.error = err.name === 'AbortError' ? 'Ranking cancelled.' : err.message;
    } finally {
      this.running = false;
      this.phase = '';
    }
  }

  private async keep(label: string, report: RankReport, twin: RankReport | null) {
    const createdAt = Date.now();
    let id: number;
    if (this.source.kind === 'idb') {
      const row = await saveRanking(database(), this.source.id, label, { ...report, twin });
      id = row.id!;
    } else id = this.memoryIds--;
    const shown: ShownRanking = { id, label, createdAt, report, twin };
    this.kept = [shown, ...this.kept.filter((k) => k.id !== id)];
    this.shownId = id;
  }

  show(id: number): void {
    this.shownId = id;
  }

  async remove(id: number): Promise<void> {
    if (id > 0) await deleteAnalysis(database(), id);
    this.kept = this.kept.filter((k) => k.id !== id);
    if (this.shownId === id) this.shownId = null;
  }

  cancel(): void {
    void queryWorker().cancel();
  }
}
