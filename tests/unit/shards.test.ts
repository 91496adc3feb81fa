/**
 * `record --shard K/N` and `--finalize`: shards recorded in any order into one store, then
 * finalized, give the store one unsharded run writes, byte for byte (v3 and v2, with empty
 * shards); each shard writes only the chunks wholly in its slice before --finalize; a store of
 * many documents holds exactly the values of the .npy recording and its documents; and the bad
 * inputs of the issue — K ≥ N, a shard with other options, --finalize with shards missing — are
 * refused in one line that says what to do.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileStore } from '../../src/cli/fileStore';
import type { OrtNode } from '../../src/cli/recordCommand';
import { sharedChunks, shardSlices } from '../../src/cli/shardPlan';
import { SHARDS_DIR } from '../../src/cli/shardStore';
import { chunkKey } from '../../src/cli/zarrStore';
import type { SessionLike } from '../../src/lib/record/step';
import { RecordingReader } from '../../src/lib/store/reader';
import { openZarrRecording } from '../../src/lib/store/zarrSource';
import { loadNpy } from '../helpers/npyCompare';
import { expectOneLineFailure, ort, recordHere } from '../helpers/recordCli';
import {
  expectSameStore,
  parenModel,
  storeFiles,
  writeParenDocuments
} from '../helpers/shardStores';

const dir = mkdtempSync(join(tmpdir(), 'cellscope-shards-'));
const corpus = writeParenDocuments(join(dir, 'corpus.txt'), 24);
/** 64-step chunks: document starts fall inside chunks, so shards share some. */
const args = [
  '--model',
  parenModel,
  '--text',
  corpus,
  '--documents',
  'blank-lines',
  '--chunk',
  '64'
];

