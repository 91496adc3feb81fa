/**
 * Opening a recording stored as Zarr over HTTP (zarrSource, through zarrita): stores written by
 * the `record` command in Zarr v3 and v2, plus a v2 store laid out the way zarr-python 2 writes
 * one with a compressor and Fortran order, served by a real HTTP server; values, tokens and text
 * read back exactly, only the chunks asked for are fetched, and broken stores say what is wrong.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictionsFromLogits } from '../../src/lib/analysis/predictions';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { RecordingReader } from '../../src/lib/store/reader';
import { TILE_UNITS } from '../../src/lib/store/tiles';
import { openZarrRecording, ZarrError } from '../../src/lib/store/zarrSource';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import { demoCorpusPath, demoModelPath, root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';

const run = promisify(execFile);
const T = 700;
const CHUNK = 256;
const dir = mkdtempSync(join(tmpdir(), 'cellscope-zarr-'));
const text = readFileSync(demoCorpusPath, 'utf8').slice(0, T);
let server: Server;
let base = '';
/** Paths the server was asked for, in order. */
const requested: string[] = [];

interface Manifest {
  tokens: number;
  chunkSize: number;
  streams: { name: string; file: string; shape: [number, number] }[];
}
let manifest: Manifest;

function record(zarr: string, version: string) {
  return run(process.execPath, [
    join(root, 'node_modules/tsx/dist/cli.mjs'),
    join(root, 'src/cli/record.ts'),
    '--model',
    demoModelPath,
    '--out',
    join(dir, `npy${version}`),
    '--text',
    join(dir, 'corpus.txt'),
    '--streams',
    'h,c',
    '--chunk',
    String(CHUNK),
    '--zarr',
    join(dir, zarr),
    '--zarr-version',
    version
  ]);
}

/**
 * Rewrite one v2 array of `store` as zarr-python 2 / xarray might have written it with their own
 * chunking: chunks of `chunks` (not the recorder's), Fortran order and a gzip compressor.
 */
function rechunkFortranGzip(store: string, name: string, chunks: [number, number]) {
  const at = join(dir, store, name);
  const meta = JSON.parse(readFileSync(join(at, '.zarray'), 'utf8'));
  const [T, U] = meta.shape as number[];
  const values = loadNpy(join(dir, 'npy2', `${name}.npy`)).data as Float32Array;
  for (const key of readdirSync(at).filter((f) => /^\d+\.\d+$/.test(f))) rmSync(join(at, key));
  writeFileSync(
    join(at, '.zarray'),
    JSON.stringify({ ...meta, chunks, order: 'F', compressor: { id: 'gzip', level: 1 } })
  );
  const [rows, cols] = chunks;
  for (let i = 0; i * rows < T; i++)
    for (let j = 0; j * cols < U; j++) {
      const f = new Float32Array(rows * cols); // edge chunks padded with the fill value
      for (let r = 0; r < rows && i * rows + r < T; r++)
        for (let u = 0; u < cols && j * cols + u < U; u++)
          f[u * rows + r] = values[(i * rows + r) * U + j * cols + u];
      writeFileSync(join(at, `${i}.${j}`), gzipSync(new Uint8Array(f.buffer)));
    }
}

