/**
 * Page side of the intervention benchmark (driven by src/cli/benchIntervene.ts through headless
 * Chromium): the bundled model records the demo corpus (h and c) into real IndexedDB, then a
 * 2,000-token window is re-run with 5 units clamped (query/runIntervention.ts, onnxruntime-web
 * WASM as the app's query worker runs it) — cold (the original run too) and warm (the original
 * kept, another clamp) — against plain inference of the unmodified model over the same tokens.
 */
import * as ort from 'onnxruntime-web/wasm';
import { finiteMean } from '../../src/lib/analysis/interventionEffect';
import { InterventionRunner } from '../../src/lib/query/runIntervention';
import { tokenTensor } from '../../src/lib/record/core';
import type { OrtModule } from '../../src/lib/record/options';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpus, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { decodeModel } from '../../src/lib/onnx/proto';

const DB = 'bench-intervene';
const ortModule = ort as unknown as OrtModule;
ort.env.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
let model: Uint8Array;
let runner: InterventionRunner;
let reader: RecordingReader;

async function setup(): Promise<{ ms: number; tokens: number }> {
  await new CellscopeDB(DB).delete();
  const db = new CellscopeDB(DB);
  model = new Uint8Array(await (await fetch('/models/code-lstm.onnx')).arrayBuffer());
  const text = new Uint8Array(
    await (await fetch('/static/corpora/stb_c_lexer.h.txt')).arrayBuffer()
  );
  const m = await addModel(db, model, 'code-lstm.onnx');
  const corpus = await addCorpus(db, text, 'stb_c_lexer.h');
  const id = await planRecording(db, m, corpus, { kinds: 'h,c' });
  const t0 = performance.now();
  await runRecording(db, ortModule, id);
  reader = new RecordingReader(db, (await db.recordings.get(id))!);
  const opts = { graphOptimizationLevel: 'all', executionProviders: ['wasm'] };
  runner = new InterventionRunner(reader, ortModule, model, opts);
  return { ms: performance.now() - t0, tokens: reader.length };
}

/** Plain inference of the unmodified model over steps [a, b) (the session made beforehand). */
async function plain(a: number, b: number): Promise<{ ms: number }> {
  const graph = prepareForRecording(decodeModel(model));
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    executionProviders: ['wasm']
  });
  const ids = (await reader.tokens(a, b)).ids;
  const feeds = { tokens: tokenTensor(ort.Tensor as never, graph.info.tokenInput!, ids) };
  await session.run(feeds as never); // warm
  const t0 = performance.now();
  await session.run(feeds as never);
  return { ms: performance.now() - t0 };
}

/** Re-run [a, b) with `units` of `stream` set to `value`. */
async function intervene(
  a: number,
  b: number,
  stream: string,
  units: number[],
  value: number
): Promise<{ ms: number; reused: boolean; meanDLoss: number }> {
  const t0 = performance.now();
  const run = await runner.run([a, b], [{ stream, units, kind: 'set', value }]);
  const ms = performance.now() - t0;
  return {
    ms,
    reused: run.reused,
    meanDLoss: run.effect ? (finiteMean(run.effect.dLoss) ?? 0) : 0
  };
}

async function remove(): Promise<void> {
  await new CellscopeDB(DB).delete();
}

Object.assign(window, { benchIntervene: { setup, plain, intervene, remove } });
document.getElementById('ready')!.textContent = 'ready';
