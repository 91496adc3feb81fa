export { decodeModel, encodeModel, ModelFormatError, tensorToFloat32, tensorDims } from './proto';
export type { ModelProto } from './proto';
export { inspectModel } from './inspect';
export type { ModelInfo, RecurrentLayer, TensorInfo, TokenInput } from './inspect';
export { prepareForRecording } from './surgery';
export type {
  CellTap,
  LayerTap,
  RecordingGraph,
  StateSource,
  DirectionTap,
  LayerWeights,
  WeightSource
} from './surgery';
export { checkNoExternalData, checkVocabularyFits, embeddingRows } from './checks';
export { listTensors } from './tensors';
export type { NamedTensor } from './tensors';
