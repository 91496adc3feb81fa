/**
 * Open a recording stored as Zarr over HTTP, through zarrita: a v3 store as written by
 * `npm run record -- --zarr DIR`, or a v2 store (.zgroup/.zattrs/.zarray) with the same arrays and
 * attributes, as zarr-python 2 / xarray write it (`--zarr-version 2` writes one too). Only the
 * metadata is read on open; the text once; tiles and tokens lazily, chunk by chunk, through the
 * same reader the explorer uses for IndexedDB recordings.
 *
 * Reads go through zarrita's selection API, so the store's own chunking, byte order, memory order
 * and codecs (gzip, zlib, blosc, zstd, lz4…) are whatever the writer chose; a chunk file that is
 * absent reads as the fill value, as Zarr specifies. No origin but the given URL's is contacted.
 *
 * Nothing is trusted before it is checked: every metadata document is validated as it is fetched
 * (zarrMetadata), then the cellscope attributes and each array against them (zarrAttributes),
 * within the bounds of zarrLimits, before anything sized by the store is allocated or fetched.
 */
import type * as Zarrita from 'zarrita';
import { planChunks } from '../record/core';
import { type StreamSpec } from '../record/streams';
import { lineStarts } from '../tokenize/lines';
import { corpusPreview, type LoadedCorpus, type RecordingRow } from './db';
import type { ChunkSource } from './reader';
import type { Tile } from './tiles';
import {
  checkArray,
  checkChunkRows,
  checkDocuments,
  checkText,
  parseAttributes
} from './zarrAttributes';
import { ZarrError } from './zarrError';
import { checkedStore } from './zarrMetadata';

export { ZarrError };

type Store = Zarrita.AsyncReadable;
type ZArray = Zarrita.Array<Zarrita.DataType, Store>;
type ZGroup = Zarrita.Group<Store>;
type Numbers = ArrayLike<number> | BigInt64Array | BigUint64Array;

/** zarrita, loaded with the first store opened: pages that never open one do not download it. */
let zarr: typeof Zarrita;
let loading: Promise<void> | undefined;
async function loadZarrita(): Promise<void> {
  loading ??= import('zarrita').then(
    (m) => {
      zarr = m;
    },
    (e: Error) => {
      loading = undefined;
      throw new ZarrError(`Could not load the Zarr reader (${e.message}).`);
    }
  );
  await loading;
}

/**
 * fetch for the store: network failures and HTTP errors other than 404 become ZarrErrors that say
 * what happened (a 404 is a missing key, which zarrita handles: absent metadata, or a chunk that
 * holds only the fill value).
 */
async function guardedFetch(request: Request): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(request);
  } catch (e) {
    throw new ZarrError(
      `Cannot reach ${request.url} (${(e as Error).message}). Check the address, and that the server allows cross-origin requests (CORS).`
    );
  }
  if (!res.ok && res.status !== 404)
    throw new ZarrError(`${request.url} answered HTTP ${res.status}.`);
  return res;
}

function streamSpec(id: string, units: number): StreamSpec {
  const m = id.match(/^L(\d+)\.(fwd|bwd)\.(\w+)$/);
  if (!m) throw new ZarrError(`Stream "${id}" in the store is not a cellscope stream id.`);
  return {
    id,
    layer: Number(m[1]),
    dir: m[2] as 'fwd' | 'bwd',
    kind: m[3] as StreamSpec['kind'],
    units,
    range: null
  };
}

