/**
 * Main-thread handles on the query workers: one for what the user waits on (match, ranking),
 * one for background jobs (the atlas after a recording), so neither cancels the other.
 */
import * as Comlink from 'comlink';
import type { QueryApi } from './queryWorker';

export type QueryLane = 'interactive' | 'background';
const remotes = new Map<QueryLane, Comlink.Remote<QueryApi>>();

export function queryWorker(lane: QueryLane = 'interactive'): Comlink.Remote<QueryApi> {
  let remote = remotes.get(lane);
  if (!remote) {
    remote = Comlink.wrap<QueryApi>(
      new Worker(new URL('./queryWorker.ts', import.meta.url), { type: 'module' })
    );
    remotes.set(lane, remote);
  }
  return remote;
}
