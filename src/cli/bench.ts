#!/usr/bin/env node
/**
 * npm run bench — prints one JSON object per line: {"name", "value", "unit", "baseline", "ratio"}.
 * Baselines are measured in the same run. Not part of npm test.
 *
 * recorder_* : the recorder core (graph surgery + state carry + c_t/gate recomputation, no storage)
 *              on the bundled model over the demo corpus, onnxruntime-web WASM in Node, against
 *              plain inference of the unmodified model on the same ids and runtime.
 *
 * BENCH_ONLY=record,codec,memory,cli,match,atlas,intervene,ui,read,analysis runs only those groups
 * (default: all); BENCH_SKIP_BROWSER skips the Chromium rows; BENCH_PORT puts every bench server on one port.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { TokenInput } from '../lib/onnx/inspect';
import { decodeModel } from '../lib/onnx/proto';
import { prepareForRecording } from '../lib/onnx/surgery';
import { parseKinds, planStreams } from '../lib/record/streams';
import { recordChunks } from '../lib/record/core';
import { type TensorCtor } from '../lib/record/step';
import { chunkTiles } from '../lib/store/recordings';
import { decodeTile, TILE_UNITS, tileBytes } from '../lib/store/tiles';
import { createTokenizer, parseTokenizerSpec } from '../lib/tokenize/tokenizer';
import { matchBench } from './benchMatch';
import { parallelDocuments, recordCommandMemory } from './benchCli';
import { coreRates, CORE_KINDS } from './benchRecorder';
import { benchPort, previewServer } from './benchBrowser';
import { launchOptions } from './chromiumFlags';
import { analysisBench } from './benchAnalysis';
import { atlasBench } from './benchAtlas';
import { interveneBench } from './benchIntervene';
import { readBench } from './benchRead';
import { uiBench } from './benchUi';

const root = fileURLToPath(new URL('../../', import.meta.url));
const modelBytes = new Uint8Array(readFileSync(`${root}models/code-lstm.onnx`));
const corpus = readFileSync(`${root}static/corpora/stb_c_lexer.h.txt`, 'utf8');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const CHUNK = 2048;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const BROWSER = !process.env.BENCH_SKIP_BROWSER;
/** Whether a group of rows runs (BENCH_ONLY) and, for browser rows, whether Chromium is wanted. */
const runs = (group: string, browser = false) =>
  (!ONLY || ONLY.has(group)) && (!browser || BROWSER);

/** One row; `ratio` defaults to value / baseline (paired rows pass the median of their ratios). */
function emit(
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  ratio = baseline ? value / baseline : null
) {
  console.log(
    JSON.stringify({
      name,
      value: round(value),
      unit,
      baseline: baseline && round(baseline),
      ratio: ratio && round(ratio)
    })
  );
}
const round = (v: number) => Number(v.toPrecision(4));

async function median(f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < REPS; i++) xs.push(await f());
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main() {
  ortWeb.env.wasm.numThreads = Number(process.env.BENCH_THREADS ?? 2);
  const Tensor = ortWeb.Tensor as unknown as TensorCtor;
  const info = prepareForRecording(decodeModel(modelBytes)).info;
  const ids = createTokenizer(parseTokenizerSpec(info.metadata['cellscope.tokenizer'])).encode(
    corpus
  ).ids;
  if (runs('record')) await recordRows(info.tokenInput!, ids);
  if (runs('codec')) await codec(Tensor, ids);
  if (runs('memory')) recordCommandMemory(root, corpus, emit);
  if (runs('cli')) parallelDocuments(root, corpus, emit, REPS);
  if (runs('match')) await matchBench(root, emit);
  if (runs('atlas')) await atlasBench(root, emit);
  if (runs('intervene', true)) await interveneBench(root, emit);
  if (runs('ui', true)) await uiBench(root, emit);
  if (runs('read', true)) {
    // The app's tile shape first (the baseline), then the alternatives it was chosen against.
    const steps = Number(process.env.BENCH_READ_STEPS ?? 1_000_000);
    await readBench(root, emit, [
      { steps, units: 512, chunk: CHUNK, width: TILE_UNITS },
      { steps, units: 512, chunk: CHUNK, width: 64 },
      { steps, units: 512, chunk: 8192, width: TILE_UNITS }
    ]);
  }
  if (runs('analysis', true))
    await analysisBench(root, emit, Number(process.env.BENCH_ANALYSIS_STEPS ?? 1_000_000));
}

