/**
 * Page side of the analysis benchmark (driven by src/cli/benchAnalysis.ts through headless
 * Chromium): a synthetic recording shaped like the demo model's h and c of two layers — 4
 * streams × 256 units × 1M steps, written with the app's tile codec into real IndexedDB (h at
 * its fixed range, c with per-unit ranges per chunk, as the recorder stores them) — then:
 * reading every byte of it once (the baseline), ranking every unit against a 0/1 track (AUC,
 * held-out, chance), and one unit's page over the whole recording.
 */
import { CellscopeDB, type RecordingRow } from '../../src/lib/store/db';
import { RecordingReader } from '../../src/lib/store/reader';
import { chunkTiles } from '../../src/lib/store/recordings';
import type { StreamSpec } from '../../src/lib/record/streams';
import { matchTileBudget } from '../../src/lib/query/runMatch';
import { rankAllUnits } from '../../src/lib/query/rankAll';
import { runUnitProfile } from '../../src/lib/query/runUnitProfile';

const DB = 'bench-analysis';
const CHUNK = 2048;
const WIDTH = 16;
const UNITS = 256;
const STREAMS: StreamSpec[] = [0, 1].flatMap((layer) =>
  (['h', 'c'] as const).map((kind) => ({
    id: `L${layer}.fwd.${kind}`,
    layer,
    dir: 'fwd' as const,
    kind,
    units: UNITS,
    range: kind === 'h' ? ([-1, 1] as [number, number]) : null
  }))
);

function recordingRow(steps: number): RecordingRow {
  const chunks = Math.ceil(steps / CHUNK);
  return {
    id: 1,
    modelSha: 'bench',
    corpusSha: 'bench',
    name: 'analysis bench',
    status: 'complete',
    streams: STREAMS,
    kinds: 'h,c',
    tokens: steps,
    chunkSize: CHUNK,
    tileUnits: WIDTH,
    documents: [{ name: 'bench', start: 0 }],
    chunkStarts: Array.from({ length: chunks }, (_, c) => c * CHUNK),
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

/** A 0/1 track of runs at random places (about 2% of steps), like "inside a string". */
function track(steps: number): Float32Array {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const y = new Float32Array(steps);
  for (let t = 0; t < steps; t += 100 + Math.floor(rand() * 400)) y.fill(1, t, t + 8);
  return y;
}

async function write(steps: number): Promise<{ ms: number; bytes: number }> {
  await new CellscopeDB(DB).delete();
  const db = new CellscopeDB(DB);
  const rec = recordingRow(steps);
  await db.recordings.put(rec);
  const y = track(steps);
  let seed = 12345;
  const noise = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296 - 0.5;
  };
  // Each unit an AR(1) walk; unit 7 of each stream also follows the track.
  const x = STREAMS.map(() => new Float32Array(UNITS));
  let bytes = 0;
  const t0 = performance.now();
  for (let c = 0; c < rec.chunks; c++) {
    const rows = Math.min(CHUNK, steps - c * CHUNK);
    const streams: Record<string, Float32Array> = {};
    STREAMS.forEach((s, i) => {
      const data = new Float32Array(rows * UNITS);
      const xs = x[i];
      for (let r = 0; r < rows; r++) {
        const inTrack = y[c * CHUNK + r];
        for (let u = 0; u < UNITS; u++) {
          xs[u] = 0.97 * xs[u] + 0.5 * noise() + (u === 7 ? 0.3 * inTrack : 0);
          data[r * UNITS + u] = s.kind === 'h' ? Math.tanh(xs[u]) : 3 * xs[u];
        }
      }
      streams[s.id] = data;
    });
    const tiles = chunkTiles(
      1,
      { chunk: c, start: c * CHUNK, length: rows, streams } as never,
      rec.streams,
      WIDTH
    );
    bytes += tiles.reduce((n, t) => n + t.tile.q.byteLength, 0);
    await db.tiles.bulkPut(tiles);
  }
  db.close();
  return { ms: performance.now() - t0, bytes };
}

async function openReader(): Promise<RecordingReader> {
  const db = new CellscopeDB(DB);
  const rec = (await db.recordings.get(1))!;
  return new RecordingReader(db, rec, matchTileBudget(rec, 1));
}

/** The baseline: every stored byte read once, as the ranking reads it (a new reader). */
async function readAll(): Promise<{ ms: number }> {
  const reader = await openReader();
  const t0 = performance.now();
  for (const s of STREAMS)
    for (let b = 0; b < UNITS; b += WIDTH) {
      const units = Array.from({ length: WIDTH }, (_, i) => b + i);
      await reader.codeColumns(s.id, units, 0, reader.length);
    }
  return { ms: performance.now() - t0 };
}

async function rankAll(): Promise<{ ms: number; best: string; score: number; chance: number }> {
  const reader = await openReader();
  const y = track(reader.length);
  const t0 = performance.now();
  const rep = await rankAllUnits(reader, y, { name: 'bench track' });
  const ms = performance.now() - t0;
  const top = rep.units[0];
  return {
    ms,
    best: `${top.stream}:${top.unit}`,
    score: top.score ?? 0,
    chance: rep.chance.best ?? 0
  };
}

/**
 * One unit's page over the whole recording (histograms, top-k, quantile samples), with a new
 * reader; its baseline is reading that unit's column once.
 */
async function unitPage(): Promise<{ ms: number; readMs: number }> {
  const reader = await openReader();
  const t0 = performance.now();
  await reader.codeColumns('L0.fwd.c', [37], 0, reader.length);
  const readMs = performance.now() - t0;
  const fresh = await openReader();
  const t1 = performance.now();
  await runUnitProfile(fresh, 'L0.fwd.c', 37, { tokens: false });
  return { ms: performance.now() - t1, readMs };
}

async function remove(): Promise<void> {
  await new CellscopeDB(DB).delete();
}

Object.assign(window, { benchAnalysis: { write, readAll, rankAll, unitPage, remove } });
document.getElementById('ready')!.textContent = 'ready';