beforeAll(async () => {
  writeFileSync(join(dir, 'corpus.txt'), text);
  await Promise.all([record('rec3.zarr', '3'), record('rec2.zarr', '2')]);
  manifest = JSON.parse(readFileSync(join(dir, 'npy3', 'manifest.json'), 'utf8'));

  cpSync(join(dir, 'rec2.zarr'), join(dir, 'f2.zarr'), { recursive: true });
  rechunkFortranGzip('f2.zarr', 'L1.fwd.h', [100, 96]);

  const group3 = JSON.parse(readFileSync(join(dir, 'rec3.zarr', 'zarr.json'), 'utf8'));
  const attrs2 = JSON.parse(readFileSync(join(dir, 'rec2.zarr', '.zattrs'), 'utf8'));
  const stores: Record<string, Record<string, unknown>> = {
    'plain3.zarr': { 'zarr.json': { zarr_format: 3, node_type: 'group', attributes: {} } },
    'plain2.zarr': { '.zgroup': { zarr_format: 2 }, '.zattrs': { title: 'some dataset' } },
    'future3.zarr': {
      'zarr.json': {
        ...group3,
        attributes: { cellscope: { ...group3.attributes.cellscope, format: 'cellscope-record/2' } }
      }
    },
    'future2.zarr': {
      '.zgroup': { zarr_format: 2 },
      '.zattrs': { cellscope: { ...attrs2.cellscope, format: 'cellscope-record/2' } }
    },
    // The group of a recording without its arrays (an upload that stopped half-way).
    'partial.zarr': { 'zarr.json': group3 },
    'array.zarr': {
      'zarr.json': JSON.parse(readFileSync(join(dir, 'rec3.zarr', 'tokens', 'zarr.json'), 'utf8'))
    }
  };
  for (const [name, files] of Object.entries(stores)) {
    mkdirSync(join(dir, name));
    for (const [file, body] of Object.entries(files))
      writeFileSync(join(dir, name, file), JSON.stringify(body));
  }
  mkdirSync(join(dir, 'broken.zarr'));
  writeFileSync(join(dir, 'broken.zarr', 'zarr.json'), '<!doctype html><p>Not JSON');

  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    requested.push(path);
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (path.startsWith('/error/')) {
      res.statusCode = 500;
      res.end();
      return;
    }
    const file = normalize(join(dir, decodeURIComponent(path)));
    try {
      if (!file.startsWith(dir + sep)) throw new Error('outside');
      res.end(readFileSync(file));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000); // two record commands: slow when the whole suite runs on two cores

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  rmSync(dir, { recursive: true, force: true });
});

function expectedTokens() {
  const info = prepareForRecording(decodeModel(new Uint8Array(readFileSync(demoModelPath)))).info;
  return createTokenizer(parseTokenizerSpec(info.metadata['cellscope.tokenizer'])).encode(text);
}

