/**
 * Shown tracks as values to rank units by: a numeric track as it is, a categorical one as one
 * 0/1 track per category ("character class is digit"). The atlas and the unit page's track
 * scores rank them all.
 */
import { trackTarget } from '../../analysis/rankTarget';
import type { ShownTrack } from './tracks.svelte';

export interface RankableTrack {
  name: string;
  values: Float32Array;
  depthLike?: boolean;
}

export function rankableTracks(shown: readonly ShownTrack[]): RankableTrack[] {
  return shown.flatMap((t) =>
    t.kind === 'numeric'
      ? [{ name: t.name, values: t.values, depthLike: t.depthLike }]
      : (t.categories ?? []).map((c, i) => ({
          name: `${t.name} is ${c}`,
          values: trackTarget(t, i)
        }))
  );
}
