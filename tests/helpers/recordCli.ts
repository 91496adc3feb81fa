/**
 * Running the record command in tests: as a real process (`record`, ~1 s each: the exit code and
 * stderr as a user sees them) or in this process through the same entry point (`recordHere`).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import { expect } from 'vitest';
import type { OrtNode } from '../../src/cli/recordCommand';
import { runRecord } from '../../src/cli/recordMain';
import { root } from './modelFixture';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const run = promisify(execFile);

export async function record(args: string[]): Promise<Outcome> {
  try {
    const r = await run(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'src/cli/record.ts'), ...args],
      { cwd: root }
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export const ort = ortNode as unknown as OrtNode;

/** The command's entry point in this process; `runtime` may stand in for onnxruntime-node. */
export async function recordHere(args: string[], runtime: OrtNode = ort): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRecord(args, runtime, {
    log: (l) => out.push(`${l}\n`),
    error: (l) => err.push(`${l}\n`)
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export function expectOneLineFailure(r: Outcome, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^cellscope record: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).not.toMatch(/unexpected error|\s+at \S+:\d+/);
  expect(r.stdout).toBe('');
}
