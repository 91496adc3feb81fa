export { recordChunks, chunkCount, zeroState } from './core';
export type {
  ChunkResult,
  ChunkSink,
  Progress,
  RecordJob,
  RecordOutcome,
  SessionLike,
  TensorCtor,
  CarriedState
} from './core';
export { planStreams, streamId } from './streams';
export type { StreamSpec, Direction, StreamKind } from './streams';
export { planRecording, runRecording, DEFAULT_CHUNK } from './run';
export type { OrtModule, RunOptions } from './run';
