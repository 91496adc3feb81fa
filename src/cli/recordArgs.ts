/**
 * The record command's arguments: parsed and checked before any file is read or made. Every
 * problem is an InputError with one line that names the option and what to give instead.
 */
import { parseArgs } from 'node:util';
import { MAX_SEED } from '../lib/onnx/reinit';
import { parseClamp, type Intervention } from '../lib/record/intervention';
import { parseKinds } from '../lib/record/streams';
import type { DocumentSplit } from '../lib/tokenize/documents';
import { InputError } from './inputFiles';
import type { RecordCommandOptions } from './recordCommand';
import { MAX_PARALLEL } from './recordParallel';

export const MAX_CHUNK = 65536;
export const MAX_SHARDS = 100000;

export const USAGE =
  'usage: npm run record -- --model M.onnx --out DIR [--force] [--text corpus.txt] [--vocab FILE] ' +
  '[--tokenizer char|word] [--csv features.csv] [--feed NAME=file.npy]... [--streams all|h|h,c] ' +
  '[--chunk N] [--tap TENSOR]... [--list-tensors] [--zarr DIR [--zarr-version 2|3]] ' +
  '[--untrained-twin SEED] [--clamp STREAM:UNIT=VALUE]... [--documents whole|blank-lines|jsonl:FIELD]\n' +
  '       [--parallel N]\n' +
  '       npm run record -- <the same options, without --out> --zarr STORE (--shard K/N | --finalize)\n' +
  '  --out DIR     a new or empty directory; --force writes into a non-empty one, replacing the\n' +
  '                recording there (and replaces the Zarr store at --zarr DIR)\n' +
  `  --chunk N     tokens per run, 1 to ${MAX_CHUNK} (default 4096; text only)\n` +
  '  --documents   how the text splits into documents (the state resets at each): whole (default),\n' +
  '                blank-lines, or jsonl:FIELD (one document per JSON line, its text in FIELD)\n' +
  `  --parallel N  record N documents side by side, as one batch of the model (1 to ${MAX_PARALLEL},\n` +
  '                default 1): the same files, for machines with cores to spare; needs\n' +
  '                --documents and a forward-only model\n' +
  '  --shard K/N   record the K-th (0 to N-1) of N slices of the documents into the shared store;\n' +
  '                --finalize completes the store once all N are done\n' +
  '  --streams     all, or a comma-separated list of h, c, i, f, o, g, z, r, n\n' +
  `  --untrained-twin SEED  record the model with every float weight re-drawn from its own mean\n` +
  `                and std (seed 0 to ${MAX_SEED}): the same architecture, untrained\n` +
  '  --clamp L0.fwd.c:177=0  set a unit of an h or c stream to a value at every step (repeatable):\n' +
  '                the streams and outputs written are those of the intervened model';

const OPTIONS = {
  model: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  text: { type: 'string' },
  csv: { type: 'string' },
  vocab: { type: 'string' },
  tokenizer: { type: 'string' },
  feed: { type: 'string', multiple: true },
  tap: { type: 'string', multiple: true },
  'list-tensors': { type: 'boolean' },
  streams: { type: 'string' },
  chunk: { type: 'string' },
  zarr: { type: 'string' },
  'zarr-version': { type: 'string' },
  'untrained-twin': { type: 'string' },
  clamp: { type: 'string', multiple: true },
  documents: { type: 'string' },
  parallel: { type: 'string' },
  shard: { type: 'string' },
  finalize: { type: 'boolean' },
  help: { type: 'boolean' }
} as const;

export type RecordArgs =
  { help: true } | { help: false; listTensors: boolean; options: RecordCommandOptions };

const SEE_HELP = 'See npm run record -- --help.';