/** Same length and bit-for-bit the same values; names the first difference (no huge diffs). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  expect(got.length, what).toBe(want.length);
  let first = -1;
  for (let i = 0; i < want.length && first < 0; i++) if (!Object.is(got[i], want[i])) first = i;
  expect(first < 0 ? 'same' : `[${first}] ${got[first]} ≠ ${want[first]}`, what).toBe('same');
}

const npy = (version: string, stream: string) =>
  loadNpy(join(dir, `npy${version}`, `${stream}.npy`)).data as Float32Array;

describe('openZarrRecording', () => {
  for (const [what, store, version] of [
    ['Zarr v3 (the record command)', 'rec3.zarr', '3'],
    ['Zarr v2 (--zarr-version 2)', 'rec2.zarr', '2'],
    ['Zarr v2 with its own chunks, gzip and Fortran order', 'f2.zarr', '2']
  ] as const) {
    it(`reads a recording stored as ${what} exactly`, async () => {
      const { recording, corpus, source, vocab } = await openZarrRecording(`${base}/${store}/`);
      expect(recording.tokens).toBe(manifest.tokens);
      expect(recording.chunkSize).toBe(manifest.chunkSize);
      expect(recording.chunkStarts).toEqual([0, 256, 512]);
      expect(recording.streams.map((s) => [s.id, s.units])).toEqual(
        manifest.streams.map((s) => [s.name, s.shape[1]])
      );
      expect(recording.name).toBe(`code-lstm.onnx · ${store}`);
      expect(corpus.text).toBe(text);

      const reader = new RecordingReader(source, recording);
      expect(reader.length).toBe(T);
      for (const s of manifest.streams) {
        expectSame(await reader.window(s.name, 0, T), npy(version, s.name), s.name);
      }
      // A window across a chunk boundary, and a few columns over the whole recording.
      const h = npy(version, 'L1.fwd.h');
      expectSame(
        await reader.window('L1.fwd.h', 250, 260),
        h.subarray(250 * 256, 260 * 256),
        'window 250..260'
      );
      const cols = [3, 64, 200, 255];
      const got = await reader.columns('L1.fwd.h', cols, 100, 650);
      const want = new Float32Array(550 * cols.length);
      for (let t = 100; t < 650; t++)
        cols.forEach((u, j) => (want[(t - 100) * cols.length + j] = h[t * 256 + u]));
      expectSame(got, want, 'columns');

      const { ids, offsets } = expectedTokens();
      const tokens = await reader.tokens(0, T);
      expect(tokens.ids).toBeInstanceOf(Int32Array);
      expect(tokens.offsets).toBeInstanceOf(Uint32Array);
      expectSame(tokens.ids, ids, 'token ids');
      expectSame(tokens.offsets, offsets, 'token offsets');
      expectSame((await reader.tokens(300, 305)).ids, ids.subarray(300, 305), 'ids 300..305');

      // The LM head's predictions: what the app computes from the logits the CLI also saved.
      const logits = loadNpy(join(dir, `npy${version}`, 'logits.npy')).data as Float32Array;
      const next = Int32Array.from({ length: T }, (_, t) => (t + 1 < T ? ids[t + 1] : -1));
      const lm = predictionsFromLogits(logits, T, 98, next);
      const p = (await reader.predictions(0, T))!;
      expect(recording.logits).toBe('logits');
      expect(p.k).toBe(5);
      expectSame(p.loss, lm.loss, 'LM loss');
      expectSame(p.topIds, lm.topIds, 'top-5 ids');
      expectSame(p.topProbs, lm.topProbs, 'top-5 probabilities');
      expect(vocab).toHaveLength(98);
      expect(vocab![ids[10]]).toBe(text[10]); // a char model: token id → its character
    });
  }

  it('reads lazily: opening fetches metadata and the text, a window only its own chunks', async () => {
    const blocks = Math.ceil(256 / TILE_UNITS);
    const u70 = Math.floor(70 / TILE_UNITS);
    requested.length = 0;
    const { recording, source } = await openZarrRecording(`${base}/rec3.zarr`);
    expect(recording.tileUnits).toBe(TILE_UNITS);
    expect(requested.filter((p) => /\/c\//.test(p) && !p.startsWith('/rec3.zarr/text/'))).toEqual(
      []
    );
    requested.length = 0;
    const reader = new RecordingReader(source, recording);
    await reader.window('L0.fwd.c', 300, 310);
    expect(requested.sort()).toEqual(
      Array.from({ length: blocks }, (_, b) => `/rec3.zarr/L0.fwd.c/c/1/${b}`).sort()
    );
    requested.length = 0;
    await reader.columns('L0.fwd.c', [70], 600, 610);
    expect(requested).toEqual([`/rec3.zarr/L0.fwd.c/c/2/${u70}`]);

    // v2: chunk keys <row>.<block>, metadata from .zgroup/.zattrs/.zarray.
    requested.length = 0;
    const v2 = await openZarrRecording(`${base}/rec2.zarr`);
    expect(requested).toContain('/rec2.zarr/.zgroup');
    requested.length = 0;
    await new RecordingReader(v2.source, v2.recording).columns('L0.fwd.c', [70], 600, 610);
    expect(requested).toEqual([`/rec2.zarr/L0.fwd.c/2.${u70}`]);

    // A store chunked otherwise ([100, 96] here) : each of its chunks under a window is fetched
    // once, whatever the tile width.
    const f2 = await openZarrRecording(`${base}/f2.zarr`);
    requested.length = 0;
    await new RecordingReader(f2.source, f2.recording).window('L1.fwd.h', 300, 310);
    const want = [2, 3, 4, 5].flatMap((i) => [0, 1, 2].map((j) => `/f2.zarr/L1.fwd.h/${i}.${j}`));
    expect(requested.sort()).toEqual(want.sort());
  });

  for (const [what, path, message] of [
    ['a missing store (404)', '/nope.zarr', /answered HTTP 404/],
    ['a v3 store that is not a recording', '/plain3.zarr', /Zarr v3 store but not a cellscope/],
    ['a v2 store that is not a recording', '/plain2.zarr', /Zarr v2 store but not a cellscope/],
    [
      'a v3 recording of another format version',
      '/future3.zarr',
      /written in format cellscope-record\/2; this cellscope reads cellscope-record\/1/
    ],
    ['a v2 recording of another format version', '/future2.zarr', /format cellscope-record\/2/],
    [
      'a recording whose arrays are missing',
      '/partial.zarr',
      /has no array "[\w.]+" \(Zarr v3\), which the recording needs/
    ],
    ['an array instead of a group', '/array.zarr', /is a Zarr array, not a group/],
    ['metadata that is not JSON', '/broken.zarr', /zarr\.json is not valid Zarr metadata/],
    ['a server error', '/error/rec.zarr', /answered HTTP 500/]
  ] as const) {
    it(`says so for ${what}`, async () => {
      const err = await openZarrRecording(`${base}${path}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZarrError);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('says so for an unreachable server', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const err = await openZarrRecording(`http://127.0.0.1:${port}/rec.zarr`).catch(
      (e: unknown) => e
    );
    expect(err).toBeInstanceOf(ZarrError);
    expect((err as Error).message).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+\/rec\.zarr/);
  });
});
