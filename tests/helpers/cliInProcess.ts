/**
 * The record and analyze commands run in this process, through the entry points their scripts
 * call (src/cli/record.ts and analyze.ts only hand argv, and onnxruntime-node, to these), for
 * browser tests that need a recording or a report the CLI makes. A failure throws with the
 * command's stderr, as a failed process would. (Tests of the commands as processes:
 * tests/unit/cli.test.ts, analyzeErrors.test.ts.)
 */
import * as ort from 'onnxruntime-node';
import { runAnalyze } from '../../src/cli/analyzeMain';
import type { OrtNode } from '../../src/cli/recordCommand';
import { runRecord } from '../../src/cli/recordMain';

async function run(
  name: string,
  main: (io: { log(l: string): void; error(l: string): void }) => Promise<number>
): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main({ log: (l) => out.push(l), error: (l) => err.push(l) });
  if (code !== 0) throw new Error(`${name} exited with ${code}: ${err.join('\n')}`);
  return out.join('\n');
}

/** `npm run record -- ARGS`; returns its stdout. */
export const recordCli = (args: string[]) =>
  run('record', (io) => runRecord(args, ort as unknown as OrtNode, io));

/** `npm run analyze -- ARGS`; returns its stdout. */
export const analyzeCli = (args: string[]) => run('analyze', (io) => runAnalyze(args, io));