/** node:util's parse errors, in the command's words. */
function parseError(e: Error & { code?: string }): InputError {
  const option = e.message.match(/'(-[^' ]+)/)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new InputError(`Unknown option ${option}. ${SEE_HELP}`);
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = e.message.match(/'([^']*)'/)?.[1] ?? '';
    return new InputError(
      `Unexpected argument "${arg}": every input is given with an option (--text FILE, --feed NAME=FILE). ${SEE_HELP}`
    );
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /does not take/.test(e.message))
    return new InputError(`${option} takes no value. ${SEE_HELP}`);
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(e.message))
    return new InputError(
      `${option} needs a value (one that starts with "-" is written ${option}=-…). ${SEE_HELP}`
    );
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return new InputError(`${option} needs a value. ${SEE_HELP}`);
  return new InputError(`${e.message.split('\n')[0]} ${SEE_HELP}`);
}

/** A whole number in [1, max], written as digits only. */
function positiveInt(flag: string, value: string, max: number, unit: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) {
    throw new InputError(
      `${flag} must be a whole number of ${unit} from 1 to ${max}, got ${JSON.stringify(value)}.`
    );
  }
  return n;
}

/** A seed for --untrained-twin: digits only, 0 to MAX_SEED. */
function twinSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_SEED) {
    throw new InputError(
      `--untrained-twin must be a whole number from 0 to ${MAX_SEED} (the seed), got ${JSON.stringify(value)}.`
    );
  }
  return n;
}

/** --documents: whole, blank-lines or jsonl:FIELD. */
function documentMode(value: string): DocumentSplit {
  if (value === 'whole' || value === 'blank-lines') return { kind: value };
  const field = value.match(/^jsonl:(.+)$/)?.[1];
  if (field) return { kind: 'jsonl', field };
  throw new InputError(
    `--documents must be whole, blank-lines or jsonl:FIELD (one document per JSON line, its text in FIELD), got ${JSON.stringify(value)}.`
  );
}

/** --shard K/N: shard K (counting from 0) of N. */
export function shardArg(value: string): { k: number; n: number } {
  const m = value.match(/^(\d+)\/(\d+)$/);
  if (!m)
    throw new InputError(
      `--shard must be K/N, shard K of N counting from 0 (0/4, 1/4, 2/4, 3/4), got ${JSON.stringify(value)}.`
    );
  const [k, n] = [Number(m[1]), Number(m[2])];
  if (n < 1 || n > MAX_SHARDS)
    throw new InputError(
      `--shard ${value}: N must be from 1 to ${MAX_SHARDS.toLocaleString('en')} shards.`
    );
  if (k >= n)
    throw new InputError(
      `--shard ${value}: K must be below N; shards count from 0, so the ${n} shard(s) are 0/${n} to ${n - 1}/${n}.`
    );
  return { k, n };
}

/** What --shard and --finalize need and refuse. */
function checkShardOptions(values: Record<string, unknown>): void {
  const flag = values.shard !== undefined ? '--shard' : '--finalize';
  if (values.shard !== undefined && values.finalize)
    throw new InputError(
      'Give --shard K/N or --finalize, not both: the shards record, then one --finalize completes the store.'
    );
  if (!values.zarr)
    throw new InputError(
      `${flag} needs --zarr STORE: the shards write into one shared Zarr store.`
    );
  if (values.out !== undefined)
    throw new InputError(
      `--out does not apply to ${flag}: the shards write only the --zarr store. Drop --out.`
    );
  if (values.force)
    throw new InputError(
      `--force does not apply to ${flag}: shards never replace the store. To start again, remove the --zarr directory.`
    );
}

/** The options --parallel N (N > 1) cannot serve: each runs one document, or one chunk, at a time. */
function checkParallelOptions(values: Record<string, unknown>, n: number): void {
  const refuse = (flag: string, why: string) => {
    throw new InputError(`--parallel ${n} cannot go with ${flag}: ${why}. Run without --parallel.`);
  };
  if (values.shard !== undefined)
    refuse('--shard', 'a shard records its slice of the documents one after the other');
  if (values.finalize) refuse('--finalize', 'it records nothing, it completes a sharded store');
  if ((values.clamp as string[] | undefined)?.length)
    refuse('--clamp', 'clamped units are recorded one chunk of one document at a time');
  if ((values.tap as string[] | undefined)?.length)
    refuse('--tap', 'a tapped tensor has no known batch axis to split the documents by');
  if (values['list-tensors']) refuse('--list-tensors', 'it records nothing');
}