/** The root group, v3 (zarr.json) first, then v2 (.zgroup + .zattrs). */
async function openGroup(store: Store, base: string): Promise<{ group: ZGroup; version: 2 | 3 }> {
  const problems: string[] = [];
  for (const version of [3, 2] as const) {
    try {
      const group =
        version === 3
          ? await zarr.open.v3(store, { kind: 'group' })
          : await zarr.open.v2(store, { kind: 'group' });
      return { group, version };
    } catch (e) {
      if (e instanceof ZarrError) throw e;
      if (zarr.isZarritaError(e, 'NotFoundError') && e.found === 'array')
        throw new ZarrError(
          `${base} is a Zarr array, not a group: give the address of the recording's group.`
        );
      if (zarr.isZarritaError(e, 'InvalidMetadataError'))
        problems.push(
          `${base}/${version === 3 ? 'zarr.json' : '.zgroup'} is not valid Zarr metadata (${e.message})`
        );
      else if (!zarr.isZarritaError(e, 'NotFoundError')) throw e;
    }
  }
  if (problems.length) throw new ZarrError(`${problems.join('; ')}: this is not a Zarr store.`);
  throw new ZarrError(
    `${base} answered HTTP 404 for zarr.json (Zarr v3) and .zgroup (Zarr v2): there is no Zarr store at this address.`
  );
}

async function openArray(
  group: ZGroup,
  version: 2 | 3,
  name: string,
  base: string
): Promise<ZArray> {
  const at = group.resolve(name);
  let arr: ZArray;
  try {
    arr =
      version === 3
        ? await zarr.open.v3(at, { kind: 'array' })
        : await zarr.open.v2(at, { kind: 'array', attrs: false });
  } catch (e) {
    if (e instanceof ZarrError) throw e;
    if (zarr.isZarritaError(e, 'NotFoundError'))
      throw new ZarrError(
        `${base} has no array "${name}" (Zarr v${version}), which the recording needs: the store is incomplete.`
      );
    throw new ZarrError(`${base}/${name}: ${(e as Error).message}`);
  }
  return arr;
}

/** A [rows, cols] selection as C-order Float32Array, whatever the store's dtype and order. */
function toFloat32(chunk: Zarrita.Chunk<Zarrita.DataType>): Float32Array {
  const [rows, cols] = chunk.shape;
  const [s0, s1] = chunk.stride;
  const data = chunk.data as Numbers;
  if (data instanceof Float32Array && s1 === 1 && s0 === cols) return data;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = Number(data[r * s0 + c * s1]);
  return out;
}

/**
 * The unit ranges to read for some tiles (blocks of `tileUnits` units): blocks whose units fall in
 * the same store chunks are read together, so each chunk of the store is fetched once.
 */
function unitRuns(blocks: number[], tileUnits: number, units: number, chunkUnits: number) {
  const runs: { from: number; to: number; lastChunk: number; members: number[] }[] = [];
  for (const b of [...new Set(blocks)].sort((x, y) => x - y)) {
    const from = b * tileUnits;
    const to = Math.min(units, from + tileUnits);
    if (from >= to) throw new ZarrError(`Tile ${b} is past the last unit (${units}).`);
    const run = runs.at(-1);
    if (run && Math.floor(from / chunkUnits) <= run.lastChunk) {
      run.to = to;
      run.members.push(b);
    } else runs.push({ from, to, lastChunk: 0, members: [b] });
    runs.at(-1)!.lastChunk = Math.floor((to - 1) / chunkUnits);
  }
  return runs;
}

/** Elements [from, to) of a 1-D array. */
async function read1d(arr: ZArray, from: number, to: number): Promise<Numbers> {
  return (await zarr.get(arr, [zarr.slice(from, to)])).data as Numbers;
}

export interface ZarrRecording {
  recording: RecordingRow;
  corpus: LoadedCorpus;
  source: ChunkSource;
  /** the model's vocabulary (id → token), when the store has LM predictions */
  vocab: string[] | null;
}

function webAddress(url: string, base: string): string {
  try {
    return new URL(base, globalThis.location?.href).href;
  } catch {
    throw new ZarrError(`"${url}" is not a web address.`);
  }
}

/**
 * `url`: the store's address, fetched over HTTP; or, with `inner` (another zarrita store, e.g.
 * the CLI's directory store), only the name messages give the store.
 */
