/**
 * The explorer session handed down through Svelte context (like SveltePlot's usePlot): the route
 * provides it once, panels read it. Panels see a read-only face — they can call the session's
 * methods and change the sub-states through their own APIs, but not swap them out.
 */
import { getContext, setContext } from 'svelte';
import type { ExplorerState } from './explorer.svelte';
import type { InterventionState } from './intervention.svelte';
import type { MatchState } from './match.svelte';
import type { RankState } from './ranking.svelte';
import type { AtlasState } from './atlas.svelte';
import type { ExplorerSession } from './session.svelte';
import type { TracksState } from './tracks.svelte';

/** Context key (exported so component tests can provide a session). */
export const EXPLORER = Symbol('cellscope.explorer');

/** The session as panels see it once a recording is open: every part is there. */
export type Explorer = Readonly<
  Omit<
    ExplorerSession,
    'view' | 'tracks' | 'match' | 'ranking' | 'atlas' | 'intervention' | 'open'
  > & {
    view: ExplorerState;
    tracks: TracksState;
    match: MatchState;
    ranking: RankState;
    atlas: AtlasState;
    intervention: InterventionState;
  }
>;

export function provideExplorer(session: ExplorerSession): void {
  setContext(EXPLORER, session);
}

/** The open session; call during component setup, under a route that provided it. */
export function useExplorer(): Explorer {
  const s = getContext<ExplorerSession | undefined>(EXPLORER);
  if (!s?.view) throw new Error('useExplorer() needs an open explorer session in context.');
  return s as unknown as Explorer;
}