/** One --clamp, parsed (its stream and unit are checked against the model later). */
function clampArg(value: string): Intervention {
  try {
    return parseClamp(value);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

export function parseRecordArgs(argv: string[]): RecordArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, tokens: true });
  } catch (e) {
    throw parseError(e as Error);
  }
  const { values, tokens } = parsed;
  if (values.help) return { help: true };

  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const multiple = (OPTIONS as Record<string, { multiple?: boolean }>)[t.name].multiple;
    if (seen.has(t.name) && !multiple)
      throw new InputError(`--${t.name} is given twice; give it once.`);
    seen.add(t.name);
    if (t.value === '') throw new InputError(`--${t.name} needs a value. ${SEE_HELP}`);
  }

  const listTensors = values['list-tensors'] ?? false;
  if (!values.model) throw new InputError(`--model M.onnx is required. ${SEE_HELP}`);
  const sharded = values.shard !== undefined || !!values.finalize;
  if (sharded) checkShardOptions(values);
  if (!values.out && !listTensors && !sharded)
    throw new InputError(`--out DIR is required (a new or empty directory). ${SEE_HELP}`);
  const text = values.text !== undefined;
  const feeds = values.csv !== undefined || !!values.feed?.length;
  if (!text && !feeds)
    throw new InputError('Give --text corpus.txt, --csv features.csv or --feed NAME=file.npy.');
  if (text && feeds) throw new InputError('Give either --text or --feed/--csv, not both.');
  if (!text) {
    for (const flag of ['vocab', 'tokenizer', 'chunk', 'zarr', 'documents', 'parallel'] as const) {
      if (values[flag] !== undefined)
        throw new InputError(`--${flag} applies to --text only; feeds run in one go.`);
    }
  }

  if (values.tokenizer !== undefined && values.tokenizer !== 'char' && values.tokenizer !== 'word')
    throw new InputError(
      `--tokenizer must be char or word, got ${JSON.stringify(values.tokenizer)}.`
    );
  const zarrVersion = values['zarr-version'];
  if (zarrVersion !== undefined && zarrVersion !== '2' && zarrVersion !== '3')
    throw new InputError(`--zarr-version must be 2 or 3, got ${JSON.stringify(zarrVersion)}.`);
  if (zarrVersion !== undefined && !values.zarr)
    throw new InputError('--zarr-version needs --zarr DIR.');
  if (values.streams !== undefined) {
    try {
      parseKinds(values.streams);
    } catch (e) {
      throw new InputError(`--streams ${JSON.stringify(values.streams)}: ${(e as Error).message}`);
    }
  }
  const parallel =
    values.parallel !== undefined
      ? positiveInt('--parallel', values.parallel, MAX_PARALLEL, 'documents')
      : undefined;
  if (parallel && parallel > 1) checkParallelOptions(values, parallel);
  for (const f of values.feed ?? []) {
    if (f.indexOf('=') <= 0 || f.endsWith('='))
      throw new InputError(`--feed needs NAME=file.npy, got ${JSON.stringify(f)}.`);
  }

  return {
    help: false,
    listTensors,
    options: {
      model: values.model,
      out: values.out ?? '',
      force: values.force ?? false,
      text: values.text,
      csv: values.csv,
      vocab: values.vocab,
      tokenizer: values.tokenizer as 'char' | 'word' | undefined,
      feeds: values.feed,
      tap: values.tap,
      streams: values.streams,
      chunk:
        values.chunk !== undefined
          ? positiveInt('--chunk', values.chunk, MAX_CHUNK, 'tokens')
          : undefined,
      zarr: values.zarr,
      zarrVersion: zarrVersion === '2' ? 2 : 3,
      untrainedTwin:
        values['untrained-twin'] !== undefined ? twinSeed(values['untrained-twin']) : undefined,
      clamps: values.clamp?.length ? values.clamp.map(clampArg) : undefined,
      documents: values.documents !== undefined ? documentMode(values.documents) : undefined,
      parallel,
      shard: values.shard !== undefined ? shardArg(values.shard) : undefined,
      finalize: values.finalize || undefined
    }
  };
}
