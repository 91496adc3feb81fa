/** Main-thread handle on the match worker. */
import * as Comlink from 'comlink';
import type { MatchApi } from './matchWorker';

let remote: Comlink.Remote<MatchApi> | null = null;

export function matcher(): Comlink.Remote<MatchApi> {
  remote ??= Comlink.wrap<MatchApi>(
    new Worker(new URL('./matchWorker.ts', import.meta.url), { type: 'module' })
  );
  return remote;
}
