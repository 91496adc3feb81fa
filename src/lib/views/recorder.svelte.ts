/** The one recording in progress (at most one runs at a time), as reactive state for the views. */
import { planRecording } from '../recorder/run';
import { type BackendPreference } from '../record/options';
import { type Progress } from '../record/core';
import { recorder } from '../recorder/client';
import { database, type CorpusRow, type ModelRow } from '../store/db';
import { isQuotaError, requestPersistence } from '../store/quota';
import { atlasJobs } from './atlasJobs.svelte';

class RecorderState {
  activeId = $state<number | null>(null);
  progress = $state<Progress | null>(null);
  stopping = $state(false);
  error = $state<string | null>(null);

  get busy() {
    return this.activeId !== null;
  }

  /** The execution-provider choice of the last recording started; resumes use it too. */
  preference: BackendPreference = 'auto';

  async start(
    model: ModelRow,
    corpus: CorpusRow,
    kinds?: string,
    preference: BackendPreference = 'auto'
  ): Promise<number> {
    void requestPersistence();
    this.preference = preference;
    const id = await planRecording(database(), model, corpus, { kinds });
    void this.resume(id);
    return id;
  }

  async resume(id: number): Promise<void> {
    if (this.busy) return;
    this.activeId = id;
    this.progress = null;
    this.stopping = false;
    this.error = null;
    try {
      await recorder().record(id, (p) => (this.progress = p), this.preference);
      // A complete recording gets its atlas (every unit's best explanation) in the background.
      if ((await database().recordings.get(id))?.status === 'complete')
        void atlasJobs.start({ kind: 'idb', id });
    } catch (e) {
      const rec = await database().recordings.get(id);
      const kept = rec
        ? `${rec.chunksDone} of ${rec.chunks} chunks are kept`
        : 'what was written is kept';
      this.error = isQuotaError(e)
        ? `The browser's storage for this site is full, so the recording is paused: ${kept}. ` +
          'Free space (delete recordings you no longer need) and press Resume.'
        : `Recording stopped: ${(e as Error).message} (${kept}; press Resume to try again).`;
      await database().recordings.update(id, { status: 'paused' });
    } finally {
      this.activeId = null;
      this.stopping = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.busy) return;
    this.stopping = true;
    await recorder().stop();
  }
}

export const recorderState = new RecorderState();