async function ok(argv: string[]) {
  const r = await recordHere(argv);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const shard = (store: string, k: number, n: number, more: string[] = []) =>
  ok([...args, ...more, '--zarr', store, '--shard', `${k}/${n}`]);
const finalize = (store: string, more: string[] = []) =>
  ok([...args, ...more, '--zarr', store, '--finalize']);

beforeAll(async () => {
  await ok([...args, '--out', join(dir, 'one'), '--zarr', join(dir, 'one.zarr')]);
  await ok([
    ...args,
    '--out',
    join(dir, 'one-v2'),
    '--zarr',
    join(dir, 'one-v2.zarr'),
    '--zarr-version',
    '2'
  ]);
});

describe('a store recorded in shards', () => {
  it('equals an unsharded run byte for byte, whatever the order; each shard wrote only its own chunks', async () => {
    const store = join(dir, 'four.zarr');
    for (const k of [2, 0, 3, 1]) await shard(store, k, 4);
    // Before --finalize: the chunks wholly in one slice are in place, the shared ones only as parts.
    const manifest = JSON.parse(readFileSync(join(dir, 'one', 'manifest.json'), 'utf8'));
    const starts = manifest.corpus.documents.map((d: { start: number }) => d.start);
    const T = manifest.tokens;
    const slices = shardSlices(T, starts, 4);
    const shared = sharedChunks(T, 64, slices);
    expect(shared.length).toBeGreaterThan(0);
    const files = storeFiles(store);
    for (let c = 0; c * 64 < T; c++) {
      const key = chunkKey(3, 'L1.fwd.h', [c, 0]);
      const owners = shared.find((s) => s.chunk === c)?.shards;
      expect(files.has(key), `chunk ${c}`).toBe(!owners);
      for (const k of owners ?? [])
        expect(files.has(join(SHARDS_DIR, 'parts', String(k), key))).toBe(true);
    }
    expect(files.has('zarr.json') || files.has('L1.fwd.h/zarr.json')).toBe(false);

    const out = await finalize(store);
    expect(out).toMatch(
      new RegExp(
        `finalized .*: 4 shards, 2 streams, ${T.toLocaleString('en')} steps \\(${shared.length} shared chunks merged\\)`
      )
    );
    expect(existsSync(join(store, SHARDS_DIR))).toBe(false);
    const chunks = expectSameStore(store, join(dir, 'one.zarr'));
    expect(chunks).toBeGreaterThan(100);
  });

  it('equals it as Zarr v2 with more shards than some slices can fill (empty shards)', async () => {
    const store = join(dir, 'many.zarr');
    const v2 = ['--zarr-version', '2'];
    const outs = [];
    for (const k of [
      6, 5, 4, 3, 2, 1, 0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
      26, 27, 28, 29
    ])
      outs.push(await shard(store, k, 30, v2));
    expect(outs.join('')).toMatch(
      /shard \d+\/30: no documents \(the corpus has 24 for 30 shards\)/
    );
    await finalize(store, v2);
    expectSameStore(store, join(dir, 'one-v2.zarr'));
  });
});

describe('a store of many documents', () => {
  it('takes its documents from JSON lines (--documents jsonl:FIELD), and refuses an unknown way to split', async () => {
    const jsonl = join(dir, 'docs.jsonl');
    writeFileSync(
      jsonl,
      ['(ab)', 'a(b(a))', '((b))a'].map((t) => JSON.stringify({ text: t })).join('\n')
    );
    const out = join(dir, 'jsonl');
    await ok(['--model', parenModel, '--text', jsonl, '--documents', 'jsonl:text', '--out', out]);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.corpus.documents).toEqual([
      { name: 'docs.jsonl:1', start: 0 },
      { name: 'docs.jsonl:2', start: 4 },
      { name: 'docs.jsonl:3', start: 11 }
    ]);
    expect(readFileSync(join(out, 'corpus.txt'), 'utf8')).toBe('(ab)\na(b(a))\n((b))a');
    expectOneLineFailure(
      await recordHere([...args.slice(0, 4), '--documents', 'lines', '--out', join(dir, 'x')]),
      /--documents must be whole, blank-lines or jsonl:FIELD \(one document per JSON line, its text in FIELD\), got "lines"\./
    );
  });

  it('holds exactly the .npy recording’s values along its own chunk grid, and its documents', async () => {
    const store = join(dir, 'one.zarr');
    const { recording, source } = await openZarrRecording(store, fileStore(store));
    const manifest = JSON.parse(readFileSync(join(dir, 'one', 'manifest.json'), 'utf8'));
    expect(manifest.corpus.documents).toHaveLength(24);
    expect(recording.documents).toEqual(manifest.corpus.documents);
    const reader = new RecordingReader(source, recording);
    for (const id of ['L0.fwd.h', 'L1.fwd.h']) {
      const npy = loadNpy(join(dir, 'one', `${id}.npy`));
      const U = npy.shape[1];
      const cols = await reader.codeColumns(
        id,
        Array.from({ length: U }, (_, u) => u),
        0,
        recording.tokens
      );
      cols.forEach((col, u) => {
        for (let t = 0; t < recording.tokens; t++)
          if (col.f32![t] !== (npy.data as Float32Array)[t * U + u])
            expect.fail(`${id}[${t}, ${u}]`);
      });
    }
  });
});

/** onnxruntime-node whose sessions fail on their third run: a shard that stops part-way. */
const failingOrt: OrtNode = {
  Tensor: ort.Tensor,
  InferenceSession: {
    async create(bytes, options) {
      const session = await ort.InferenceSession.create(bytes, options);
      let runs = 0;
      return Object.assign(Object.create(session) as SessionLike, {
        run: (...a: Parameters<SessionLike['run']>) =>
          ++runs === 3 ? Promise.reject(new Error('out of memory')) : session.run(...a)
      });
    }
  }
};

