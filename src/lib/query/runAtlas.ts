/**
 * The atlas job: every unit of every stream scored against the library of candidate tracks —
 * the built-ins of the corpus's family (code or prose; both when asked) plus the tracks the user
 * shows or imported — in one read of the codes (rankAll.ts rankManyTracks), then each unit's
 * best explanation over chance (analysis/atlas.ts). Runs in the query worker and the CLI.
 */
import { buildAtlas, type Atlas } from '../analysis/atlas';
import { BUILTIN_TRACKS, builtinTracks, suggestFamily } from '../analysis/builtinTracks';
import type { RecordingReader } from '../store/reader';
import { rankManyTracks, type TrackToRank } from './rankAll';

/**
 * Shifted copies per candidate track: fewer than a ranking's 10, since the atlas scores every
 * unit against a dozen or more tracks (a numeric track's copies cost a pass over every step).
 */
const ATLAS_SHIFTS = 5;

export interface AtlasTrack {
  name: string;
  /** one value per step (binary 0/1 or numeric; NaN = not counted) */
  values: Float32Array;
  depthLike?: boolean;
}

export interface AtlasRequest {
  /** which built-ins: the corpus's suggested family, both, or none */
  builtins?: 'suggested' | 'all' | 'none';
  /** more candidate tracks (shown, imported, CSV columns) */
  tracks?: AtlasTrack[];
  streams?: string[];
}

export interface AtlasResult extends Atlas {
  steps: number;
  ms: number;
}

/** The candidate tracks for a recording's text (built-ins) plus the extra ones. */
export async function atlasCandidates(
  reader: RecordingReader,
  text: string,
  request: AtlasRequest
): Promise<TrackToRank[]> {
  const out: TrackToRank[] = [];
  const mode = request.builtins ?? 'suggested';
  if (mode !== 'none') {
    const family = suggestFamily(text);
    const infos = BUILTIN_TRACKS.filter((b) => mode === 'all' || b.family === family);
    const { offsets } = await reader.tokens(0, reader.length);
    const docStarts = reader.recording.documents.map((d) => d.start);
    const tracks = builtinTracks(text, offsets, { docStarts, ids: infos.map((b) => b.id) });
    for (const b of infos)
      out.push({
        values: tracks.get(b.id)!.values,
        options: { name: b.name, depthLike: b.depthLike, shifts: ATLAS_SHIFTS }
      });
  }
  // A track named twice (a shown track that is also a candidate) is scored once.
  const names = new Set<string>();
  for (const t of request.tracks ?? []) {
    if (names.has(t.name)) continue;
    names.add(t.name);
    out.push({
      values: t.values,
      options: { name: t.name, depthLike: t.depthLike, shifts: ATLAS_SHIFTS }
    });
  }
  return out;
}

export async function runAtlas(
  reader: RecordingReader,
  text: string,
  request: AtlasRequest,
  opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}
): Promise<AtlasResult> {
  const t0 = performance.now();
  const candidates = await atlasCandidates(reader, text, request);
  const skipped: { track: string; reason: string }[] = [];
  const reports = await rankManyTracks(reader, candidates, {
    ...opts,
    streams: request.streams,
    skipBad: (track, reason) => skipped.push({ track, reason })
  });
  const atlas = buildAtlas(
    reports.filter((r) => r !== null),
    skipped
  );
  return { ...atlas, steps: reader.length, ms: performance.now() - t0 };
}
