/** Main-thread handle on the recording worker. */
import * as Comlink from 'comlink';
import type { BackendPreference } from '../record/options';
import type { Progress } from '../record/core';
import type { ProbedTensor } from './probe';
import type { RecorderApi } from './worker';

export interface RecorderClient {
  record(
    id: number,
    onProgress: (p: Progress) => void,
    preference?: BackendPreference
  ): Promise<{ completed: boolean; chunksDone: number }>;
  stop(): Promise<void>;
  probe(bytes: Uint8Array): Promise<ProbedTensor[]>;
  /** null when onnxruntime-web can run the model, else its error message. */
  validate(bytes: Uint8Array): Promise<string | null>;
  environment(): Promise<{
    crossOriginIsolated: boolean;
    threads: number | undefined;
    cores: number;
  }>;
}

let client: RecorderClient | null = null;

export function recorder(): RecorderClient {
  if (client) return client;
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<RecorderApi>(worker);
  client = {
    record: (id, onProgress, preference) =>
      remote.record(id, Comlink.proxy(onProgress), preference),
    stop: () => remote.stop(),
    probe: (bytes) => remote.probe(bytes),
    validate: (bytes) => remote.validate(bytes),
    environment: () => remote.environment() as ReturnType<RecorderClient['environment']>
  };
  return client;
}
