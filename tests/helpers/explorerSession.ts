/**
 * An explorer session over an in-memory recording (the app's own tile codec, no IndexedDB), for
 * component tests of panels that read the session from context.
 */
import { memoryRecording } from '../../src/lib/store/memoryRecording';
import type { LoadedCorpus } from '../../src/lib/store/db';
import { EXPLORER, type Explorer } from '../../src/lib/views/explorer/context';
import { ExplorerState } from '../../src/lib/views/explorer/explorer.svelte';
import { MatchState } from '../../src/lib/views/explorer/match.svelte';
import { AtlasState } from '../../src/lib/views/explorer/atlas.svelte';
import { RankState } from '../../src/lib/views/explorer/ranking.svelte';
import { ExplorerSession } from '../../src/lib/views/explorer/session.svelte';
import { TracksState } from '../../src/lib/views/explorer/tracks.svelte';

export function openSession(steps = 64, units = 8) {
  const { reader } = memoryRecording({
    steps,
    units,
    chunkSize: 32,
    stream: 'L0.fwd.h',
    chunkValues: (_c, start, rows) =>
      Float32Array.from({ length: rows * units }, (_, i) =>
        Math.sin((start + Math.floor(i / units)) * (1 + (i % units)) * 0.1)
      )
  });
  const text = 'x'.repeat(steps);
  const corpus = {
    sha256: 'memory',
    name: 'memory.txt',
    text,
    documents: [{ name: 'memory.txt', start: 0, end: steps }]
  } as unknown as LoadedCorpus;
  const session = new ExplorerSession();
  session.view = new ExplorerState(reader, corpus, null);
  session.tracks = new TracksState(session.view);
  session.match = new MatchState({ kind: 'idb', id: 1 });
  session.ranking = new RankState({ kind: 'idb', id: 1 });
  session.atlas = new AtlasState({ kind: 'idb', id: 1 });
  // Tests see the session as panels do: every part present.
  return {
    session: session as unknown as Explorer,
    context: new Map<unknown, unknown>([[EXPLORER, session]])
  };
}
