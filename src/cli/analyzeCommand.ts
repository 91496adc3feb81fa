/**
 * `analyze rank` and `analyze atlas` over a recording directory: the same ranking engine the
 * query worker runs (query/rankAll.ts) on the same stored values, so the numbers are the
 * browser's.
 */
import { buildAtlas } from '../lib/analysis/atlas';
import { BUILTIN_TRACKS, suggestFamily } from '../lib/analysis/builtinTracks';
import { rankAllUnits, rankManyTracks, type RankAllResult } from '../lib/query/rankAll';
import type { AnalyzeArgs } from './analyzeArgs';
import type { AtlasOutput } from './analyzeOutput';
import { builtinTrack, fileCandidates, rankTrack, type RankTrack } from './analyzeTracks';
import { InputError } from './inputFiles';
import { openRecordingDir, type OpenedRecording } from './recordingDir';

type RankArgs = Extract<AnalyzeArgs, { command: 'rank' }>;
type AtlasArgs = Extract<AnalyzeArgs, { command: 'atlas' }>;

export async function rankCommand(args: RankArgs): Promise<RankAllResult> {
  const rec = await openRecordingDir(args.recording);
  const track = rankTrack(rec, args.track);
  return rankAllUnits(rec.reader, track.values, {
    name: track.name,
    metric: args.metric,
    depthLike: track.depthLike,
    streams: args.streams
  });
}

/** The built-ins of the text's family (or of `family`), then every column of the track file. */
function atlasCandidates(rec: OpenedRecording, args: AtlasArgs): RankTrack[] {
  const out: RankTrack[] = [];
  if (rec.corpus) {
    const family = args.family ?? suggestFamily(rec.corpus.text);
    for (const b of BUILTIN_TRACKS)
      if (family === 'both' || b.family === family) out.push(builtinTrack(rec, b.id));
  } else if (args.family && args.family !== 'none')
    throw new InputError(
      `--family ${args.family}: this recording has no text (a recording of --feed or --csv inputs), so no built-in tracks; give candidate tracks with --tracks FILE.`
    );
  else if (!args.tracks)
    throw new InputError(
      'This recording has no text (a recording of --feed or --csv inputs), so no built-in tracks: give candidate tracks with --tracks FILE.'
    );
  if (args.tracks) out.push(...fileCandidates(rec, args.tracks));
  return out;
}

export async function atlasCommand(args: AtlasArgs): Promise<AtlasOutput> {
  const rec = await openRecordingDir(args.recording);
  const candidates = atlasCandidates(rec, args);
  const skipped: { track: string; reason: string }[] = [];
  const reports = await rankManyTracks(
    rec.reader,
    candidates.map((t) => ({
      values: t.values,
      options: { name: t.name, depthLike: t.depthLike }
    })),
    { streams: args.streams, skipBad: (track, reason) => skipped.push({ track, reason }) }
  );
  const atlas = buildAtlas(
    reports.filter((r) => r !== null),
    skipped
  );
  // Units in recording order (stream, then unit), not in the order of the first track's ranking.
  const order = new Map(rec.reader.recording.streams.map((s, i) => [s.id, i]));
  atlas.units.sort((a, b) => order.get(a.stream)! - order.get(b.stream)! || a.unit - b.unit);
  return { ...atlas, steps: rec.reader.length };
}