/**
 * Plain inference (native and ort-web), the browser recorder and the recorder core. Each ratio
 * pairs measurements taken back to back (the machine is shared): a browser recording between two
 * native runs, and per repetition native, ort-web and each recorder variant in turn.
 */
async function recordRows(tokenInput: TokenInput, ids: Int32Array) {
  const native = await ortNode.InferenceSession.create(modelBytes);
  const nativeRate = async () => {
    const t = performance.now();
    for (let s = 0; s < ids.length; s += CHUNK) {
      const chunk = ids.subarray(s, s + CHUNK);
      const tokens = new ortNode.Tensor(
        'int64',
        BigInt64Array.from(chunk, (v) => BigInt(v)),
        [1, chunk.length]
      );
      await native.run({ tokens });
    }
    return ids.length / ((performance.now() - t) / 1000);
  };
  if (BROWSER) {
    for (const kinds of ['h', 'h,c']) {
      const before = await median(nativeRate);
      const rate = await browserRecordRate(kinds);
      const baseline = (before + (await median(nativeRate))) / 2;
      emit(`record_vs_native_${kinds.replace(',', '')}`, rate, 'tokens/s', baseline);
    }
  }
  const r = await coreRates(modelBytes, tokenInput, ids, CHUNK, REPS, nativeRate);
  emit('plain_inference_ort_node', r.native, 'tokens/s', null);
  emit('plain_inference_ort_web', r.plain, 'tokens/s', r.native, r.plainRatio);
  for (const kinds of CORE_KINDS)
    emit(
      `recorder_core_${kinds.replace(',', '')}`,
      r.core[kinds],
      'tokens/s',
      r.plain,
      r.ratio[kinds]
    );
}

/**
 * Recording the demo in headless Chromium (the built app, 2 WASM threads, into IndexedDB): the
 * recorder's own tokens/s for a fresh recording of the given stream kinds.
 */
export async function browserRecordRate(kinds: string): Promise<number> {
  const server = await previewServer(root, benchPort(4188));
  try {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch(launchOptions());
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('combobox', { name: 'Streams to record' }).selectOption(kinds);
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const item = page.locator('[data-status="complete"]').first();
    await item.waitFor({ timeout: 300_000 });
    const text = (await item.textContent()) ?? '';
    await browser.close();
    return Number(text.match(/([\d,]+) tokens\/s/)?.[1].replace(/,/g, ''));
  } finally {
    server.stop();
  }
}

/** The 8-bit tile codec on the demo recording's real values: size and error against float32. */
async function codec(Tensor: TensorCtor, ids: Int32Array) {
  const graph = prepareForRecording(decodeModel(modelBytes), { internals: true });
  const session = await ortWeb.InferenceSession.create(graph.bytes);
  const streams = planStreams(graph.taps, parseKinds('all'));
  let values = 0;
  let bytes = 0;
  const maxErr: Record<string, number> = {};
  await recordChunks({
    session: session as never,
    Tensor,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput!,
    ids,
    chunkSize: CHUNK,
    kinds: parseKinds('all'),
    sink: {
      commit: async (r) => {
        for (const row of chunkTiles(0, r, streams)) {
          const s = streams.find((x) => x.id === row.stream)!;
          const t = row.tile;
          const out = new Float32Array(t.rows * t.units);
          decodeTile(t, 0, t.rows, { data: out, base: 0, stride: t.units });
          const src = r.streams[s.id];
          for (let i = 0; i < t.rows; i++) {
            for (let u = 0; u < t.units; u++) {
              const e = Math.abs(
                out[i * t.units + u] - src[i * s.units + row.block * TILE_UNITS + u]
              );
              maxErr[s.kind] = Math.max(maxErr[s.kind] ?? 0, e);
            }
          }
          values += t.rows * t.units;
          bytes += tileBytes(t);
        }
      }
    }
  });
  const float32Bytes = values * 4;
  emit('bytes_per_value', bytes / values, 'B', float32Bytes / values);
  emit('max_abs_error_h', maxErr.h, 'abs', 0.004);
  emit('max_abs_error_gates', Math.max(maxErr.i, maxErr.f, maxErr.o, maxErr.g), 'abs', 0.004);
  emit('max_abs_error_c', maxErr.c, 'abs', null);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
