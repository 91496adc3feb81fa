/**
 * A Zarr store being recorded in shards, and what each shard has done: one record per shard in
 * STORE/.cellscope-shards/shard-K.json (its options, its slice, running / done / failed) and its
 * rows of the chunks it shares with other shards in STORE/.cellscope-shards/parts/K/. There is no
 * coordinator: each shard reads the others' records and refuses to join a store recorded with
 * other options, and `--finalize` refuses until every shard is done.
 *
 * Options are compared by what they mean, not how they were typed: files by their SHA-256 (so
 * machines may mount them at other paths), defaults filled in.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseKinds } from '../lib/record/streams';
import { InputError, readFile } from './inputFiles';
import { statOrNull } from './outputDir';
import type { RecordCommandOptions } from './recordCommand';
import { chunkRowsOf } from './storeAttributes';
import type { ZarrStream } from './zarrStore';

export const SHARDS_DIR = '.cellscope-shards';
const FORMAT = 'cellscope-shard/1';

/** The options that decide what a store holds, by flag: each shard and --finalize must agree. */
export type ArgumentPrint = Record<string, string>;

export interface ShardRecord {
  format: typeof FORMAT;
  shard: number;
  of: number;
  status: 'running' | 'done' | 'failed';
  args: ArgumentPrint;
  /** the slice's steps [from, to) and documents [first, end) */
  from: number;
  to: number;
  documents: [number, number];
  streams: ZarrStream[];
  /** the recorder's run length (a Loop cell runs whole documents) and the LM head's top k */
  chunkSize: number;
  lmK: number;
  host: string;
  startedAt: string;
  seconds?: number;
  error?: string;
}

const fileHash = (path: string, what: string) =>
  `sha256:${createHash('sha256').update(readFile(path, what)).digest('hex')}`;

export function argumentPrint(opts: RecordCommandOptions): ArgumentPrint {
  const d = opts.documents ?? { kind: 'whole' };
  return {
    '--model': fileHash(opts.model, 'model'),
    '--untrained-twin': opts.untrainedTwin === undefined ? 'none' : String(opts.untrainedTwin),
    '--text': fileHash(opts.text!, 'text'),
    '--documents': d.kind === 'jsonl' ? `jsonl:${d.field}` : d.kind,
    '--vocab': opts.vocab ? fileHash(opts.vocab, 'vocabulary') : "none (the model's own)",
    '--tokenizer': opts.tokenizer ?? 'as the vocabulary says',
    '--streams':
      (opts.streams ?? 'all') === 'all' ? 'all' : [...parseKinds(opts.streams!)].sort().join(','),
    '--chunk': String(chunkRowsOf(opts)),
    '--tap': opts.tap?.join(' ') || 'none',
    '--clamp': opts.clamps ? JSON.stringify(opts.clamps) : 'none',
    '--zarr-version': String(opts.zarrVersion ?? 3)
  };
}

/** A value of the print as a person reads it: a file by the start of its hash. */
const shown = (value: string) =>
  value.startsWith('sha256:') ? `a file with SHA-256 ${value.slice(7, 19)}…` : value;

const isFinished = (dir: string) =>
  existsSync(join(dir, 'zarr.json')) || existsSync(join(dir, '.zgroup'));

export class ShardStore {
  readonly dir: string;
  private readonly bookkeeping: string;

  private constructor(readonly given: string) {
    this.dir = resolve(given);
    this.bookkeeping = join(this.dir, SHARDS_DIR);
  }

  private what(): string {
    return `--zarr ${this.given}`;
  }