export async function openZarrRecording(
  url: string,
  inner?: Zarrita.AsyncReadable
): Promise<ZarrRecording> {
  const base = url.replace(/\/+$/, '');
  const href = inner ? null : webAddress(url, base);
  await loadZarrita();
  const store = checkedStore(inner ?? new zarr.FetchStore(href!, { fetch: guardedFetch }), {
    base,
    codecs: new Set(zarr.registry.keys())
  });
  const { group, version } = await openGroup(store, base);
  const m = parseAttributes(group.attrs, base, version);
  const T = m.tokens;
  const streams = m.streamSpecs.map((s) => streamSpec(s.id, s.units));

  const open = (name: string) => openArray(group, version, name, base);
  const [arrays, tokenArr, offsetArr, textArr] = await Promise.all([
    Promise.all(streams.map((s) => open(s.id))),
    open('tokens'),
    open('offsets'),
    open('text')
  ]);
  // Recorder chunks as written; a store from another writer may lack chunkRows: its own chunks.
  const rows = m.chunkRows ?? arrays[0].chunks[0] ?? 0;
  checkChunkRows(
    base,
    T,
    rows,
    m.chunkRows ? 'cellscope.chunkRows' : `the chunk height of ${streams[0].id}`
  );
  const perRead = Math.min(rows, T);
  const tokensRole = {
    kind: 'integer',
    shape: [T],
    axes: ['tokens'],
    rowsPerRead: perRead
  } as const;
  streams.forEach((s, i) =>
    checkArray(base, s.id, arrays[i], {
      what: 'hidden states',
      kind: 'number',
      shape: [T, s.units],
      axes: ['tokens', 'units'],
      source: `cellscope.streamSpecs (${s.id})`,
      rowsPerRead: perRead
    })
  );
  checkArray(base, 'tokens', tokenArr, { ...tokensRole, what: 'token ids' });
  checkArray(base, 'offsets', offsetArr, { ...tokensRole, what: 'text offsets' });
  checkText(base, textArr);
  const lm = m.lm ? await openPredictions(open, base, T, m.lm.k, perRead) : null;
  const byStream = new Map(streams.map((s, i) => [s.id, arrays[i]]));
  // Tiles as wide as the store's chunks, so that a tile is one fetch (64 in older stores).
  const tileUnits = Math.min(arrays[0].chunks[1], Math.max(...streams.map((s) => s.units)));

  const bytes = (await zarr.get(textArr, null)).data as Numbers;
  const text = new TextDecoder().decode(
    bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes as ArrayLike<number>)
  );
  const plan = planChunks(T, rows);
  const documents = checkDocuments(base, m.documents, T, text.length);
  const now = Date.now();
  // When it was recorded (the record command writes it), so its exports and title carry that date.
  const recorded = Date.parse(m.createdAt ?? '');
  const recording: RecordingRow = {
    id: -1,
    modelSha: m.model?.sha256 ?? '',
    corpusSha: '',
    name: `${m.model?.file ?? 'model'} · ${base.split('/').pop()}`,
    status: 'complete',
    streams,
    kinds: [...new Set(streams.map((s) => s.kind))].join(','),
    tokens: T,
    chunkSize: rows,
    tileUnits,
    logits: lm ? m.lm!.logits : null,
    documents: documents.map((d) => ({ name: d.name, start: d.token })),
    chunkStarts: plan.map((c) => c.start),
    chunks: plan.length,
    chunksDone: plan.length,
    unknownTokens: 0,
    unknownExamples: [],
    state: null,
    tokensPerSecond: null,
    createdAt: Number.isFinite(recorded) ? recorded : now,
    updatedAt: now
  };
  const corpus: LoadedCorpus = {
    sha256: '',
    name: base,
    text,
    preview: corpusPreview(text),
    chars: text.length,
    lines: lineStarts(text).length,
    documents: documents.map(({ name, start, end }) => ({ name, start, end })),
    bundled: false,
    addedAt: now
  };
  const span = (c: number) => {
    if (!plan[c]) throw new ZarrError(`Chunk ${c} is past the end of the recording.`);
    return [plan[c].start, plan[c].start + plan[c].length] as const;
  };
  const source: ChunkSource = {
    async tiles(stream, chunk, blocks) {
      const arr = byStream.get(stream);
      if (!arr) throw new ZarrError(`Stream ${stream} is not in this recording.`);
      const units = arr.shape[1];
      const [t0, t1] = span(chunk);
      const tiles = new Map<number, Tile>();
      await Promise.all(
        unitRuns(blocks, tileUnits, units, arr.chunks[1]).map(async ({ from, to, members }) => {
          const sel = await zarr.get(arr, [zarr.slice(t0, t1), zarr.slice(from, to)]);
          const all = toFloat32(sel);
          const width = to - from;
          for (const b of members) {
            const u0 = b * tileUnits;
            const n = Math.min(tileUnits, units - u0);
            let f32 = all;
            if (n !== width) {
              f32 = new Float32Array((t1 - t0) * n);
              for (let r = 0; r < t1 - t0; r++)
                f32.set(all.subarray(r * width + u0 - from, r * width + u0 - from + n), r * n);
            }
            tiles.set(b, { rows: t1 - t0, units: n, q: new Uint8Array(0), f32 });
          }
        })
      );
      return blocks.map((b) => tiles.get(b)!);
    },
    predictions: lm
      ? async (chunk) => {
          const [t0, t1] = span(chunk);
          return { recordingId: -1, chunk, ...(await lm.read(t0, t1)) };
        }
      : undefined,
    async tokens(chunk) {
      const [t0, t1] = span(chunk);
      const [ids, offsets] = await Promise.all([
        read1d(tokenArr, t0, t1),
        read1d(offsetArr, t0, t1)
      ]);
      return {
        ids: ids instanceof Int32Array ? ids : Int32Array.from(ids as ArrayLike<number>, Number),
        offsets:
          offsets instanceof Uint32Array
            ? offsets
            : Uint32Array.from(offsets as ArrayLike<number>, Number)
      };
    }
  };
  return { recording, corpus, source, vocab: lm ? (m.lm?.vocab ?? null) : null };
}

