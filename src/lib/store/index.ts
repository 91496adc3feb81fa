export { CellscopeDB, database } from './db';
export type {
  ModelRow,
  CorpusRow,
  LoadedCorpus,
  RecordingRow,
  RecordingStatus,
  TileRow,
  TokenRow,
  TrackRow,
  FindingRow,
  PredictionRow
} from './db';
export {
  chunkTiles,
  createRecording,
  dexieSink,
  deleteRecording,
  setRecordingStatus
} from './recordings';
export type { NewRecording } from './recordings';
export { recordedSteps, storedBytes } from './facts';
export type { RecordingFacts } from './facts';
export { RecordingReader } from './reader';
export type { TokenWindow, PredictionWindow } from './reader';
export {
  addCorpusFiles,
  addModel,
  addCorpus,
  checkModel,
  modelTokenizer,
  setModelVocabulary,
  sha256
} from './library';
export type { DocumentMode } from './library';
export { TILE_UNITS, encodeTile, decodeTile, tileBytes } from './tiles';
export type { Tile } from './tiles';
export { OnTest, countOn, codeColumnBytes } from './codeColumn';
export type { CodeColumn } from './codeColumn';
export { storageEstimate, requestPersistence, isQuotaError } from './quota';
export type { SpaceEstimate } from './quota';
export { openZarrRecording, ZarrError } from './zarrSource';
export { dexieSource } from './reader';
export type { ChunkSource } from './reader';
export { memoryRecording } from './memoryRecording';
export type { MemoryRecordingOptions } from './memoryRecording';
