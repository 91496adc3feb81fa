/**
 * The record command's side of the bench (onnxruntime-node, as `npm run record` runs):
 * - record_cli_tokens_per_s_{1,2}doc: the recorder core over a corpus of several documents, one
 *   at a time and two side by side in one batch (record/documentBatch.ts), h and c written to .npy;
 * - record_cli_peak_rss_*: peak memory of the record command itself on generated corpora, which
 *   must stay flat as the corpus grows; BENCH_10M=1 adds a 10M-token run (streams h only: 20 GB
 *   of .npy written, then removed; about 10 minutes here).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { decodeModel } from '../lib/onnx/proto';
import { prepareForRecording } from '../lib/onnx/surgery';
import { recordDocuments } from '../lib/record/documentBatch';
import type { SessionLike, TensorCtor } from '../lib/record/step';
import { parseKinds } from '../lib/record/streams';
import { createTokenizer, parseTokenizerSpec } from '../lib/tokenize/tokenizer';
import { NpyFileWriter } from './npyFile';

type Emit = (
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  ratio?: number | null
) => void;

/** Tokens/s recording `docs` documents (the corpus rotated) with 1 and 2 side by side. */
export async function parallelDocuments(
  modelBytes: Uint8Array,
  corpus: string,
  emit: Emit,
  reps: number,
  docs = 4
) {
  const graph = prepareForRecording(decodeModel(modelBytes), {
    internals: true,
    outputGate: false
  });
  const session = (await ortNode.InferenceSession.create(graph.bytes)) as unknown as SessionLike;
  const spec = parseTokenizerSpec(graph.info.metadata['cellscope.tokenizer']);
  const tokenizer = createTokenizer(spec);
  // Documents of different lengths: the corpus from different starting points.
  const texts = Array.from({ length: docs }, (_, d) =>
    corpus.slice(Math.floor((d * corpus.length) / (2 * docs)))
  );
  const encoded = texts.map((t) => tokenizer.encode(t).ids);
  const ids = new Int32Array(encoded.reduce((n, e) => n + e.length, 0));
  const documents: number[] = [];
  encoded.reduce((at, e) => (documents.push(at), ids.set(e, at), at + e.length), 0);
  const kinds = parseKinds('h,c');
  const dir = mkdtempSync(join(tmpdir(), 'cellscope-bench-docs-'));
  const rate = async (parallel: number) => {
    const writers = new Map<string, NpyFileWriter>();
    const t = performance.now();
    await recordDocuments({
      session,
      Tensor: ortNode.Tensor as unknown as TensorCtor,
      taps: graph.taps,
      tokenInput: graph.info.tokenInput!,
      ids,
      documents,
      chunkSize: 4096,
      kinds,
      parallel,
      sink: {
        commit: async (doc, r) => {
          for (const [id, rows] of Object.entries(r.streams)) {
            const key = `${doc}.${id}`;
            if (!writers.has(key)) {
              const shape = [encoded[doc].length, rows.length / r.length];
              writers.set(key, new NpyFileWriter(join(dir, `${key}.npy`), shape));
            }
            writers.get(key)!.append(rows);
          }
        }
      }
    });
    for (const w of writers.values()) w.close();
    return ids.length / ((performance.now() - t) / 1000);
  };
  const runs: Record<number, number[]> = { 1: [], 2: [] };
  const gains: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const p of [1, 2]) runs[p].push(await rate(p));
    gains.push(runs[2][r] / runs[1][r]);
  }
  rmSync(dir, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  emit('record_cli_tokens_per_s_1doc', median(runs[1]), 'tokens/s', null);
  emit('record_cli_tokens_per_s_2doc', median(runs[2]), 'tokens/s', median(runs[1]), median(gains));
}

/** One run of the record command over a generated corpus: peak RSS (MB) and tokens/s. */
function recordCommandRun(root: string, corpus: string, tokens: number, streams: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cellscope-bench-'));
  try {
    const text = join(dir, 'corpus.txt');
    writeFileSync(text, corpus.repeat(Math.ceil(tokens / corpus.length)).slice(0, tokens));
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'),
        join(root, 'src/cli/record.ts'),
        '--model',
        `${root}models/code-lstm.onnx`,
        '--out',
        join(dir, 'out'),
        '--text',
        text,
        '--streams',
        streams
      ],
      { env: { ...process.env, CELLSCOPE_REPORT_RSS: '1' }, encoding: 'utf8' }
    );
    const kb = Number(r.stdout.match(/max_rss_kb (\d+)/)?.[1]);
    const seconds = Number(r.stdout.match(/ steps in ([\d.]+) s/)?.[1]);
    if (!kb || !seconds) throw new Error(`record failed: ${r.stderr}`);
    return { mb: kb / 1024, tokensPerSecond: tokens / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Peak memory of the record command (h and c of both layers to .npy) at 250k and 1M tokens; with
 * BENCH_10M=1 also h alone at 1M and 10M tokens, with the command's throughput.
 */
export function recordCommandMemory(root: string, corpus: string, emit: Emit) {
  const small = recordCommandRun(root, corpus, 250_000, 'h,c');
  const large = recordCommandRun(root, corpus, 1_000_000, 'h,c');
  emit('record_cli_peak_rss_250k', small.mb, 'MB', null);
  emit('record_cli_peak_rss_1m', large.mb, 'MB', small.mb);
  emit('record_cli_tokens_per_s_1m_hc', large.tokensPerSecond, 'tokens/s', null);
  if (!process.env.BENCH_10M) return;
  const free = statfsSync(tmpdir());
  const gb = (free.bavail * free.bsize) / 1e9;
  if (gb < 30) {
    console.error(`BENCH_10M: ${gb.toFixed(0)} GB free in ${tmpdir()}; the 10M run needs 30 GB.`);
    return;
  }
  const m1 = recordCommandRun(root, corpus, 1_000_000, 'h');
  const m10 = recordCommandRun(root, corpus, 10_000_000, 'h');
  emit('record_cli_peak_rss_1m_h', m1.mb, 'MB', null);
  emit('record_cli_peak_rss_10m_h', m10.mb, 'MB', m1.mb);
  emit('record_cli_tokens_per_s_1m_h', m1.tokensPerSecond, 'tokens/s', null);
  emit('record_cli_tokens_per_s_10m_h', m10.tokensPerSecond, 'tokens/s', m1.tokensPerSecond);
}
