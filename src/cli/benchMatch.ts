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
import { unitTransform } from '../lib/analysis/transform';
import { runMatch } from '../lib/query/runMatch';
import { memoryRecording } from '../lib/store/memoryRecording';
import { RecordingReader } from '../lib/store/reader';

type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;

export async function matchBench(root: string, emit: Emit, steps = 1_000_000, units = 512) {
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const { source, recording } = memoryRecording({
    steps,
    units,
    stream: 'L0.fwd.h',
    chunkValues: (_c, _start, rows) => {
      const data = new Float32Array(rows * units);
      for (let i = 0; i < data.length; i++) data[i] = rand() < 0.3 ? 0.8 : 0.1;
      return data;
    }
  });
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
    const reader = new RecordingReader(source, recording);
    const t = performance.now();
    const r = await runMatch(reader, query);
    return { ms: performance.now() - t, r };
  };
  const cold = await run();
  // Median of 7: this VM's timings vary by ±30% from run to run.
  const runs = [];
  for (let i = 0; i < 7; i++) runs.push(await run());
  const warm = runs.sort((a, b) => a.ms - b.ms)[3];
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
