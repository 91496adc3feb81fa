/** Main-thread handle on the query worker (match, unit ranking). */
import * as Comlink from 'comlink';
import type { QueryApi } from './queryWorker';

let remote: Comlink.Remote<QueryApi> | null = null;

export function queryWorker(): Comlink.Remote<QueryApi> {
  remote ??= Comlink.wrap<QueryApi>(
    new Worker(new URL('./queryWorker.ts', import.meta.url), { type: 'module' })
  );
  return remote;
}
