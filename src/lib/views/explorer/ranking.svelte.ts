/** The unit ranking's state: rank a stream's units by a shown track, in the query worker. */
import * as Comlink from 'comlink';
import { rankByCorrelation, trackTarget, type RankedUnit } from '../../analysis/unitRanking';
import { queryWorker } from '../../query/queryClient';
import type { RecordingSource } from '../../query/queryWorker';
import type { ExplorerState } from './explorer.svelte';
import type { ShownTrack } from './tracks.svelte';

export interface RankOutcome {
  stream: string;
  /** what the units were correlated with, e.g. 'character class is digit' */
  label: string;
  ranked: RankedUnit[];
  /** Pearson r per unit (NaN where undefined) */
  r: Float64Array;
  steps: number;
}

export class RankState {
  trackKey = $state('');
  /** category index, for categorical tracks */
  category = $state(0);
  running = $state(false);
  /** fraction done while running */
  progress = $state(0);
  result = $state.raw<RankOutcome | null>(null);
  error = $state<string | null>(null);

  constructor(private source: RecordingSource) {}

  async run(ex: ExplorerState, track: ShownTrack): Promise<void> {
    this.running = true;
    this.progress = 0;
    this.error = null;
    try {
      const category = track.kind === 'categorical' ? this.category : undefined;
      const target = trackTarget(track, category);
      const stream = ex.stream;
      const res = await queryWorker().rank(
        this.source,
        stream,
        target,
        Comlink.proxy((done: number, total: number) => (this.progress = done / total))
      );
      const label =
        category === undefined ? track.name : `${track.name} is ${track.categories?.[category]}`;
      this.result = { stream, label, ranked: rankByCorrelation(res.r), r: res.r, steps: res.steps };
    } catch (e) {
      const err = e as Error;
      this.error = err.name === 'AbortError' ? 'Ranking cancelled.' : err.message;
    } finally {
      this.running = false;
    }
  }

  cancel(): void {
    void queryWorker().cancel();
  }
}
