/**
 * `analyze rank` and `analyze atlas` over a recording directory: the jobs the query worker runs
 * (query/rankAll.ts, query/runAtlas.ts) on the same stored values, so the numbers are the
 * browser's.
 */
import { basename } from 'node:path';
import { BUILTIN_TRACKS } from '../lib/analysis/builtinTracks';
import { rankAllUnits, type RankAllResult } from '../lib/query/rankAll';
import { runAtlas, type AtlasResult } from '../lib/query/runAtlas';
import type { AnalyzeArgs } from './analyzeArgs';
import { fileCandidates, rankTrack } from './analyzeTracks';
import { InputError } from './inputFiles';
import { openRecordingDir } from './recordingDir';

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

/**
 * Candidates: the built-ins of the family the text looks like (or all, or none), then every
 * column of the track file (each value of a categorical one).
 */
export async function atlasCommand(args: AtlasArgs): Promise<AtlasResult> {
  const rec = await openRecordingDir(args.recording);
  if (!rec.corpus && args.builtins && args.builtins !== 'none')
    throw new InputError(
      `--builtins ${args.builtins}: this recording ${rec.noText}, so it has no built-in tracks.`
    );
  const builtins = rec.corpus ? (args.builtins ?? 'suggested') : 'none';
  if (builtins === 'none' && !args.tracks)
    throw new InputError(
      rec.corpus
        ? '--builtins none leaves no candidate tracks: give them with --tracks FILE.'
        : `This recording ${rec.noText}, so it has no built-in tracks: give candidate tracks with --tracks FILE.`
    );
  // A column named like a built-in track (e.g. "column") is told apart by its file's name.
  const taken = new Set(builtins === 'none' ? [] : BUILTIN_TRACKS.map((b) => b.name));
  const tracks = (args.tracks ? fileCandidates(rec, args.tracks) : []).map((t) =>
    taken.has(t.name) ? { ...t, name: `${t.name} (${basename(args.tracks!)})` } : t
  );
  return runAtlas(rec.reader, rec.corpus?.text ?? '', {
    builtins,
    tracks,
    streams: args.streams
  });
}