describe('bad input to --shard and --finalize', () => {
  const refused = async (argv: string[], pattern: RegExp, runtime?: OrtNode) =>
    expectOneLineFailure(await recordHere(argv, runtime), pattern);

  it('refuses K ≥ N, and N of 0', async () => {
    await refused(
      [...args, '--zarr', join(dir, 'k.zarr'), '--shard', '4/4'],
      /--shard 4\/4: K must be below N; shards count from 0, so the 4 shard\(s\) are 0\/4 to 3\/4\./
    );
    await refused(
      [...args, '--zarr', join(dir, 'k.zarr'), '--shard', '0/0'],
      /--shard 0\/0: N must be from 1/
    );
    expect(existsSync(join(dir, 'k.zarr'))).toBe(false);
  });

  it('refuses a shard run with other options than the store’s shards, naming the option and the shard', async () => {
    const store = join(dir, 'mixed.zarr');
    await shard(store, 1, 3);
    await refused(
      [...args.slice(0, -1), '32', '--zarr', store, '--shard', '0/3'],
      /--shard 0\/3: --chunk is 32 here but 64 in shard 1 of .*mixed\.zarr\. Every shard and --finalize of a store takes the same options: run it with shard 1's, or record into a new store\./
    );
    const other = writeParenDocuments(join(dir, 'other.txt'), 23);
    await refused(
      ['--model', parenModel, '--text', other, ...args.slice(4), '--zarr', store, '--shard', '0/3'],
      /--text is a file with SHA-256 [0-9a-f]{12}… here but a file with SHA-256 [0-9a-f]{12}… in shard 1/
    );
    await refused(
      [...args, '--documents', 'whole', '--zarr', store, '--shard', '0/3'],
      /--documents is given twice/
    );
    await refused(
      [...args, '--zarr', store, '--shard', '0/2'],
      /--shard 0\/2: .*mixed\.zarr is being recorded as 3 shards \(shard 1 ran as --shard 1\/3\), not 2\. Give --shard K\/3/
    );
    await refused(
      [...args, '--streams', 'h', '--zarr', store, '--finalize'],
      /--finalize: --streams is h here but all in shard 1/
    );
  });

  it('refuses --finalize while shards are missing, listing them and what to run', async () => {
    const store = join(dir, 'missing.zarr');
    await shard(store, 0, 4);
    await shard(store, 2, 4);
    await refused(
      [...args, '--zarr', store, '--finalize'],
      /--finalize: 2 of the 4 shards of .*missing\.zarr are not done: 1 \(not run\); 3 \(not run\)\. Run them \(--shard 1\/4, --shard 3\/4\), then --finalize again\./
    );
    await refused(
      [...args, '--zarr', join(dir, 'absent.zarr'), '--finalize'],
      /absent\.zarr does not exist: --finalize completes a store that shards were recorded into/
    );
  });

  it('names a shard that failed part-way; running it again completes the store', async () => {
    const store = join(dir, 'retry.zarr');
    await shard(store, 0, 2);
    const failed = await recordHere([...args, '--zarr', store, '--shard', '1/2'], failingOrt);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^cellscope record: out of memory\. The shard stopped and is marked failed in .*retry\.zarr: run --shard 1\/2 again\./
      )
    ]);
    await refused(
      [...args, '--zarr', store, '--finalize'],
      /1 of the 2 shards .* are not done: 1 \(failed on .*: out of memory\)\. Run them \(--shard 1\/2\)/
    );
    await shard(store, 1, 2);
    await shard(store, 0, 2); // again, with the same options: it redoes its slice
    await finalize(store);
    expectSameStore(store, join(dir, 'one.zarr'));
  });

  it('refuses a finished store, --out, --force, and shards without --zarr', async () => {
    const done = join(dir, 'one.zarr');
    await refused(
      [...args, '--zarr', done, '--shard', '0/2'],
      /one\.zarr is a finished Zarr store .*Give a new directory, or remove this one/
    );
    await refused(
      [...args, '--zarr', done, '--finalize'],
      /one\.zarr is already finalized: it is a complete Zarr store/
    );
    await refused(
      [...args, '--out', join(dir, 'x'), '--zarr', join(dir, 'x.zarr'), '--shard', '0/2'],
      /--out does not apply to --shard: the shards write only the --zarr store\. Drop --out\./
    );
    await refused(
      [...args, '--force', '--zarr', join(dir, 'x.zarr'), '--finalize'],
      /--force does not apply to --finalize/
    );
    await refused([...args, '--shard', '0/2'], /--shard needs --zarr STORE/);
    const foreign = join(dir, 'foreign');
    await ok([...args, '--out', foreign]);
    await refused(
      [...args, '--zarr', foreign, '--shard', '0/2'],
      /holds files but no shards of a recording \(no \.cellscope-shards\)/
    );
    writeFileSync(join(dir, 'file.zarr'), 'x');
    await refused(
      [...args, '--zarr', join(dir, 'file.zarr'), '--shard', '0/2'],
      /file\.zarr is a file, not a directory/
    );
  });
});
