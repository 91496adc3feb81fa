/**
 * The tracks `npm run analyze` ranks by, from what the user gave: a column of a track file (read
 * as the browser's track import reads it: analysis/tracks.ts parseTrackFile), a built-in track
 * (analysis/builtinTracks.ts) or a regular expression (analysis/tracks.ts regexTrack) over the
 * recording's text.
 */
import { basename } from 'node:path';
import { BUILTIN_TRACKS, builtinTracks } from '../lib/analysis/builtinTracks';
import { trackTarget } from '../lib/analysis/rankTarget';
import { parseTrackFile, regexTrack, type Track } from '../lib/analysis/tracks';
import type { TrackSource } from './analyzeArgs';
import { InputError, readFile } from './inputFiles';
import type { OpenedRecording } from './recordingDir';

export interface RankTrack {
  name: string;
  values: Float32Array;
  depthLike: boolean;
}

function corpusOf(rec: OpenedRecording, what: string) {
  if (!rec.corpus)
    throw new InputError(
      `${what}: this recording ${rec.noText}; built-in and regex tracks need the text recorded with --text.`
    );
  return rec.corpus;
}

export const builtinIds = () => BUILTIN_TRACKS.map((b) => b.id);

function builtinTrack(rec: OpenedRecording, id: string): RankTrack {
  const info = BUILTIN_TRACKS.find((b) => b.id === id);
  if (!info)
    throw new InputError(`Unknown built-in track "${id}". Known ones: ${builtinIds().join(', ')}.`);
  const { text, offsets } = corpusOf(rec, `--builtin ${id}`);
  const docStarts = rec.reader.recording.documents.map((d) => d.start);
  const track = builtinTracks(text, offsets, { docStarts, ids: [id] }).get(id)!;
  return { name: info.name, values: track.values, depthLike: info.depthLike };
}

function regexRankTrack(rec: OpenedRecording, pattern: string): RankTrack {
  const { text, offsets } = corpusOf(rec, `--regex ${pattern}`);
  let track: Track;
  try {
    track = regexTrack(text, offsets, pattern);
  } catch (e) {
    throw new InputError(`--regex: ${(e as Error).message}.`);
  }
  return { name: track.name, values: track.values, depthLike: false };
}

/** Whether a track file places its values by character offset (not by token index). */
function placesByOffset(content: string): boolean {
  if (/^\s*[[{]/.test(content)) return /"offsets"\s*:/.test(content);
  const header = content.split(/\r?\n/).find((l) => l.trim()) ?? '';
  return header
    .split(/[,\t]/)
    .map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase())
    .some((c) => c === 'char' || c === 'offset');
}

/** Every track of a track file (CSV or JSON), aligned to the recording's steps. */
export function readTrackFile(rec: OpenedRecording, file: string, flag: string): Track[] {
  const content = readFile(file, 'track').toString('utf8');
  if (!rec.corpus && placesByOffset(content))
    throw new InputError(
      `${flag} ${file} places values by character offset, but this recording ${rec.noText}: give a "token" column (one row per step).`
    );
  const offsets = rec.corpus?.offsets ?? new Uint32Array(0);
  return parseTrackFile(
    content,
    basename(file),
    rec.reader.recording.tokens,
    offsets,
    rec.corpus?.text.length ?? 0
  );
}

/** One value of a categorical track as a binary one, named as the browser's rank panel names it. */
function categoryTrack(track: Track, category: string, file: string): RankTrack {
  const index = track.categories!.indexOf(category);
  if (index < 0)
    throw new InputError(
      `--category ${JSON.stringify(category)} is not a value of column "${track.name}" of ${file}; it has ${listOf(track.categories!)}.`
    );
  return {
    name: `${track.name} is ${category}`,
    values: trackTarget(track, index),
    depthLike: false
  };
}

const listOf = (items: string[], max = 12) =>
  items
    .slice(0, max)
    .map((c) => JSON.stringify(c))
    .join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

export function csvRankTrack(
  rec: OpenedRecording,
  source: Extract<TrackSource, { kind: 'csv' }>
): RankTrack {
  const tracks = readTrackFile(rec, source.file, '--track');
  const names = tracks.map((t) => t.name);
  if (source.column === undefined && tracks.length > 1)
    throw new InputError(
      `${source.file} has ${tracks.length} value columns (${listOf(names)}): pick one with --column NAME.`
    );
  const track =
    source.column === undefined ? tracks[0] : tracks.find((t) => t.name === source.column);
  if (!track)
    throw new InputError(
      `${source.file} has no column "${source.column}"; its value columns are ${listOf(names)}.`
    );
  if (track.kind === 'categorical') {
    if (source.category === undefined)
      throw new InputError(
        `Column "${track.name}" of ${source.file} is categorical (${listOf(track.categories!)}): rank by one value with --category VALUE.`
      );
    return categoryTrack(track, source.category, source.file);
  }
  if (source.category !== undefined)
    throw new InputError(
      `--category applies to a categorical column, and "${track.name}" of ${source.file} holds numbers.`
    );
  return { name: track.name, values: track.values, depthLike: false };
}

export function rankTrack(rec: OpenedRecording, source: TrackSource): RankTrack {
  if (source.kind === 'builtin') return builtinTrack(rec, source.id);
  if (source.kind === 'regex') return regexRankTrack(rec, source.pattern);
  return csvRankTrack(rec, source);
}

/** The atlas's candidates from a track file: numeric columns, and each value of a categorical one. */
export function fileCandidates(rec: OpenedRecording, file: string): RankTrack[] {
  return readTrackFile(rec, file, '--tracks').flatMap((t) =>
    t.kind === 'categorical'
      ? t.categories!.map((c) => categoryTrack(t, c, file))
      : [{ name: t.name, values: t.values, depthLike: false }]
  );
}
