/** The one recording in progress (at most one runs at a time), as reactive state for the views. */
import { planRecording, type Progress } from '../record';
import { recorder } from '../record/client';
import { database, type CorpusRow, type ModelRow } from '../store';

class RecorderState {
  activeId = $state<number | null>(null);
  progress = $state<Progress | null>(null);
  stopping = $state(false);
  error = $state<string | null>(null);

  get busy() {
    return this.activeId !== null;
  }

  async start(model: ModelRow, corpus: CorpusRow, kinds?: string): Promise<number> {
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
      await recorder().record(id, (p) => (this.progress = p));
    } catch (e) {
      this.error = `Recording stopped: ${(e as Error).message}`;
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
