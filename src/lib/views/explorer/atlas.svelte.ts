/**
 * The explorer's atlas: the recording's stored atlas (made in the background after recording),
 * re-made on demand with the tracks the user shows, and whether its view is open. Filters for
 * its table live here so they survive closing and reopening it.
 */
import type { Atlas } from '../../analysis/atlas';
import type { RecordingSource } from '../../query/queryWorker';
import { loadAtlas } from '../../store/analyses';
import { database } from '../../store/db';
import { atlasJobs, sourceKey } from '../atlasJobs.svelte';
import { rankableTracks } from './rankableTracks';
import type { ShownTrack } from './tracks.svelte';

export class AtlasState {
  atlas = $state.raw<Atlas | null>(null);
  createdAt = $state<number | null>(null);
  /** table filters */
  minScore = $state(0);
  stream = $state('');
  track = $state('');
  private seen = -1;

  constructor(readonly source: RecordingSource) {}

  get job() {
    return atlasJobs.running(this.source);
  }
  get error(): string | null {
    return atlasJobs.errors[sourceKey(this.source)] ?? null;
  }

  /** Load the stored atlas when a background job has finished since the last load. */
  async refresh(): Promise<void> {
    if (this.seen === atlasJobs.finished) return;
    this.seen = atlasJobs.finished;
    if (this.source.kind === 'idb') {
      const row = await loadAtlas(database(), this.source.id);
      this.atlas = row?.report ?? null;
      this.createdAt = row?.createdAt ?? null;
    } else this.atlas = atlasJobs.memory[sourceKey(this.source)] ?? null;
  }

  /**
   * Load the stored atlas; a complete recording without one (its background job was lost to a
   * reload, or it was recorded before atlases) gets one started.
   */
  async ensure(complete: boolean): Promise<void> {
    await this.refresh();
    if (!this.atlas && complete && !atlasJobs.job) void atlasJobs.start(this.source);
  }

  /** Explain every unit with the built-ins of the corpus's family and the shown tracks. */
  run(shown: readonly ShownTrack[]): void {
    // Lexer tracks shown are among the candidates already (when of the corpus's family).
    const extra = shown.filter((t) => !t.key.startsWith('builtin:'));
    const tracks = rankableTracks(extra);
    const unique = tracks.filter((t, i) => tracks.findIndex((o) => o.name === t.name) === i);
    void atlasJobs.start(this.source, { builtins: 'suggested', tracks: unique });
  }

  cancel(): void {
    atlasJobs.cancel();
  }
}
