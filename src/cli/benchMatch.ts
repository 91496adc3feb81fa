/**
 * match_ms (part of npm run bench): the whole match query (runMatch: read the selected columns,
 * scan every step, rank) over 1M steps × 512 units with 10 selected units, on tiles encoded with
 * the app's codec and held in memory: this isolates the query's own cost from storage. The same
 * query straight from IndexedDB in Chromium is match_idb_ms (benchRead.ts).
 * Baseline: the LSTMVis algorithm in numpy (tests/fixtures/lstmvis/match_ref.py) on the same
 * kind of data (each value 0.8 with probability 0.3, else 0.1), scoring all its candidates.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { unitTransform } from '../lib/analysis';
import { runMatch } from '../lib/query/runMatch';
import { encodeTile, RecordingReader, TILE_UNITS, type ChunkSource, type Tile } from '../lib/store';
import type { RecordingRow } from '../lib/store';

type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;

export async function matchBench(root: string, emit: Emit, steps = 1_000_000, units = 512) {
  const chunk = 2048;
  const chunks = Math.ceil(steps / chunk);
  const tiles = new Map<string, Tile>();
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let c = 0; c < chunks; c++) {
    const rows = Math.min(chunk, steps - c * chunk);
    const data = new Float32Array(rows * units);
    for (let i = 0; i < data.length; i++) data[i] = rand() < 0.3 ? 0.8 : 0.1;
    for (let b = 0; b * TILE_UNITS < units; b++)
      tiles.set(`${c}/${b}`, encodeTile(data, rows, TILE_UNITS, units, b * TILE_UNITS, [-1, 1]));
  }
  const source: ChunkSource = {
    tiles: async (_s, c, blocks) => blocks.map((b) => tiles.get(`${c}/${b}`)!),
    tokens: async () => ({ ids: new Int32Array(0), offsets: new Uint32Array(0) })
  };
  const rec = {
    id: 1,
    name: 'bench',
    status: 'complete',
    streams: [{ id: 'L0.fwd.h', layer: 0, dir: 'fwd', kind: 'h', units, range: [-1, 1] }],
    tokens: steps,
    chunkSize: chunk,
    tileUnits: TILE_UNITS,
    documents: [{ name: 'bench', start: 0 }],
    chunkStarts: Array.from({ length: chunks }, (_, c) => c * chunk),
    chunks,
    chunksDone: chunks
  } as unknown as RecordingRow;
  const selected = [3, 40, 77, 120, 161, 230, 301, 377, 420, 499];
  const query = {
    stream: 'L0.fwd.h',
    units: selected,
    threshold: 0.3,
    padLeft: 1,
    padRight: 0,
    transform: unitTransform(new Float32Array(0), units, 'raw')
  };
  const run = async () => {
    const reader = new RecordingReader(source, rec);
    const t = performance.now();
    const r = await runMatch(reader, query);
    return { ms: performance.now() - t, r };
  };
  const cold = await run();
  const warm = [await run(), await run(), await run()].sort((a, b) => a.ms - b.ms)[1];
  const py = process.env.BENCH_SKIP_LSTMVIS
    ? { stdout: '{}' }
    : spawnSync(
        '/usr/bin/python3',
        [
          join(root, 'tests/fixtures/lstmvis/match_ref.py'),
          '--bench',
          String(steps),
          String(units),
          '10'
        ],
        { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } }
      );
  const lstmvis = Number(JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}').value) || null;
  console.error(
    `# match: ${warm.r.candidates} candidates, ${warm.r.matches.length} ranked; warm read ${warm.r.ms.read.toFixed(0)} ms, scan ${warm.r.ms.scan.toFixed(0)} ms, rank ${warm.r.ms.rank.toFixed(0)} ms`
  );
  emit('match_ms_cold', cold.ms, 'ms', lstmvis);
  emit('match_ms_warm', warm.ms, 'ms', lstmvis);
  emit('match_scan_ms_warm', warm.r.ms.scan, 'ms', 100);
}
