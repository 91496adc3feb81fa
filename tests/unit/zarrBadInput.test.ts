/**
 * Bad Zarr stores opened by URL are refused cleanly: a ZarrError whose message names the file,
 * field or array, what is wrong and what to do; no raw TypeError, no stack trace, nothing read but
 * metadata, and no freeze (each refusal is quick, whatever size the store claims). Each case edits
 * a good store (written by the record command's Zarr writer, v3 and v2) and serves it over HTTP.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZarrStoreWriter } from '../../src/cli/zarrStore';
import { RecordingReader } from '../../src/lib/store/reader';
import { MAX_METADATA_BYTES } from '../../src/lib/store/zarrLimits';
import { checkMetadata } from '../../src/lib/store/zarrMetadata';
import { openZarrRecording, ZarrError } from '../../src/lib/store/zarrSource';

const T = 3000;
const ROWS = 1024;
const UNITS = 8;
const K = 3;
const dir = mkdtempSync(join(tmpdir(), 'cellscope-badzarr-'));
let server: Server;
let base = '';
const requested: string[] = [];

type Json = Record<string, unknown>;
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value));

/** A small, good recording: two streams, tokens, text and LM predictions. */
function writeGood(name: string, version: 2 | 3) {
  const streams = [
    { id: 'L0.fwd.h', units: UNITS, kind: 'h' },
    { id: 'L0.fwd.c', units: UNITS, kind: 'c' }
  ];
  const w = new ZarrStoreWriter(join(dir, name), streams, T, ROWS, version);
  const text = 'abcdefghij'.repeat(T / 10);
  for (let c = 0; c * ROWS < T; c++) {
    const rows = Math.min(ROWS, T - c * ROWS);
    const data = Float32Array.from({ length: rows * UNITS }, (_, i) => Math.sin(c * ROWS + i));
    w.writeRows(c * ROWS, rows, { 'L0.fwd.h': data, 'L0.fwd.c': data });
    w.writePredictions(c * ROWS, rows, {
      loss: new Float32Array(rows).fill(1),
      topIds: new Int32Array(rows * K),
      topProbs: new Float32Array(rows * K).fill(1 / K),
      k: K
    });
  }
  const ids = Int32Array.from({ length: T }, (_, t) => t % 10);
  w.writeTokens(
    ids,
    Uint32Array.from({ length: T }, (_, t) => t),
    text
  );
  w.finish({
    format: 'cellscope-record/1',
    tokens: T,
    chunkRows: ROWS,
    streamSpecs: streams.map((s) => ({ id: s.id, units: s.units })),
    model: { file: 'tiny.onnx', sha256: 'ab'.repeat(32) },
    lm: { logits: 'logits', k: K, vocab: 'abcdefghij'.split('') }
  });
}

/** Edits of a store that do not depend on its Zarr version. */
interface Store {
  version: 2 | 3;
  path: string;
  /** the cellscope attributes, edited in place */
  attrs(edit: (m: Json) => void): void;
  /** an array's shape, chunks and data type (v3 names; mapped to NumPy type strings in v2) */
  array(
    name: string,
    edit: { shape?: readonly number[]; chunks?: readonly number[]; dtype?: string }
  ): void;
}

const V2_TYPES: Record<string, string> = {
  float32: '<f4',
  int32: '<i4',
  uint8: '|u1',
  float64: '<f8',
  string: '|S10'
};

const METADATA = /(zarr\.json|\.zgroup|\.zattrs|\.zarray)$/;

let copies = 0;
function copyOf(version: 2 | 3): Store {
  const name = `case${++copies}.zarr`;
  const path = join(dir, name);
  // Metadata only: a refused store is never read further (expectRefused checks that).
  cpSync(join(dir, `good${version}.zarr`), path, {
    recursive: true,
    filter: (from) => statSync(from).isDirectory() || METADATA.test(from)
  });
  return {
    version,
    path: `/${name}`,
    attrs(edit) {
      const file = join(path, version === 3 ? 'zarr.json' : '.zattrs');
      const doc = readJson(file);
      const m = (version === 3 ? (doc.attributes as Json) : doc).cellscope as Json;
      edit(m);
      writeJson(file, doc);
    },
    array(arr, edit) {
      const file = join(path, arr, version === 3 ? 'zarr.json' : '.zarray');
      const doc = readJson(file);
      if (edit.shape) doc.shape = edit.shape;
      if (version === 3) {
        if (edit.chunks)
          doc.chunk_grid = { name: 'regular', configuration: { chunk_shape: edit.chunks } };
        if (edit.dtype) doc.data_type = edit.dtype;
      } else {
        if (edit.chunks) doc.chunks = edit.chunks;
        if (edit.dtype) doc.dtype = V2_TYPES[edit.dtype];
      }
      writeJson(file, doc);
    }
  };
}

