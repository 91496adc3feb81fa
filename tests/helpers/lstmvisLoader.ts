/**
 * Run tests/fixtures/lstmvis/lstmvis_loader_check.py — an export read with h5py and PyYAML as
 * LSTMVis's data_handler.py reads it — and the `lstmvis` CLI in this process.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runLstmvis } from '../../src/cli/lstmvisMain';
import { lstmvisDir } from './lstmvisFixture';
import type { Outcome } from './recordCli';

const PYTHON = '/usr/bin/python3';

/** Why the loader check cannot run here (Debian python3 with h5py and PyYAML), or null. */
export function loaderMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import h5py, yaml, numpy'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : `${PYTHON} with h5py, PyYAML and numpy is not installed (apt-get install python3-h5py python3-yaml): the LSTMVis loader check is skipped.`;
}

export interface LoaderView {
  config: {
    name: string;
    description: string;
    files: Record<string, string>;
    word_sequence: { size: number[]; dict_size: number };
    states: {
      types: { type: string; layer?: number; path: string; file: string; size: number[] }[];
    };
    meta?: Record<string, { type: string; vis: { type: string; range: unknown } }>;
  };
  words: string[];
  ids: number[];
  states: Record<string, { raw: number[]; tanh: number[] }>;
  meta: Record<
    string,
    { length: number; values?: (string | number)[]; words?: string[][]; weights?: number[][] }
  >;
}

export function loadAsLstmvis(project: string): LoaderView {
  const r = spawnSync(PYTHON, [join(lstmvisDir, 'lstmvis_loader_check.py'), project], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }
  });
  if (r.status !== 0) throw new Error(`LSTMVis's loader refused ${project}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function lstmvis(args: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLstmvis(args, {
    log: (l) => out.push(`${l}\n`),
    error: (l) => err.push(`${l}\n`)
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
