/**
 * The record command as a function of its arguments: prints what it did, or exactly one line on
 * stderr that says what is wrong, and returns the exit code (0, or 1 for every error). No stack
 * trace unless CELLSCOPE_DEBUG is set. record.ts calls it with the process's argv.
 */
import { InputError } from './inputFiles';
import { parseRecordArgs, USAGE } from './recordArgs';
import { listTensorsCommand, recordCommand, RunStopped, type OrtNode } from './recordCommand';
import { finalizeStore } from './finalizeShards';
import { recordShard } from './recordShard';

export interface Io {
  log(line: string): void;
  error(line: string): void;
}

/** Errors that describe the user's input; anything else is a bug and says so. */
const KNOWN = new Set([
  'InputError',
  'ModelFormatError',
  'TokenizerError',
  'CorpusError',
  'FeedError',
  'NpyError',
  'ActivationError',
  'CsvError',
  'DocumentError'
]);

export async function runRecord(argv: string[], ort: OrtNode, io: Io = console): Promise<number> {
  const started = performance.now();
  try {
    const args = parseRecordArgs(argv);
    if (args.help) {
      io.log(USAGE);
      return 0;
    }
    const { options } = args;
    if (args.listTensors) {
      const rows = await listTensorsCommand(options, ort);
      for (const r of rows)
        io.log(
          `${r.name}\t${r.op}\t${r.type}\t${r.shape ? `[${r.shape.join(', ')}]` : '(not computed)'}`
        );
      return 0;
    }
    const int = (x: number) => x.toLocaleString('en');
    const took = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;
    if (options.shard) {
      const r = await recordShard(options, ort);
      const docs = r.slice.endDocument - r.slice.firstDocument;
      io.log(
        `cellscope record: shard ${r.k}/${r.n}: ` +
          (docs
            ? `documents ${int(r.slice.firstDocument)}–${int(r.slice.endDocument - 1)} of ${int(r.documents)}, steps ${int(r.slice.from)}–${int(r.slice.to - 1)} of ${int(r.steps)}`
            : `no documents (the corpus has ${int(r.documents)} for ${int(r.n)} shards): nothing to record`) +
          `, ${r.streams} streams in ${took()} → ${r.store}`
      );
      return 0;
    }
    if (options.finalize) {
      const r = await finalizeStore(options);
      io.log(
        `cellscope record: finalized ${r.store}: ${int(r.shards)} shards, ${r.streams} streams, ${int(r.steps)} steps (${int(r.merged)} shared chunks merged) in ${took()}`
      );
      return 0;
    }
    const manifest = await recordCommand(options, ort);
    const steps = manifest.lengths.length
      ? manifest.lengths.reduce((a: number, b: number) => a + b, 0)
      : (manifest.streams[0]?.shape[0] ?? 0);
    const seconds = (performance.now() - started) / 1000;
    const lanes = (manifest as { parallel?: number }).parallel ?? 1;
    if ((options.parallel ?? 1) > 1 && lanes === 1)
      io.error(
        `cellscope record: --parallel ${options.parallel} has no effect: the corpus is one document (split it with --documents blank-lines or jsonl:FIELD).`
      );
    const sideBySide = lanes > 1 ? ` (${lanes} documents side by side)` : '';
    io.log(
      `cellscope record: ${manifest.streams.length} streams, ${steps} steps in ${seconds.toFixed(2)} s${sideBySide} → ${options.out}`
    );
    // A fixed-length graph: what the recording did with its length (record/windowPlan.ts).
    const note = (manifest as { window?: { note: string } }).window?.note;
    if (note) io.log(`cellscope record: ${note}`);
    // For npm run bench: the peak resident memory of this process.
    if (process.env.CELLSCOPE_REPORT_RSS) io.log(`max_rss_kb ${process.resourceUsage().maxRSS}`);
    return 0;
  } catch (e) {
    io.error(`cellscope record: ${errorLine(e)}`);
    if (process.env.CELLSCOPE_DEBUG) io.error(String((e as Error)?.stack ?? e));
    return 1;
  }
}

/** One line for any error: its message, and for an unexpected one, that it is unexpected. */
export function errorLine(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message.split('\n')[0].trim() || err.name;
  const cause = err instanceof RunStopped ? (err.cause as Error | undefined) : err;
  const known = err instanceof InputError || KNOWN.has(cause?.name ?? '');
  return known
    ? message
    : `${message} (an unexpected error; set CELLSCOPE_DEBUG=1 for the stack trace)`;
}