  /** The store a shard writes into: new, empty, or one that other shards write. */
  static forShard(given: string): ShardStore {
    const store = new ShardStore(given);
    const stat = statOrNull(store.dir);
    if (stat && !stat.isDirectory())
      throw new InputError(`${store.what()} is a file, not a directory. Give the shards' store.`);
    if (!stat) return store;
    if (isFinished(store.dir))
      throw new InputError(
        `${store.what()} is a finished Zarr store (its group metadata is written): a shard only writes into a store in progress. Give a new directory, or remove this one to record it again.`
      );
    if (readdirSync(store.dir).length && !existsSync(store.bookkeeping))
      throw new InputError(
        `${store.what()} holds files but no shards of a recording (no ${SHARDS_DIR}). Give a new or empty directory, or the store the other shards write.`
      );
    return store;
  }

  /** The store --finalize completes: shards recorded, not finished yet. */
  static forFinalize(given: string): ShardStore {
    const store = new ShardStore(given);
    const stat = statOrNull(store.dir);
    if (!stat?.isDirectory())
      throw new InputError(
        `${store.what()} ${stat ? 'is a file' : 'does not exist'}: --finalize completes a store that shards were recorded into (--shard K/N). Run the shards first.`
      );
    if (isFinished(store.dir))
      throw new InputError(
        `${store.what()} is already finalized: it is a complete Zarr store. Open it or analyze it.`
      );
    if (!store.records().length)
      throw new InputError(
        `${store.what()} holds no shards: record them first (--shard 0/N … --shard N-1/N), then --finalize.`
      );
    return store;
  }

  partsDir(k: number): string {
    return join(this.bookkeeping, 'parts', String(k));
  }

  private recordPath(k: number): string {
    return join(this.bookkeeping, `shard-${k}.json`);
  }

  records(): ShardRecord[] {
    if (!existsSync(this.bookkeeping)) return [];
    return readdirSync(this.bookkeeping)
      .filter((f) => /^shard-\d+\.json$/.test(f))
      .map((f) => this.readRecord(join(this.bookkeeping, f)))
      .sort((a, b) => a.shard - b.shard);
  }

  private readRecord(path: string): ShardRecord {
    const k = path.match(/shard-(\d+)\.json$/)![1];
    let r: ShardRecord;
    try {
      r = JSON.parse(readFileSync(path, 'utf8')) as ShardRecord;
    } catch (e) {
      throw new InputError(
        `${path} is not a shard record (${(e as Error).message.split('\n')[0]}): run shard ${k} again.`
      );
    }
    if (r?.format !== FORMAT || typeof r.of !== 'number' || typeof r.args !== 'object')
      throw new InputError(
        `${path} is not a ${FORMAT} record: this store was written by another cellscope. Record it again in a new directory.`
      );
    return r;
  }

  /**
   * Refuse a run (`who`: "--shard 1/4", "--finalize") whose options differ from any shard's
   * recorded here, or that cuts the corpus into another number of shards (`n`; --finalize
   * takes the records').
   */
  checkAgainst(args: ArgumentPrint, who: string, n?: number): void {
    for (const r of this.records()) {
      if (n !== undefined && r.of !== n)
        throw new InputError(
          `${who}: ${this.given} is being recorded as ${r.of} shards (shard ${r.shard} ran as --shard ${r.shard}/${r.of}), not ${n}. Give --shard K/${r.of}, or record into a new store.`
        );
      const flag = Object.keys({ ...args, ...r.args }).find((f) => args[f] !== r.args[f]);
      if (flag)
        throw new InputError(
          `${who}: ${flag} is ${shown(args[flag] ?? '(not given)')} here but ${shown(r.args[flag] ?? '(not given)')} in shard ${r.shard} of ${this.given}. Every shard and --finalize of a store takes the same options: run it with shard ${r.shard}'s, or record into a new store.`
        );
    }
  }

  /** Write a shard's record (atomically: a reader never sees half of one). */
  write(record: ShardRecord): void {
    mkdirSync(this.bookkeeping, { recursive: true });
    const path = this.recordPath(record.shard);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record, null, 2));
    renameSync(tmp, path);
  }

  /** The shards' records and parts, once the store is finished. */
  removeBookkeeping(): void {
    rmSync(this.bookkeeping, { recursive: true, force: true });
  }
}
