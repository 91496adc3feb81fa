/**
 * Running `npm run analyze` in tests: in this process through its entry point (`analyzeHere`), or
 * as a real process (`analyze`: the exit code and stderr as a user sees them); and a Zarr store
 * written from a .npy recording with the record command's own writer, so both readers rank the
 * same float32 values.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { runAnalyze } from '../../src/cli/analyzeMain';
import { ZarrStoreWriter } from '../../src/cli/zarrStore';
import { readNpy } from '../../src/lib/export/npy';
import { root } from '../helpers/modelFixture';
import type { Outcome } from '../helpers/recordCli';

export const fixtures = join(root, 'tests/fixtures/analyze');
export const recDir = join(fixtures, 'rec');
export const trackCsv = join(fixtures, 'track.csv');

export async function analyzeHere(args: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAnalyze(args, {
    log: (l) => out.push(`${l}\n`),
    error: (l) => err.push(`${l}\n`)
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const run = promisify(execFile);

export async function analyze(args: string[]): Promise<Outcome> {
  try {
    const r = await run(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/analyze.ts'), ...args],
      { cwd: root, maxBuffer: 64 << 20 }
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The JSON a successful run printed. */
export function jsonOf(r: Outcome) {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

export function expectOneLineFailure(r: Outcome, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^cellscope analyze: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).not.toMatch(/unexpected error|\s+at \S+:\d+/);
  expect(r.stdout).toBe('');
}

/** A Zarr v3 store of the .npy recording in `npy`, chunked `chunkRows` × 16 like record --zarr. */
export function zarrFromNpy(npy: string, dir: string, chunkRows = 1024): void {
  const m = JSON.parse(readFileSync(join(npy, 'manifest.json'), 'utf8'));
  const load = (f: string) => readNpy(new Uint8Array(readFileSync(join(npy, f))));
  const streams = (m.streams as { name: string; file: string; shape: number[] }[]).map((s) => ({
    id: s.name,
    units: s.shape[1],
    kind: s.name.split('.')[2],
    data: load(s.file).data as Float32Array
  }));
  const T: number = m.tokens;
  const zarr = new ZarrStoreWriter(dir, streams, T, chunkRows);
  for (let c = 0; c * chunkRows < T; c++) {
    const rows = Math.min(chunkRows, T - c * chunkRows);
    zarr.writeRows(
      c * chunkRows,
      rows,
      Object.fromEntries(
        streams.map((s) => [
          s.id,
          s.data.subarray(c * chunkRows * s.units, (c * chunkRows + rows) * s.units)
        ])
      )
    );
  }
  zarr.writeTokens(
    load(m.corpus.tokens).data as Int32Array,
    load(m.corpus.offsets).data as Uint32Array,
    readFileSync(join(npy, m.corpus.text), 'utf8')
  );
  zarr.finish({
    format: m.format,
    tokens: T,
    chunkRows,
    streamSpecs: streams.map((s) => ({ id: s.id, units: s.units }))
  });
}