beforeAll(async () => {
  writeGood('good3.zarr', 3);
  writeGood('good2.zarr', 2);
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    requested.push(path);
    res.setHeader('Access-Control-Allow-Origin', '*');
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
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/**
 * Open the store and expect a clean refusal: a ZarrError matching `message`, without a stack
 * trace or a raw JS error name in it, quick, and having fetched nothing but metadata.
 */
async function expectRefused(path: string, message: RegExp) {
  requested.length = 0;
  const started = performance.now();
  const err = await openZarrRecording(`${base}${path}`).catch((e: unknown) => e);
  const ms = performance.now() - started;
  expect(err, String(err)).toBeInstanceOf(ZarrError);
  const text = (err as Error).message;
  expect(text).toMatch(message);
  expect(text).not.toMatch(/\n\s+at |TypeError|RangeError|undefined \(reading/);
  expect(ms).toBeLessThan(5000);
  expect(requested.filter((p) => !METADATA.test(p))).toEqual([]);
  return text;
}

it('the good stores open (the cases below edit copies of them)', async () => {
  for (const version of [2, 3] as const) {
    const { recording, source } = await openZarrRecording(`${base}/good${version}.zarr`);
    const reader = new RecordingReader(source, recording);
    expect(reader.length).toBe(T);
    expect((await reader.window('L0.fwd.c', 1020, 1030)).length).toBe(10 * UNITS);
  }
});

describe('metadata that is JSON but not Zarr', () => {
  for (const [what, version, file, body, message] of [
    [
      'a zarr.json without zarr_format',
      3,
      'zarr.json',
      { hello: 'world' },
      /\/zarr\.json is JSON but not Zarr v3 metadata: zarr_format is missing\. Give the address of a Zarr store's root group/
    ],
    [
      'a zarr.json that is a list',
      3,
      'zarr.json',
      [1, 2],
      /\/zarr\.json is JSON but not Zarr v3 metadata: the document is \[1,2\], not an object/
    ],
    [
      'a zarr.json of another node type',
      3,
      'zarr.json',
      { zarr_format: 3, node_type: 'dataset' },
      /node_type is "dataset", not "group" or "array"/
    ],
    [
      'group attributes that are not an object',
      3,
      'zarr.json',
      { zarr_format: 3, node_type: 'group', attributes: 'cellscope' },
      /Zarr v3 group metadata: attributes is "cellscope", not an object/
    ],
    [
      'a .zgroup of another format',
      2,
      '.zgroup',
      { zarr_format: 3 },
      /\/\.zgroup is JSON but not Zarr v2 group metadata: zarr_format is 3, not 2 in a \.zgroup/
    ],
    [
      'a .zattrs that is not an object',
      2,
      '.zattrs',
      ['cellscope'],
      /\/\.zattrs is JSON but not Zarr attributes \(an object\)/
    ]
  ] as const) {
    it(`says what is wrong with ${what} (v${version})`, async () => {
      const s = copyOf(version);
      writeJson(join(dir, s.path, file), body);
      await expectRefused(s.path, message);
    });
  }
});

describe('array metadata', () => {
  for (const version of [3, 2] as const) {
    const chunkField = version === 3 ? 'chunk_grid\\.configuration\\.chunk_shape' : 'chunks';
    const file = version === 3 ? 'zarr\\.json' : '\\.zarray';
    for (const [what, edit, message] of [
      [
        'a negative chunk size',
        { chunks: [-16, 64] },
        new RegExp(
          `/L0\\.fwd\\.h/${file} is JSON but not Zarr v${version} array metadata: ${chunkField}\\[0\\] is -16, not a whole number ≥ 1\\. The store is damaged`
        )
      ],
      [
        'a chunk size of zero',
        { chunks: [1024, 0] },
        new RegExp(`${chunkField}\\[1\\] is 0, not a whole number ≥ 1`)
      ],
      [
        'a fractional chunk size',
        { chunks: [10.5, 64] },
        new RegExp(`${chunkField}\\[0\\] is 10.5, not a whole number ≥ 1`)
      ],
      [
        'absurd chunk sizes',
        { chunks: [1_000_000_000, 1_000_000_000] },
        /Array "L0\.fwd\.h" \(.*\) is stored in chunks of \[1,000,000,000, 1,000,000,000\] float32, 3,725,290,298.5 GiB each; cellscope reads chunks of at most 256 MiB.*Rechunk the array/
      ],
      [
        'a negative array size',
        { shape: [-3000, 8] },
        /shape\[0\] is -3,000, not a whole number ≥ 0/
      ],
      [
        'chunks of another rank than the shape',
        { chunks: [1024] },
        /Array "L0\.fwd\.h" \(.*\) has 2 dimensions \(shape \[3000, 8\]\) but chunks of 1/
      ],
      [
        'strings instead of numbers',
        { dtype: 'string' },
        /Array "L0\.fwd\.h" \(.*\) holds "(string|\|S10)", not numbers/
      ]
    ] as const) {
      it(`says what is wrong with ${what} (v${version})`, async () => {
        const s = copyOf(version);
        s.array('L0.fwd.h', edit);
        await expectRefused(s.path, message);
      });
    }
  }

  it('names a codec the reader does not have (v3) and a compressor (v2)', async () => {
    const s3 = copyOf(3);
    const f3 = join(dir, s3.path, 'tokens', 'zarr.json');
    writeJson(f3, {
      ...readJson(f3),
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'snappy' }]
    });
    await expectRefused(s3.path, /Array "tokens" \(.*\) is encoded with the codec "snappy"/);
    const s2 = copyOf(2);
    const f2 = join(dir, s2.path, 'tokens', '.zarray');
    writeJson(f2, { ...readJson(f2), compressor: { id: 'snappy' } });
    await expectRefused(s2.path, /Array "tokens" \(.*\) is encoded with the codec "snappy"/);
  });

  it('refuses a fill value that does not fit an integer array', async () => {
    const s = copyOf(3);
    const f = join(dir, s.path, 'tokens', 'zarr.json');
    writeJson(f, { ...readJson(f), fill_value: 'lots' });
    await expectRefused(s.path, /Array "tokens" \(.*\) holds int32 but its fill value is "lots"/);
  });

  it('refuses a metadata document too large to be one, before parsing it', () => {
    const ctx = { base: 'http://x/rec.zarr', codecs: new Set<string>() };
    expect(() =>
      checkMetadata('/L0.fwd.h/zarr.json', new Uint8Array(MAX_METADATA_BYTES + 1), ctx)
    ).toThrow(
      /^http:\/\/x\/rec\.zarr\/L0\.fwd\.h\/zarr\.json is 64 MiB: Zarr metadata is small, and cellscope reads at most 64 MiB of it/
    );
  });

  it('refuses array metadata that is not JSON', async () => {
    const s = copyOf(2);
    writeFileSync(join(dir, s.path, 'offsets', '.zarray'), '{"zarr_format": 2,');
    await expectRefused(s.path, /\/offsets\/\.zarray is not valid Zarr metadata: it is not JSON/);
  });
});

describe('the cellscope attributes and the arrays they describe', () => {
  for (const version of [3, 2] as const) {
    for (const [what, edit, message] of [
      [
        'billions of tokens',
        (s: Store) => s.attrs((m) => (m.tokens = 5_000_000_000)),
        /the recording's attribute cellscope\.tokens is 5,000,000,000, not a whole number from 1 to 100,000,000 \(cellscope opens recordings of at most that many tokens/
      ],
      [
        'a store whose arrays claim billions of tokens too',
        (s: Store) => {
          s.attrs((m) => (m.tokens = 5_000_000_000));
          for (const a of ['L0.fwd.h', 'L0.fwd.c']) s.array(a, { shape: [5_000_000_000, UNITS] });
          s.array('tokens', { shape: [5_000_000_000] });
        },
        /cellscope\.tokens is 5,000,000,000, not a whole number from 1 to 100,000,000/
      ],
      [
        'a negative token count',
        (s: Store) => s.attrs((m) => (m.tokens = -5)),
        /cellscope\.tokens is -5, not a whole number from 1/
      ],
      [
        'a negative recorder chunk',
        (s: Store) => s.attrs((m) => (m.chunkRows = -1024)),
        /cellscope\.chunkRows is -1,024, not a whole number from 1 to 100,000,000/
      ],
      [
        'a recorder chunk so small the recording has too many chunks',
        (s: Store) => {
          s.attrs((m) => {
            m.tokens = 90_000_000;
            m.chunkRows = 1;
          });
        },
        /cellscope\.chunkRows is 1 rows, which cuts the recording's 90,000,000 tokens into 90,000,000 chunks; cellscope reads at most 1,000,000\. Write the store again with a bigger --chunk/
      ],
      [
        'no streams',
        (s: Store) => s.attrs((m) => delete m.streamSpecs),
        /cellscope\.streamSpecs is missing\. Write the store again/
      ],
      [
        'a stream id that is not one',
        (s: Store) => s.attrs((m) => ((m.streamSpecs as Json[])[1].id = 'hidden')),
        /cellscope\.streamSpecs\[1\]\.id is "hidden", not a stream id such as "L0\.fwd\.h"/
      ],
      [
        'a stream listed twice',
        (s: Store) => s.attrs((m) => ((m.streamSpecs as Json[])[1].id = 'L0.fwd.h')),
        /cellscope\.streamSpecs lists stream L0\.fwd\.h twice/
      ],
      [
        'absurd units',
        (s: Store) => s.attrs((m) => ((m.streamSpecs as Json[])[0].units = 1e12)),
        /cellscope\.streamSpecs\[0\]\.units is 1,000,000,000,000, not a whole number from 1 to 65,536/
      ],
      [
        'a stream whose units differ from its array',
        (s: Store) => s.attrs((m) => ((m.streamSpecs as Json[])[1].units = 16)),
        /Array "L0\.fwd\.c" \(.*\) has 8 units \(shape \[3,000, 8\]\), but cellscope\.streamSpecs \(L0\.fwd\.c\) gives it 16: it should be \[3,000, 16\] \(tokens × units\)/
      ],
      [
        'a stream array of the wrong rank',
        (s: Store) => s.array('L0.fwd.h', { shape: [T], chunks: [ROWS] }),
        /Array "L0\.fwd\.h" \(.*\) has shape \[3,000\], but the recording's attributes make it \[3,000, 8\] \(tokens × units\)/
      ],
      [
        'a token array shorter than the recording',
        (s: Store) => s.array('tokens', { shape: [2000] }),
        /Array "tokens" \(.*\) has 2,000 rows, but the recording has 3,000 tokens \(cellscope\.tokens\): it is shorter than the recording, so the arrays do not belong together/
      ],
      [
        'offsets shorter than the recording',
        (s: Store) => s.array('offsets', { shape: [10] }),
        /Array "offsets" .* has 10 rows, but the recording has 3,000 tokens/
      ],
      [
        'a stream shorter than the recording',
        (s: Store) => s.array('L0.fwd.c', { shape: [2999, UNITS] }),
        /Array "L0\.fwd\.c" .* has 2,999 rows, but the recording has 3,000 tokens/
      ],
      [
        'token ids stored as floats',
        (s: Store) => s.array('tokens', { dtype: 'float32' }),
        /Array "tokens" \(.*\) holds float32, but token ids are integers \(int8…int64 or uint8…uint64\)\. Write it with that type/
      ],
      [
        'the text stored as int32',
        (s: Store) => s.array('text', { dtype: 'int32' }),
        /Array "text" \(.*\) holds int32, but the corpus text is UTF-8 bytes \(uint8\)/
      ],
      [
        'probabilities stored as integers',
        (s: Store) => s.array('lm_top_probs', { dtype: 'int32' }),
        /Array "lm_top_probs" .* holds int32, but probabilities are floats/
      ],
      [
        'top-k ids of another k',
        (s: Store) => s.attrs((m) => ((m.lm as Json).k = 5)),
        /Array "lm_top_ids" .* has 3 ranks \(shape \[3,000, 3\]\), but cellscope\.lm\.k gives it 5/
      ],
      [
        'a vocabulary that is not tokens',
        (s: Store) => s.attrs((m) => ((m.lm as Json).vocab = [1, 2, 3])),
        /cellscope\.lm\.vocab\[0\] is 1, not a token \(a string\)/
      ],
      [
        'an absurd top-k',
        (s: Store) => s.attrs((m) => ((m.lm as Json).k = -1)),
        /cellscope\.lm\.k is -1, not a whole number from 1 to 1,000/
      ],
      [
        'a text that claims gigabytes',
        (s: Store) => s.array('text', { shape: [5 * 2 ** 30], chunks: [2 ** 20] }),
        /Array "text" \(.*\) holds 5 GiB of text; cellscope reads at most 256 MiB with a recording/
      ],
      [
        'a text in thousands of chunks',
        (s: Store) => s.array('text', { chunks: [1] }),
        /Array "text" \(.*\) is split into 3,000 chunks of 1 bytes; the text is read whole on open, from at most 1,024 chunks/
      ],
      [
        'streams stored a row per chunk',
        (s: Store) => {
          s.attrs((m) => (m.chunkRows = 2048));
          s.array('L0.fwd.h', { chunks: [1, 64] });
        },
        /Array "L0\.fwd\.h" \(.*\) is stored in chunks of 1 rows: reading one recorder chunk of 2,048 rows would fetch 2,048 of them \(at most 1,024\)\. Rechunk it with at least 2 rows per chunk/
      ]
    ] as const) {
      it(`says what is wrong with ${what} (v${version})`, async () => {
        const s = copyOf(version);
        edit(s);
        await expectRefused(s.path, message);
      });
    }
  }
});

it('a refusal leaves the reader usable: a good store opens right after', async () => {
  const s = copyOf(3);
  s.attrs((m) => (m.tokens = 5_000_000_000));
  await expectRefused(s.path, /cellscope\.tokens/);
  const { recording } = await openZarrRecording(`${base}/good3.zarr`);
  expect(recording.tokens).toBe(T);
});
