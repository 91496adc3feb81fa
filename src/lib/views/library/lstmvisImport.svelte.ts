/**
 * The "Import LSTMVis project" flow: pick (a folder, files or a zip) → the project is opened and
 * checked in the LSTMVis worker → the user reviews it and may rename streams → it is stored in
 * one transaction, with progress. Every refusal is the worker's one-line message.
 */
import { streamIdProblem } from '../../lstmvis/streams';
import { lstmvisWorker, type ImportSummary } from '../../store/lstmvisClient';

export type ImportPhase = 'idle' | 'opening' | 'review' | 'storing';

export class LstmvisImportState {
  phase = $state<ImportPhase>('idle');
  summary = $state.raw<ImportSummary | null>(null);
  /** the stream names being edited, one per state dataset */
  names = $state<string[]>([]);
  /** chunks stored so far, as a fraction */
  progress = $state(0);
  error = $state<string | null>(null);

  /** Why the names cannot be used, or null. */
  get nameProblem(): string | null {
    return this.summary ? streamIdProblem(this.names.map((n) => n.trim())) : null;
  }

  /** Open what was picked: a folder's files (with their relative paths), files, or a zip. */
  async pick(files: File[]): Promise<void> {
    if (!files.length || this.phase === 'opening' || this.phase === 'storing') return;
    this.error = null;
    this.summary = null;
    this.phase = 'opening';
    try {
      const summary = await lstmvisWorker().open(
        files.map((file) => ({ path: file.webkitRelativePath || file.name, file }))
      );
      this.summary = summary;
      this.names = summary.streams.map((s) => s.id);
      this.phase = 'review';
    } catch (e) {
      this.error = (e as Error).message;
      this.phase = 'idle';
    }
  }

  /** Store the reviewed project; returns the new recording's id (null when it failed). */
  async commit(): Promise<number | null> {
    if (this.phase !== 'review' || this.nameProblem) return null;
    this.phase = 'storing';
    this.progress = 0;
    try {
      const id = await lstmvisWorker().commit(
        this.names.map((n) => n.trim()),
        (p) => (this.progress = p.chunksDone / p.chunks)
      );
      this.reset();
      return id;
    } catch (e) {
      this.error = (e as Error).message;
      this.phase = 'idle';
      this.summary = null;
      return null;
    }
  }

  cancel(): void {
    void lstmvisWorker().close();
    this.reset();
  }

  private reset(): void {
    this.phase = 'idle';
    this.summary = null;
    this.names = [];
    this.progress = 0;
  }
}
