/**
 * Rank every unit of every stream against one track, exactly, over the whole recording: each
 * block of a stream's units (one tile column) is read as stored — 8-bit codes — across all
 * steps, and every unit of it is scored in one pass over its codes (analysis/unitEntries.ts),
 * so the codes are read once whatever the number of metrics, parts and chance shifts. Runs in
 * the query worker and in the CLI (npm run analyze).
 */
import {
  prepareTarget,
  RankInputError,
  splitOfDocuments,
  type TargetOptions
} from '../analysis/rankTarget';
import { RankCollector, type RankReport } from '../analysis/rankReport';
import { buildUnitIndex, IndexScratch, SumsBuilder } from '../analysis/unitEntries';
import { targetSums, unitStats } from '../analysis/unitScores';
import type { RecordingReader } from '../store/reader';

/** Codes held in memory at once while ranking (one byte per unit per step). */
const READ_BYTES = 64 * 2 ** 20;

export interface RankAllOptions extends Omit<TargetOptions, 'documentStarts'> {
  /** streams to rank (default: all) */
  streams?: string[];
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RankAllResult extends RankReport {
  streams: string[];
  ms: number;
}

/** A recording still being recorded is refused (its last chunks are not there yet). */
function checkComplete(reader: RecordingReader): void {
  const rec = reader.recording;
  if (reader.length < rec.tokens)
    throw new RankInputError(
      `This recording is still in progress (${reader.length.toLocaleString('en')} of ${rec.tokens.toLocaleString('en')} steps): rank it once it completes.`
    );
}

/** Refusals a user can act on (the CLI prints the message; the panel shows it). */
export function checkRankable(reader: RecordingReader, target: Float32Array): void {
  const rec = reader.recording;
  checkComplete(reader);
  if (target.length !== rec.tokens) {
    const d = target.length - rec.tokens;
    throw new RankInputError(
      `The track has ${target.length.toLocaleString('en')} values but the recording ${rec.tokens.toLocaleString('en')} steps (${Math.abs(d).toLocaleString('en')} ${d > 0 ? 'too many' : 'too few'}). A track needs one value per recorded step.`
    );
  }
}

export function streamsToRank(reader: RecordingReader, asked?: string[]): string[] {
  const all = reader.recording.streams.map((s) => s.id);
  if (!asked?.length) return all;
  const unknown = asked.filter((s) => !all.includes(s));
  if (unknown.length)
    throw new RankInputError(
      `No stream ${unknown.join(', ')} in this recording. It has: ${all.join(', ')}.`
    );
  return asked;
}

export async function rankAllUnits(
  reader: RecordingReader,
  values: Float32Array,
  opts: RankAllOptions
): Promise<RankAllResult> {
  const [report] = await rankManyTracks(reader, [{ values, options: opts }], opts);
  return report!;
}

export interface TrackToRank {
  values: Float32Array;
  options: Omit<TargetOptions, 'documentStarts'>;
}

/**
 * Several tracks at once (the atlas): the codes are read once and every unit is scored against
 * each track. A track that cannot be ranked (constant, wrong length) throws its RankInputError
 * unless `skipBad` is given — then it hears the message and the track's report is null.
 */
export async function rankManyTracks(
  reader: RecordingReader,
  tracks: TrackToRank[],
  opts: Pick<RankAllOptions, 'streams' | 'onProgress' | 'signal'> & {
    skipBad?: (name: string, message: string) => void;
  } = {}
): Promise<(RankAllResult | null)[]> {
  const t0 = performance.now();
  checkComplete(reader);
  const streams = streamsToRank(reader, opts.streams);
  const documentStarts = reader.recording.documents.map((d) => d.start);
  const prepared = tracks.map((track) => {
    try {
      checkRankable(reader, track.values);
      const target = prepareTarget(track.values, { ...track.options, documentStarts });
      const job = {
        builder: new SumsBuilder(target),
        sums: targetSums(target),
        collector: new RankCollector(target),
        target
      };
      return job;
    } catch (e) {
      if (!(e instanceof RankInputError) || !opts.skipBad) throw e;
      opts.skipBad(track.options.name, e.message);
      return null;
    }
  });
  const jobs = prepared.filter((j) => j !== null);
  const T = reader.length;
  const docPart = splitOfDocuments(T, documentStarts);
  const scratch = new IndexScratch();
  const width = reader.tileUnits;
  // Read several tile columns at once (one IndexedDB request per chunk fetches all their
  // tiles), as many as keep the codes in memory under READ_BYTES.
  const group = width * Math.max(1, Math.floor(READ_BYTES / Math.max(1, T) / width));
  const total = streams.reduce((n, s) => n + reader.units(s), 0) * T;
  let done = 0;
  for (const stream of streams) {
    const U = reader.units(stream);
    for (let b = 0; b < U; b += group) {
      const units = Array.from({ length: Math.min(group, U - b) }, (_, i) => b + i);
      const before = done;
      const cols = await reader.codeColumns(stream, units, 0, T, (rows) => {
        stopIfAborted(opts.signal);
        opts.onProgress?.(before + (rows * units.length) / 2, total);
      });
      units.forEach((u, j) => {
        // Index the unit's values once; each track then touches only its own steps.
        const index = buildUnitIndex(cols[j], docPart, scratch);
        for (const job of jobs)
          job.collector.add(stream, u, unitStats(job.builder.build(index), job.target, job.sums));
        done = before + (T * units.length) / 2 + ((j + 1) * T) / 2;
      });
      stopIfAborted(opts.signal);
      opts.onProgress?.(done, total);
    }
  }
  const ms = performance.now() - t0;
  return prepared.map((job) => job && { ...job.collector.report(), streams, ms });
}

function stopIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) throw new DOMException('The ranking was cancelled.', 'AbortError');
}
