/**
 * The Dask recipe (src/cli/scaleout/record_shards.py, Debian python3-dask and
 * python3-distributed): four shards submitted as tasks to a LocalCluster, then --finalize, give a
 * store whose every chunk file equals one unsharded recording's, byte for byte. A shard that fails
 * leaves the store unfinalized, with the shard's one-line error and exit code 1.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/modelFixture';
import { recordHere } from '../helpers/recordCli';
import { expectSameStore, parenModel, writeParenDocuments } from '../helpers/shardStores';

const run = promisify(execFile);
const script = join(root, 'src/cli/scaleout/record_shards.py');
const dir = mkdtempSync(join(tmpdir(), 'cellscope-dask-'));
const corpus = writeParenDocuments(join(dir, 'corpus.txt'), 24);
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

async function dask(more: string[]) {
  try {
    const r = await run('/usr/bin/python3', [script, ...more], {
      cwd: dir,
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  const r = await recordHere([...args, '--out', join(dir, 'one'), '--zarr', join(dir, 'one.zarr')]);
  expect(r.stderr).toBe('');
});

describe('record_shards.py on a Dask LocalCluster', () => {
  it('records 4 shards as tasks and finalizes: every chunk file equals the unsharded run’s', async () => {
    const store = join(dir, 'dask.zarr');
    const started = performance.now();
    const r = await dask(['--shards', '4', '--workers', '2', '--', ...args, '--zarr', store]);
    expect(r.stderr).not.toMatch(/Error|failed/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(
      lines.filter((l) => /^cellscope record: shard [0-3]\/4: documents/.test(l))
    ).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^cellscope record: finalized .*dask\.zarr: 4 shards, 2 streams/);
    expect(expectSameStore(store, join(dir, 'one.zarr'))).toBeGreaterThan(100);
    console.log(
      `record_shards.py, 4 shards: ${((performance.now() - started) / 1000).toFixed(1)} s`
    );
  }, 120_000);

  it('does not finalize when a shard fails, and prints each failed shard’s error', async () => {
    const store = join(dir, 'failed.zarr');
    const missing = join(dir, 'no-such-corpus.txt');
    const bad = ['--model', parenModel, '--text', missing, '--zarr', store];
    const r = await dask(['--shards', '2', '--retries', '0', '--', ...bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /shard 0\/2: cellscope record: Cannot read the text file .*no-such-corpus\.txt: there is no such file\./
    );
    expect(r.stderr).toMatch(/shard 1\/2: cellscope record: Cannot read the text file/);
    expect(r.stderr).toMatch(/2 of 2 shards failed; the store is not finalized/);
    expect(existsSync(join(store, 'zarr.json'))).toBe(false);
  }, 120_000);

  it('refuses record options it adds itself, and a missing --zarr, before starting a cluster', async () => {
    const shard = await dask(['--shards', '2', '--', ...args, '--zarr', 'x', '--shard', '0/2']);
    expect(shard.code).toBe(2);
    expect(shard.stderr).toMatch(
      /--shard is not a record option here: the script adds --shard and --finalize itself/
    );
    const noZarr = await dask(['--shards', '2', '--', ...args]);
    expect(noZarr.stderr).toMatch(/the record options need --zarr STORE/);
  });
});
