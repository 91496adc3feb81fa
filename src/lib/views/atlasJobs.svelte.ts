/**
 * Atlases computed in the background (the query worker's background lane): one starts after
 * every completed recording and whenever the explorer asks with more tracks. Progress and
 * Cancel are shown wherever the recording is (library row, explorer panel); a finished atlas is
 * stored with its recording (library recordings) or kept in memory (Zarr stores by URL).
 */
import * as Comlink from 'comlink';
import type { Atlas } from '../analysis/atlas';
import { queryWorker } from '../query/queryClient';
import type { RecordingSource } from '../query/queryWorker';
import type { AtlasRequest } from '../query/runAtlas';
import { saveAtlas } from '../store/analyses';
import { database } from '../store/db';

export interface AtlasJob {
  key: string;
  progress: number;
  error: string | null;
}

export const sourceKey = (s: RecordingSource) =>
  s.kind === 'idb' ? `idb:${s.id}` : `zarr:${s.url}`;

class AtlasJobs {
  /** the running job (one at a time: the background lane runs one job) */
  job = $state<AtlasJob | null>(null);
  /** the last error per source */
  errors = $state<Record<string, string>>({});
  /** atlases of Zarr stores (not stored), and a counter views watch to reload stored ones */
  memory = $state.raw<Record<string, Atlas>>({});
  finished = $state(0);

  running(source: RecordingSource): AtlasJob | null {
    return this.job?.key === sourceKey(source) ? this.job : null;
  }

  async start(source: RecordingSource, request: AtlasRequest = {}): Promise<void> {
    const key = sourceKey(source);
    if (this.job) this.cancel(); // the newest request wins
    const job: AtlasJob = { key, progress: 0, error: null };
    this.job = job;
    delete this.errors[key];
    try {
      const onProgress = Comlink.proxy((done: number, total: number) => {
        if (this.job?.key === key) this.job.progress = done / Math.max(1, total);
      });
      const atlas = await queryWorker('background').atlas(source, request, onProgress);
      const label = `${atlas.tracks.length} tracks`;
      if (source.kind === 'idb') await saveAtlas(database(), source.id, label, atlas);
      else this.memory = { ...this.memory, [key]: atlas };
      this.finished++;
    } catch (e) {
      const err = e as Error;
      this.errors[key] =
        err.name === 'AbortError' ? 'Explaining units was cancelled.' : err.message;
    } finally {
      if (this.job?.key === key) this.job = null;
    }
  }

  cancel(): void {
    void queryWorker('background').cancel();
  }
}

export const atlasJobs = new AtlasJobs();
