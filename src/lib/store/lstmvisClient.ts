/** Main-thread handle on the LSTMVis worker (started on first use). */
import * as Comlink from 'comlink';
import type { ExportProgress } from '../lstmvis/write';
import type { ImportProgress } from './lstmvisImport';
import type { ImportSummary, LstmvisApi } from './lstmvisWorker';

export type { ImportSummary };

export interface LstmvisClient {
  /** `path`: the file's path under a picked folder (webkitRelativePath), else its name */
  open(files: { path: string; file: File }[]): Promise<ImportSummary>;
  commit(ids: string[], onProgress: (p: ImportProgress) => void): Promise<number>;
  close(): Promise<void>;
  exportRecording(
    id: number,
    onProgress: (p: ExportProgress) => void
  ): Promise<{ blob: Blob; fileName: string }>;
}

let client: LstmvisClient | null = null;

export function lstmvisWorker(): LstmvisClient {
  if (client) return client;
  const worker = new Worker(new URL('./lstmvisWorker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<LstmvisApi>(worker);
  client = {
    open: (files) => remote.open(files),
    commit: (ids, onProgress) => remote.commit(ids, Comlink.proxy(onProgress)),
    close: () => remote.close(),
    exportRecording: (id, onProgress) => remote.exportRecording(id, Comlink.proxy(onProgress))
  };
  return client;
}
