/**
 * The library page's state and handlers: what the user adds, records, deletes, imports and
 * opens, with one notice line for what happened. The route only lays the sections out.
 */
import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { liveQuery } from 'dexie';
import { ensureDemo } from '../../demo';
import { isoDay } from '../../export/fileName';
import { bundle, importFindings, openFinding, readFindingFile } from '../../findings/library';
import { findingFileName } from '../../findings/make';
import type { Finding } from '../../findings/schema';
import type { BackendPreference } from '../../record/options';
import { recorder } from '../../recorder/client';
import { database, type CorpusRow, type FindingRow, type ModelRow } from '../../store/db';
import type { DocumentMode } from '../../store/library';
import { storedBytes } from '../../store/facts';
import { deleteRecording } from '../../store/recordings';
import { lstmvisWorker } from '../../store/lstmvisClient';
import { requestPersistence } from '../../store/quota';
import { planTwin } from '../../store/twins';
import { checkSeed } from '../../onnx/reinit';
import { download } from '../download';
import { fmtBytes } from '../format';
import { recorderState } from '../recorder.svelte';
import { addCorpusFiles, addModelFile, addVocabularyFile, type Notice } from './actions';

export class LibraryPage {
  readonly db = database();
  readonly models = liveQuery(() => this.db.models.orderBy('addedAt').toArray());
  readonly corpora = liveQuery(() => this.db.corpora.orderBy('addedAt').toArray());
  readonly recordings = liveQuery(() =>
    this.db.recordings.orderBy('createdAt').reverse().toArray()
  );
  readonly findings = liveQuery(() => this.db.findings.orderBy('createdAt').reverse().toArray());
  /** What the last action did (or why it failed). */
  message = $state<Notice | null>(null);
  /** Why the last finding opened could not be shown here (each a precise reason). */
  findingProblems = $state<string[]>([]);
  loading = $state(true);
  runtime = $state('');
  /** First-start seeding of the demo: finding lookups wait for it (else the demo "is not here"). */
  private seeded: Promise<void> = Promise.resolve();

  /** Seed the demo, mark recordings left by a closed tab as paused, describe the runtime. */
  async start(): Promise<void> {
    this.seeded = ensureDemo(this.db).catch((e) => this.fail(e));
    await this.seeded;
    await this.db.recordings
      .where('status')
      .equals('recording')
      .filter((r) => r.id !== recorderState.activeId)
      .modify({ status: 'paused' });
    this.loading = false;
    const env = await recorder().environment();
    this.runtime = `onnxruntime-web WASM · SIMD · ${env.threads} thread${env.threads === 1 ? '' : 's'} · ${
      env.crossOriginIsolated
        ? 'cross-origin isolated'
        : 'not cross-origin isolated (single thread)'
    }`;
  }

  private fail(e: unknown) {
    this.message = { kind: 'error', text: (e as Error).message };
  }

  async addModel(file: File): Promise<void> {
    this.message = null;
    this.message = await addModelFile(this.db, file);
  }
  async addCorpus(files: File[], mode: DocumentMode): Promise<void> {
    this.message = null;
    this.message = await addCorpusFiles(this.db, files, mode);
  }
  async addVocabulary(model: ModelRow, file: File): Promise<void> {
    this.message = await addVocabularyFile(this.db, model, file);
  }

  async record(model: ModelRow, corpus: CorpusRow, kinds?: string, pref?: BackendPreference) {
    this.message = null;
    try {
      await recorderState.start(model, corpus, kinds, pref);
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Record the untrained twin of a complete recording: its model with every float weight re-drawn
   * (seed `seed`), over the same corpus with the same streams, with progress like any recording.
   */
  async recordTwin(id: number, seed: number): Promise<void> {
    this.message = null;
    if (recorderState.busy) return;
    try {
      checkSeed(seed);
      const twinId = await planTwin(this.db, id, seed);
      const twin = await this.db.recordings.get(twinId);
      void requestPersistence();
      this.message = {
        kind: 'info',
        text: `Started "${twin?.name}": the same corpus and streams, with the weights re-drawn.`
      };
      void recorderState.resume(twinId);
    } catch (e) {
      this.fail(e);
    }
  }

  async deleteRecording(id: number): Promise<void> {
    const rec = await this.db.recordings.get(id);
    await deleteRecording(this.db, id);
    if (rec) {
      const bytes = storedBytes(rec);
      this.message = {
        kind: 'info',
        text: `Deleted "${rec.name}": about ${fmtBytes(bytes)} freed.`
      };
    }
  }

  /** An LSTMVis project was stored as a recording: say so, with what the import warned about. */
  lstmvisImported(_id: number, name: string, warnings: string[]): void {
    this.message = {
      kind: 'info',
      text: `Imported the LSTMVis project "${name}": open it from the list below.`,
      ...(warnings.length
        ? { details: { label: `${warnings.length} warnings`, text: warnings.join('\n') } }
        : {})
    };
  }

  /** Download a recording as a zipped LSTMVis project (written in the LSTMVis worker). */
  async exportLstmvis(id: number): Promise<void> {
    const rec = await this.db.recordings.get(id);
    this.message = { kind: 'info', text: `Writing "${rec?.name}" as an LSTMVis project…` };
    try {
      const { blob, fileName } = await lstmvisWorker().exportRecording(id, (p) => {
        this.message = {
          kind: 'info',
          text: `Writing "${rec?.name}" as an LSTMVis project… ${Math.floor((100 * p.done) / p.total)}%`
        };
      });
      download(blob, fileName);
      this.message = {
        kind: 'info',
        text: `Saved ${fileName}: unzip it into LSTMVis's data folder (lstm.yml, states.hdf5, train.hdf5, train.dict).`
      };
    } catch (e) {
      this.fail(e);
    }
  }

  /** Open a finding's view in the explorer, or list why it cannot be shown here. */
  async openFinding(f: Finding): Promise<void> {
    this.findingProblems = [];
    await this.seeded;
    const where = await openFinding(this.db, f);
    if ('problems' in where) this.findingProblems = where.problems;
    else await goto(`${resolve('/explore')}?${where.query}`);
  }

  async importFindingFile(file: File): Promise<void> {
    this.message = null;
    this.findingProblems = [];
    try {
      const list = readFindingFile(await file.text(), file.name);
      await importFindings(this.db, list);
      if (list.length === 1) await this.openFinding(list[0]);
      else
        this.message = {
          kind: 'info',
          text: `Imported ${list.length} findings from ${file.name}.`
        };
    } catch (e) {
      this.fail(e);
    }
  }

  exportAll(rows: FindingRow[]): void {
    download(
      new Blob([bundle(rows)], { type: 'application/json' }),
      `cellscope-findings_${isoDay(Date.now())}.json`
    );
  }
  exportFinding(row: FindingRow): void {
    download(
      new Blob([JSON.stringify(row.finding, null, 2)], { type: 'application/json' }),
      findingFileName(row.finding as Finding)
    );
  }
  renameFinding(row: FindingRow, title: string): void {
    void this.db.findings.update(row.id!, {
      title,
      finding: { ...(row.finding as Finding), title },
      updatedAt: Date.now()
    });
  }
  deleteFinding(row: FindingRow): void {
    void this.db.findings.delete(row.id!);
  }
}
