/**
 * The xarray + Dask example (src/cli/scaleout/rank_units.py, Debian python3-xarray, python3-dask,
 * python3-zarr) ranks every unit of a store as `npm run analyze -- rank` does: the same AUC,
 * score, sign and held-out score for every unit, the same held-out pick, split, base rate and
 * chance baseline — on a Zarr v3 store of many documents (read by the example's own v3 chunk
 * reader: Debian's zarr-python 2.13 cannot read v3) and on a Zarr v2 store of one document (read
 * by xarray.open_zarr; held out by halves). Steps where the track is empty are left out by both.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';
import { recordHere } from '../helpers/recordCli';
import { parenModel, writeParenDocuments } from '../helpers/shardStores';
import { analyzeHere, jsonOf } from './analyzeRun';

const run = promisify(execFile);
const script = join(root, 'src/cli/scaleout/rank_units.py');
const dir = mkdtempSync(join(tmpdir(), 'cellscope-xarray-'));
const corpus = writeParenDocuments(join(dir, 'corpus.txt'), 9);

async function python(args: string[]) {
  try {
    const r = await run('/usr/bin/python3', [script, ...args], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
      maxBuffer: 64 << 20
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** 1 inside parentheses, 0 outside, by each step's character; every 37th step left empty. */
function insideTrack(store: string): string {
  const manifest = JSON.parse(readFileSync(join(store, '..', 'npy', 'manifest.json'), 'utf8'));
  const offsets = loadNpy(join(store, '..', 'npy', 'corpus.offsets.npy')).data as Uint32Array;
  const text = readFileSync(join(store, '..', 'npy', 'corpus.txt'), 'utf8');
  expect(offsets).toHaveLength(manifest.tokens);
  let depth = 0;
  const rows = ['token,inside'];
  offsets.forEach((o, t) => {
    if (text[o] === '(') depth++;
    rows.push(`${t},${t % 37 === 0 ? '' : depth > 0 ? 1 : 0}`);
    if (text[o] === ')') depth--;
  });
  const path = join(store, '..', 'track.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

interface Unit {
  stream: string;
  unit: number;
  score: number | null;
  sign: number;
  auc: number | null;
  heldout: number | null;
}

const stores: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, more] of [
    ['v3-documents', ['--documents', 'blank-lines']],
    ['v2-one-document', ['--zarr-version', '2']]
  ] as const) {
    const r = await recordHere([
      '--model',
      parenModel,
      '--text',
      corpus,
      '--chunk',
      '100',
      ...more,
      '--out',
      join(dir, name, 'npy'),
      '--zarr',
      join(dir, name, 'rec.zarr')
    ]);
    expect(r.stderr).toBe('');
    stores[name] = join(dir, name, 'rec.zarr');
  }
});

describe('rank_units.py (xarray + Dask) and npm run analyze -- rank', () => {
  for (const [name, by] of [
    ['v3-documents', 'documents'],
    ['v2-one-document', 'halves']
  ] as const)
    it(`give the same numbers for every unit (${name}: held out by ${by})`, async () => {
      const store = stores[name];
      const track = insideTrack(store);
      const cellscope = jsonOf(
        await analyzeHere([
          'rank',
          '--recording',
          store,
          '--track',
          track,
          '--column',
          'inside',
          '--json'
        ])
      );
      const r = await python([store, '--track', track, '--column', 'inside', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const ours = JSON.parse(r.stdout);
      expect(cellscope.split.by).toBe(by);
      for (const key of ['metric', 'steps', 'base_rate', 'split', 'heldout_pick'])
        expect(ours[key], key).toEqual(cellscope[key]);
      expect(ours.chance.shifts).toBe(cellscope.chance.shifts);
      expect(ours.chance.best).toBeCloseTo(cellscope.chance.best, 12);
      expect(ours.chance.p95).toBeCloseTo(cellscope.chance.p95, 12);
      const theirs = new Map<string, Unit>(
        cellscope.units.map((u: Unit) => [`${u.stream}:${u.unit}`, u])
      );
      expect(ours.units).toHaveLength(theirs.size);
      expect(theirs.size).toBe(128);
      for (const u of ours.units as Unit[]) {
        const c = theirs.get(`${u.stream}:${u.unit}`)!;
        expect(u.sign).toBe(c.sign);
        for (const k of ['score', 'auc', 'heldout'] as const)
          expect(Math.abs(u[k]! - c[k]!), `${u.stream} ${u.unit} ${k}`).toBeLessThan(1e-12);
      }
      // Both list the units best first.
      expect(ours.units.slice(0, 10).map((u: Unit) => u.score)).toEqual(
        cellscope.units.slice(0, 10).map((u: Unit) => u.score)
      );
    }, 120_000);

  it('refuses a v3 array its reader does not decode (compressed), naming it and what to use', async () => {
    const copy = join(dir, 'gzip.zarr');
    cpSync(stores['v3-documents'], copy, { recursive: true });
    const meta = join(copy, 'L0.fwd.h', 'zarr.json');
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    m.codecs.push({ name: 'gzip', configuration: { level: 5 } });
    writeFileSync(meta, JSON.stringify(m));
    const r = await python([copy, '--track', join(dir, 'x.csv'), '--column', 'inside']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^rank_units: .*L0\.fwd\.h: codecs \['bytes', 'gzip'\] \(this reader takes only "bytes", little-endian\)\. .*open this one with zarr-python 3/
    );
  }, 60_000);
});
