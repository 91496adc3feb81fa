/**
 * Which execution provider records: WASM (SIMD + threads) always works; WebGPU (the
 * `onnxruntime-web/webgpu` build, which has LSTM/GRU kernels) is loaded lazily and only used when
 * the browser has a hardware adapter and it beats WASM on the first chunk. WebGL is never used:
 * it has no LSTM/GRU/RNN kernels, and every recordable graph has one of them.
 * Every decision is explained in `note`, which the UI shows: no silent fallback.
 */
import type { BackendInfo, BackendPreference, OrtModule } from '../record/options';
import type { RecordingGraph } from '../onnx/surgery';
import type { FirstSteps } from '../record/featureFeed';
import { runStep, type SessionLike } from '../record/step';
import type { StreamKind } from '../record/streams';

export interface ChosenBackend {
  ort: OrtModule;
  session: SessionLike;
  info: BackendInfo;
}

/** What the browser offers: a hardware adapter, only a software one, or none (and why). */
export async function webgpuAdapter(): Promise<{
  kind: 'hardware' | 'software' | 'none';
  why: string;
}> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return { kind: 'none', why: 'this browser has no WebGPU' };
  type Adapter = { info?: { isFallbackAdapter?: boolean; vendor?: string } };
  let adapter: Adapter | null;
  try {
    adapter = (await gpu.requestAdapter()) as Adapter | null;
  } catch (e) {
    return { kind: 'none', why: `WebGPU refused an adapter (${(e as Error).message})` };
  }
  if (!adapter) return { kind: 'none', why: 'no WebGPU adapter (no GPU, or it is disabled)' };
  if (adapter.info?.isFallbackAdapter)
    return { kind: 'software', why: 'only a software WebGPU adapter (no GPU)' };
  return { kind: 'hardware', why: `WebGPU adapter ${adapter.info?.vendor ?? ''}`.trim() };
}

/** Tokens/s of one run over `ids` from a zero state, after a short warm-up (shader compilation). */
export async function timeChunk(
  session: SessionLike,
  ort: OrtModule,
  graph: RecordingGraph,
  steps: FirstSteps,
  kinds: Set<StreamKind>
): Promise<number> {
  const run = (n: number) =>
    runStep(
      session,
      ort.Tensor,
      graph.taps,
      { feeds: steps.feeds(ort.Tensor, n), batch: 1, lengths: [n] },
      null,
      kinds
    );
  await run(Math.min(16, steps.length));
  const t0 = performance.now();
  await run(steps.length);
  return steps.length / Math.max(1e-3, (performance.now() - t0) / 1000);
}

export interface ChooseOptions {
  preference: BackendPreference;
  wasm: OrtModule;
  /** Loads the WebGPU build (a dynamic import, so the default path never downloads it). */
  loadWebgpu: () => Promise<OrtModule>;
  sessionOptions: object;
  graph: RecordingGraph;
  /** The first chunk's steps: both providers are timed on them. */
  firstChunk: FirstSteps;
  kinds: Set<StreamKind>;
}

export async function chooseBackend(o: ChooseOptions): Promise<ChosenBackend> {
  const createWasm = () =>
    o.wasm.InferenceSession.create(o.graph.bytes, {
      ...o.sessionOptions,
      executionProviders: ['wasm']
    });
  const wasmOnly = async (note: string): Promise<ChosenBackend> => ({
    ort: o.wasm,
    session: await createWasm(),
    info: { ep: 'wasm', note }
  });
  if (o.preference === 'wasm') return wasmOnly('WASM (chosen in the recording options).');
  const adapter = await webgpuAdapter();
  if (adapter.kind === 'none') return wasmOnly(`WASM: WebGPU not used, ${adapter.why}.`);
  if (adapter.kind === 'software' && o.preference === 'auto')
    return wasmOnly(`WASM: WebGPU not used, ${adapter.why}; it would be slower than WASM.`);

  let gpuOrt: OrtModule;
  let gpu: SessionLike;
  try {
    gpuOrt = await o.loadWebgpu();
    gpu = await gpuOrt.InferenceSession.create(o.graph.bytes, {
      ...o.sessionOptions,
      executionProviders: ['webgpu']
    });
  } catch (e) {
    return wasmOnly(`WASM: WebGPU failed to load the model (${firstLine(e)}).`);
  }
  const wasm = await createWasm();
  let gpuRate: number;
  try {
    gpuRate = await timeChunk(gpu, gpuOrt, o.graph, o.firstChunk, o.kinds);
  } catch (e) {
    await release(gpu);
    return {
      ort: o.wasm,
      session: wasm,
      info: { ep: 'wasm', note: `WASM: WebGPU failed on the first chunk (${firstLine(e)}).` }
    };
  }
  const wasmRate = await timeChunk(wasm, o.wasm, o.graph, o.firstChunk, o.kinds);
  const timings = { wasm: wasmRate, webgpu: gpuRate };
  const rates = `WebGPU ${Math.round(gpuRate)} vs WASM ${Math.round(wasmRate)} tokens/s on the first chunk`;
  if (o.preference === 'webgpu') {
    await release(wasm);
    return {
      ort: gpuOrt,
      session: gpu,
      info: { ep: 'webgpu', note: `WebGPU (chosen in the recording options; ${rates}).`, timings }
    };
  }
  if (gpuRate > wasmRate) {
    await release(wasm);
    return {
      ort: gpuOrt,
      session: gpu,
      info: { ep: 'webgpu', note: `WebGPU: faster (${rates}).`, timings }
    };
  }
  await release(gpu);
  return {
    ort: o.wasm,
    session: wasm,
    info: { ep: 'wasm', note: `WASM: faster (${rates}).`, timings }
  };
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

async function release(s: SessionLike): Promise<void> {
  await (s as { release?: () => Promise<void> }).release?.();
}
