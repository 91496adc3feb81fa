/**
 * The record command's side of the bench (onnxruntime-node, as `npm run record` runs):
 * - record_cli_tokens_per_s_{1,2}doc: the record command over a corpus of several documents, one
 *   at a time and two side by side (--parallel 2, record/documentBatch.ts), h and c to .npy;
 * - record_cli_peak_rss_*: peak memory of the record command itself on generated corpora, which
 *   must stay flat as the corpus grows; BENCH_10M=1 adds a 10M-token run (streams h only: 20 GB
 *   of .npy written, then removed; about 10 minutes here).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Emit = (
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  ratio?: number | null
) => void;

/**
 * Tokens/s of the record command (h, c to .npy) over a corpus of `docs` documents (the corpus from
 * different starting points, as JSON lines), one at a time and two side by side (--parallel 2);
 * each repetition runs both back to back and the ratio is the median of the paired ratios.
 */
export function parallelDocuments(
  root: string,
  corpus: string,
  emit: Emit,
  reps: number,
  docs = 4
) {
  const lines = Array.from({ length: docs }, (_, d) =>
    JSON.stringify({ text: corpus.slice(Math.floor((d * corpus.length) / (2 * docs))) })
  );
  const runs: Record<number, number[]> = { 1: [], 2: [] };
  const gains: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const p of [1, 2])
      runs[p].push(
        recordCommandRun(root, lines.join('\n'), {
          streams: 'h,c',
          extra: ['--documents', 'jsonl:text', '--parallel', String(p)],
          file: 'corpus.jsonl'
        }).tokensPerSecond
      );
    gains.push(runs[2][r] / runs[1][r]);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  emit('record_cli_tokens_per_s_1doc', median(runs[1]), 'tokens/s', null);
  emit('record_cli_tokens_per_s_2doc', median(runs[2]), 'tokens/s', median(runs[1]), median(gains));
}

/**
 * One run of the record command: peak RSS (MB) and tokens/s (the steps it reports over its own
 * recording time). `text` is written as the corpus file.
 */
function recordCommandRun(
  root: string,
  text: string,
  opts: { streams: string; extra?: string[]; file?: string }
) {
  const dir = mkdtempSync(join(tmpdir(), 'cellscope-bench-'));
  try {
    const corpusFile = join(dir, opts.file ?? 'corpus.txt');
    writeFileSync(corpusFile, text);
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
        corpusFile,
        '--streams',
        opts.streams,
        ...(opts.extra ?? [])
      ],
      { env: { ...process.env, CELLSCOPE_REPORT_RSS: '1' }, encoding: 'utf8' }
    );
    const kb = Number(r.stdout.match(/max_rss_kb (\d+)/)?.[1]);
    const steps = Number(r.stdout.match(/([\d,]+) steps in/)?.[1].replace(/,/g, ''));
    const seconds = Number(r.stdout.match(/ steps in ([\d.]+) s/)?.[1]);
    if (!kb || !seconds || !steps) throw new Error(`record failed: ${r.stderr}`);
    return { mb: kb / 1024, tokensPerSecond: steps / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A generated corpus of `tokens` characters (the demo corpus repeated). */
const generated = (corpus: string, tokens: number) =>
  corpus.repeat(Math.ceil(tokens / corpus.length)).slice(0, tokens);

/**
 * Peak memory of the record command (h and c of both layers to .npy) at 250k and 1M tokens; with
 * BENCH_10M=1 also h alone at 1M and 10M tokens, with the command's throughput.
 */
export function recordCommandMemory(root: string, corpus: string, emit: Emit) {
  const small = recordCommandRun(root, generated(corpus, 250_000), { streams: 'h,c' });
  const large = recordCommandRun(root, generated(corpus, 1_000_000), { streams: 'h,c' });
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
  const m1 = recordCommandRun(root, generated(corpus, 1_000_000), { streams: 'h' });
  const m10 = recordCommandRun(root, generated(corpus, 10_000_000), { streams: 'h' });
  emit('record_cli_peak_rss_1m_h', m1.mb, 'MB', null);
  emit('record_cli_peak_rss_10m_h', m10.mb, 'MB', m1.mb);
  emit('record_cli_tokens_per_s_1m_h', m1.tokensPerSecond, 'tokens/s', null);
  emit('record_cli_tokens_per_s_10m_h', m10.tokensPerSecond, 'tokens/s', m1.tokensPerSecond);
}
