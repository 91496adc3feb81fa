/** The IndexedDB schema (Dexie). Schema versions only ever add: upgrades never drop data. */
import Dexie, { type Table } from 'dexie';
import type { ModelInfo } from '../onnx';
import type { DocumentSpan, TokenizerSpec } from '../tokenize';
import type { Tile } from './tiles';
import type { CarriedState, StreamSpec, TensorPick } from '../record';

export interface ModelRow {
  sha256: string;
  name: string;
  bytes: Uint8Array;
  size: number;
  info: ModelInfo;
  /** How text becomes token ids: from the model's metadata or a vocabulary file; null until given. */
  tokenizer: TokenizerSpec | null;
  /** Where the tokenizer came from ("model metadata" or the vocabulary file's name). */
  vocabulary: string | null;
  /** Named tensors the user picked to record per token, besides the recurrent states. */
  tensorPicks?: TensorPick[];
  bundled: boolean;
  addedAt: number;
}

export interface CorpusRow {
  sha256: string;
  name: string;
  text: string;
  chars: number;
  /** Number of lines, counted once when the corpus is added. */
  lines?: number;
  /** Character ranges of the corpus's documents (one when it was not split). */
  documents: DocumentSpan[];
  bundled: boolean;
  addedAt: number;
}

export type RecordingStatus = 'recording' | 'paused' | 'complete';

export interface RecordingRow {
  id?: number;
  modelSha: string;
  corpusSha: string;
  name: string;
  status: RecordingStatus;
  streams: StreamSpec[];
  /** Stream kinds recorded ("h", "h,c", "all"). */
  kinds: string;
  tokens: number;
  chunkSize: number;
  /** Token index where each document starts: the recurrent state resets there. */
  documents: { name: string; start: number }[];
  /** Token index where each chunk starts (chunks never cross documents). */
  chunkStarts: number[];
  chunks: number;
  /** Chunks 0..chunksDone-1 are committed; recording resumes at chunksDone. */
  chunksDone: number;
  unknownTokens: number;
  unknownExamples: string[];
  /** Recurrent state after the last committed chunk. */
  state: CarriedState | null;
  tokensPerSecond: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One tile of a stream: rows of one chunk × a block of TILE_UNITS units, 8-bit (see tiles.ts). */
export interface TileRow {
  recordingId: number;
  stream: string;
  chunk: number;
  block: number;
  tile: Tile;
}

export interface TokenRow {
  recordingId: number;
  chunk: number;
  ids: Int32Array;
  offsets: Uint32Array;
}

export class CellscopeDB extends Dexie {
  models!: Table<ModelRow, string>;
  corpora!: Table<CorpusRow, string>;
  recordings!: Table<RecordingRow, number>;
  tiles!: Table<TileRow, [number, string, number, number]>;
  tokens!: Table<TokenRow, [number, number]>;

  constructor(name = 'cellscope') {
    super(name);
    this.version(1).stores({
      models: '&sha256, addedAt',
      corpora: '&sha256, addedAt',
      recordings: '++id, [modelSha+corpusSha], status, createdAt',
      tiles: '[recordingId+stream+chunk+block], recordingId',
      tokens: '[recordingId+chunk], recordingId'
    });
  }
}

let shared: CellscopeDB | null = null;
/** The app's database (one connection per JS context: page or worker). */
export function database(): CellscopeDB {
  return (shared ??= new CellscopeDB());
}
