export { recordChunks, planChunks, tokenTensor } from './core';
export type { ChunkPlan } from './core';
export type { ChunkResult, ChunkSink, Progress, RecordJob, RecordOutcome } from './core';
export { runStep, zeroState, asFloat32 } from './step';
export type {
  CarriedState,
  SessionLike,
  TensorCtor,
  TensorLike,
  StepInput,
  StepResult
} from './step';
export { planStreams, streamId, parseKinds, needsInternals, directionName, KINDS } from './streams';
export { tensorStreams, tensorStreamId, unitsPerToken } from './streams';
export type { StreamSpec, Direction, StreamKind, TensorPick } from './streams';
export { planLayout } from './plan';
export type { LayoutRequest, RecordingLayout } from './plan';
export { planRecording, runRecording, DEFAULT_CHUNK, DEFAULT_KINDS } from './run';
export type { OrtModule, RunOptions } from './run';
export { checkFeeds, planFeedRun, FeedError } from './feeds';
export { probeTensors } from './probe';
export type { ProbedTensor } from './probe';
export { chooseBackend, webgpuAdapter } from './backend';
export type { BackendInfo, BackendPreference, ExecutionProvider } from './backend';
