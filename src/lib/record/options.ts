/**
 * Recording options and the execution-provider facts stored with a recording: types and defaults
 * shared by the orchestration above (recorder/), the store and the views.
 */
import type { SessionLike, TensorCtor } from './step';

/** Tokens per chunk: large enough that per-run overhead vanishes, small enough for smooth progress. */
export const DEFAULT_CHUNK = 2048;
/** Hidden and cell states; gates on request (they multiply storage by 3). */
export const DEFAULT_KINDS = 'h,c';

/** The part of an onnxruntime module (web or node) the recorder uses. */
export interface OrtModule {
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<SessionLike> };
  Tensor: TensorCtor;
}

/** 'auto': WebGPU when a hardware adapter is present and faster; 'webgpu': WebGPU on any adapter. */
export type BackendPreference = 'auto' | 'wasm' | 'webgpu';
export type ExecutionProvider = 'wasm' | 'webgpu';

export interface BackendInfo {
  ep: ExecutionProvider;
  /** Why this provider, in a sentence for the user. */
  note: string;
  /** Tokens/s of each provider on the first chunk, when both were timed. */
  timings?: Partial<Record<ExecutionProvider, number>>;
}
