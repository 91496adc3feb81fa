/**
 * Page side of the read benchmark (driven by src/cli/bench.ts through headless Chromium): writes a
 * synthetic recording with the app's own tile codec into real IndexedDB, and times the reader's two
 * access patterns. Values are a bounded AR(1) walk per unit, not zeros (Chromium compresses).
 */
import { CellscopeDB, type RecordingRow } from '../../src/lib/store/db';
import { RecordingReader } from '../../src/lib/store/reader';
import { chunkTiles } from '../../src/lib/store/recordings';
import type { StreamSpec } from '../../src/lib/record/streams';
import { unitTransform } from '../../src/lib/analysis/transform';
import { ColumnCache, matchTileBudget, runMatch } from '../../src/lib/query/runMatch';
import { rankAllUnits } from '../../src/lib/query/rankAll';

const STREAM = 'L0.fwd.h';
const dbName = (shape: string) => `bench-read-${shape}`;

interface Shape {
  steps: number;
  units: number;
  chunk: number;
  width: number;
}
const key = (s: Shape) => `${s.steps}x${s.units}-c${s.chunk}-w${s.width}`;

function recordingRow(s: Shape): RecordingRow {
  const chunks = Math.ceil(s.steps / s.chunk);
  const stream: StreamSpec = {
    id: STREAM,
    layer: 0,
    dir: 'fwd',
    kind: 'h',
    units: s.units,
    range: [-1, 1]
  };
  return {
    id: 1,
    modelSha: 'bench',
    corpusSha: 'bench',
    name: key(s),
    status: 'complete',
    streams: [stream],
    kinds: 'h',
    tokens: s.steps,
    chunkSize: s.chunk,
    tileUnits: s.width,
    documents: [{ name: 'bench', start: 0 }],
    chunkStarts: Array.from({ length: chunks }, (_, c) => c * s.chunk),
    chunks,
    chunksDone: chunks,
    unknownTokens: 0,
    unknownExamples: [],
    state: null,
    tokensPerSecond: null,
    createdAt: Date.now(),
    updatedAt: Date.now()
  };
}

async function write(s: Shape): Promise<{ ms: number; bytes: number }> {
  await new CellscopeDB(dbName(key(s))).delete();
  const db = new CellscopeDB(dbName(key(s)));
  const rec = recordingRow(s);
  await db.recordings.put(rec);
  let seed = 12345;
  const gauss = () => {
    // xorshift → sum of 4 uniforms: cheap and roughly normal.
    let g = 0;
    for (let i = 0; i < 4; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      g += (seed >>> 0) / 4294967296;
    }
    return g - 2;
  };
  const x = new Float32Array(s.units);
  let bytes = 0;
  const t0 = performance.now();
  for (let c = 0; c < rec.chunks; c++) {
    const rows = Math.min(s.chunk, s.steps - c * s.chunk);
    const data = new Float32Array(rows * s.units);
    for (let r = 0; r < rows; r++)
      for (let u = 0; u < s.units; u++) {
        x[u] = 0.97 * x[u] + 0.35 * gauss();
        data[r * s.units + u] = x[u] / (1 + Math.abs(x[u]));
      }
    const tiles = chunkTiles(
      1,
      { chunk: c, start: c * s.chunk, length: rows, streams: { [STREAM]: data } } as never,
      rec.streams,
      s.width
    );
    bytes += tiles.reduce((n, t) => n + t.tile.q.byteLength, 0);
    await db.tiles.bulkPut(tiles);
  }
  db.close();
  return { ms: performance.now() - t0, bytes };
}

let reader: RecordingReader | null = null;
let readerKey = '';

/** Time one read; `fresh` opens a new reader (empty LRU) first. */
async function read(
  s: Shape,
  pattern: 'window' | 'columns',
  fresh: boolean
): Promise<{ ms: number; checksum: number }> {
  if (fresh || readerKey !== key(s)) {
    const db = new CellscopeDB(dbName(key(s)));
    reader = new RecordingReader(db, (await db.recordings.get(1))!);
    readerKey = key(s);
  }
  const t0 = performance.now();
  const out =
    pattern === 'window'
      ? await reader!.window(STREAM, Math.floor(s.steps * 0.4), Math.floor(s.steps * 0.4) + 2000)
      : await reader!.columns(STREAM, [3, 70, 141, 200, 255, 300, 333, 401, 470, 511], 0, s.steps);
  const ms = performance.now() - t0;
  let checksum = 0;
  for (let i = 0; i < out.length; i += 997) checksum += out[i];
  return { ms, checksum };
}

const matchCache = new ColumnCache();
let matchReader: RecordingReader | null = null;

/**
 * A match query as the app's worker runs it, straight from IndexedDB: `first` with a new reader
 * (a user's first match), else the same query again at another θ (the worker keeps its reader
 * and column cache between queries).
 */
async function match(
  s: Shape,
  first: boolean
): Promise<{ ms: number; read: number; scan: number; rank: number; candidates: number }> {
  if (first) {
    const db = new CellscopeDB(dbName(key(s)));
    const rec = (await db.recordings.get(1))!;
    matchReader = new RecordingReader(db, rec, matchTileBudget(rec, 1));
  }
  const query = {
    stream: STREAM,
    units: [3, 70, 141, 200, 255, 300, 333, 401, 470, 511],
    threshold: first ? 0.3 : 0.35,
    padLeft: 1,
    padRight: 0,
    transform: unitTransform(new Float32Array(0), s.units, 'raw')
  };
  const t0 = performance.now();
  const res = await runMatch(matchReader!, query, { cache: matchCache });
  const ms = performance.now() - t0;
  return { ms, ...res.ms, candidates: res.candidates };
}

/**
 * Rank all units by a per-step target over the whole recording, as the worker does (a new
 * reader: every tile read from IndexedDB). The target is a made-up 0/1 track.
 */
async function rank(s: Shape): Promise<{ ms: number; top: number }> {
  const db = new CellscopeDB(dbName(key(s)));
  const rec = (await db.recordings.get(1))!;
  const r = new RecordingReader(db, rec, matchTileBudget(rec, 1));
  const target = Float32Array.from({ length: s.steps }, (_, t) => (t % 97 < 20 ? 1 : 0));
  const t0 = performance.now();
  const res = await rankAllUnits(r, target, { name: 'bench track' });
  const ms = performance.now() - t0;
  db.close();
  return { ms, top: res.units[0]?.score ?? 0 };
}

async function remove(s: Shape): Promise<void> {
  await new CellscopeDB(dbName(key(s))).delete();
}

Object.assign(window, { benchRead: { write, read, match, rank, remove } });
document.getElementById('ready')!.textContent = 'ready';
