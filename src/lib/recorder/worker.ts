/// <reference lib="webworker" />
/** The recording worker: onnxruntime-web (WASM, SIMD, one thread per core) writing into IndexedDB. */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/wasm';
import { decodeModel } from '../onnx/proto';
import { database } from '../store/db';
import type { Progress } from '../record/core';
import { tokenTensor } from '../record/core';
import { windowFeeds } from '../record/windows';
import { probeTensors } from './probe';
import { validateModel } from './validate';
import { runRecording } from './run';
import type { BackendPreference, OrtModule } from '../record/options';
import { chooseBackend } from './backend';
import { parseKinds } from '../record/streams';
import type { ChunkSink } from '../record/core';
import { chunkBuffers, chunkMessage, type WriterPlan } from './chunkWriter';
import type { WriterApi } from './writerWorker';

const ortModule = ort as unknown as OrtModule;

const threads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
ort.env.wasm.numThreads = threads;
ort.env.wasm.simd = true;

/** The WebGPU build of onnxruntime-web (its own 27 MB wasm): fetched only when WebGPU is tried. */
async function loadWebgpu(): Promise<OrtModule> {
  const gpu = await import('onnxruntime-web/webgpu');
  gpu.env.wasm.numThreads = threads;
  return gpu as unknown as OrtModule;
}

const sessionOptions = { graphOptimizationLevel: 'all' };

let stopRequested = false;

/** The chunk writer (encoding and IndexedDB commits off this thread), made on first use. */
let writer: Comlink.Remote<WriterApi> | null = null;
function writerSink(plan: WriterPlan): ChunkSink {
  writer ??= Comlink.wrap<WriterApi>(
    new Worker(new URL('./writerWorker.ts', import.meta.url), { type: 'module' })
  );
  const remote = writer;
  const begun = remote.begin(plan);
  const logits = plan.lm?.logits ?? null;
  return {
    async commit(r) {
      // Handed over now (transferred, not copied), before this thread goes on to the next chunk.
      const message = chunkMessage(r, logits);
      const sent = remote.commit(Comlink.transfer(message, chunkBuffers(message)));
      await begun;
      await sent;
    }
  };
}

const api = {
  async record(
    id: number,
    onProgress: (p: Progress) => void,
    preference: BackendPreference = 'auto'
  ) {
    stopRequested = false;
    const db = database();
    const kinds = parseKinds((await db.recordings.get(id))?.kinds ?? 'h');
    return runRecording(db, ortModule, id, {
      sessionOptions: { ...sessionOptions, executionProviders: ['wasm'] },
      chooseBackend: (graph, firstChunk) =>
        chooseBackend({
          preference,
          wasm: ortModule,
          loadWebgpu,
          sessionOptions,
          graph,
          firstChunk,
          kinds
        }),
      makeSink: writerSink,
      shouldStop: () => stopRequested,
      onProgress
    });
  },
  /** Load the model as it will be recorded (c_t and gate taps included) to catch unsupported ops. */
  validate(bytes: Uint8Array): Promise<string | null> {
    return validateModel(ortModule, bytes);
  },

  /** Every tensor of the model with its shape on an 8-token probe (zeros when there is no token input). */
  async probe(bytes: Uint8Array) {
    return probeTensors(decodeModel(bytes), ortModule, (graph) => {
      const input = graph.info.tokenInput;
      if (input && graph.window)
        return windowFeeds(ortModule.Tensor, input, graph.window, new Int32Array(8));
      return input ? { [input.name]: tokenTensor(ortModule.Tensor, input, new Int32Array(8)) } : {};
    });
  },
  stop() {
    stopRequested = true;
  },
  environment() {
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      threads: ort.env.wasm.numThreads,
      cores: navigator.hardwareConcurrency
    };
  }
};

export type RecorderApi = typeof api;
Comlink.expose(api);