/** The LM head's predictions stored with the recording (lm_loss, lm_top_ids, lm_top_probs). */
async function openPredictions(
  open: (name: string) => Promise<ZArray>,
  base: string,
  T: number,
  k: number,
  chunkRows: number
) {
  const [loss, ids, probs] = await Promise.all(
    ['lm_loss', 'lm_top_ids', 'lm_top_probs'].map((n) => open(n))
  );
  const topK = {
    shape: [T, k],
    axes: ['tokens', 'ranks'],
    source: 'cellscope.lm.k',
    rowsPerRead: chunkRows
  };
  checkArray(base, 'lm_loss', loss, {
    what: 'losses',
    kind: 'float',
    shape: [T],
    axes: ['tokens'],
    rowsPerRead: chunkRows
  });
  checkArray(base, 'lm_top_ids', ids, { ...topK, what: 'predicted token ids', kind: 'integer' });
  checkArray(base, 'lm_top_probs', probs, { ...topK, what: 'probabilities', kind: 'float' });
  const rows = async (arr: ZArray, t0: number, t1: number) =>
    toFloat32(await zarr.get(arr, [zarr.slice(t0, t1), null]));
  return {
    async read(t0: number, t1: number) {
      const [l, i, p] = await Promise.all([
        read1d(loss, t0, t1),
        rows(ids, t0, t1),
        rows(probs, t0, t1)
      ]);
      return {
        loss: l instanceof Float32Array ? l : Float32Array.from(l as ArrayLike<number>, Number),
        topIds: Int32Array.from(i),
        topProbs: p,
        k
      };
    }
  };
}
