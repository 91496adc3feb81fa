/** The IndexedDB schema (Dexie). Schema versions only ever add: upgrades never drop data. */
import type { Intervention } from '../record/intervention';
import Dexie, { type Table } from 'dexie';
import type { ModelInfo } from '../onnx/inspect';
import type { DocumentSpan } from '../tokenize/documents';
import type { TokenizerSpec } from '../tokenize/tokenizer';
import type { Tile } from './tiles';
import type { BackendInfo } from '../record/options';
import type { CarriedState } from '../record/step';
import type { StreamSpec, TensorPick } from '../record/streams';

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

/** A corpus's metadata; its text lives in `corpusTexts` so listing corpora never loads texts. */
export interface CorpusRow {
  sha256: string;
  name: string;
  /** The first characters, for the library list. */
  preview: string;
  chars: number;
  /** Number of lines, counted once when the corpus is added. */
  lines: number;
  /** Character ranges of the corpus's documents (one when it was not split). */
  documents: DocumentSpan[];
  /** A time-series corpus (a CSV, one row per step): its columns and rows. Absent for text. */
  series?: SeriesShape;
  bundled: boolean;
  addedAt: number;
}

export interface SeriesShape {
  columns: string[];
  rows: number;
  /** the column that marks documents, if any */
  docColumn: string | null;
}

export interface CorpusTextRow {
  sha256: string;
  text: string;
}

/** A corpus with its text loaded (the explorer and the recorder need it). */
export type LoadedCorpus = CorpusRow & { text: string };

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
  /** Units per tile: the column-block width its tiles were cut with (v1 recordings: 64). */
  tileUnits: number;
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
  /** The model's logits output, when it has an LM head: predictions are stored per chunk. */
  logits?: string | null;
  /** The execution provider of the last run, and why it was chosen (shown in the library). */
  backend?: BackendInfo;
  /** Set on an untrained twin (store/twins.ts): the id of the recording it is the twin of… */
  twinOf?: number;
  /** …and the seed its model's weights were re-drawn with. */
  twinSeed?: number;
  /** Set on an intervened recording (store/intervened.ts): the recording it intervenes on… */
  intervenedOf?: number;
  /** …and the units clamped while recording. */
  interventions?: Intervention[];
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

/** Schema v1 (cellscope 0.1): corpora rows held their whole text. */
const SCHEMA_V1 = {
  models: '&sha256, addedAt',
  corpora: '&sha256, addedAt',
  recordings: '++id, [modelSha+corpusSha], status, createdAt',
  tiles: '[recordingId+stream+chunk+block], recordingId',
  tokens: '[recordingId+chunk], recordingId'
};

/** Schema v2: corpus texts in their own table; tile width per recording; LM-head predictions, tracks and findings. */
const SCHEMA_V2 = {
  ...SCHEMA_V1,
  corpusTexts: '&sha256',
  tracks: '++id, recordingId',
  predictions: '[recordingId+chunk], recordingId',
  findings: '++id, createdAt'
};

/** Schema v3: rankings and atlases kept per recording. */
const SCHEMA_V3 = { ...SCHEMA_V2, analyses: '++id, recordingId, [recordingId+kind]' };

const PREVIEW_CHARS = 80;

export function corpusPreview(text: string): string {
  return text.slice(0, PREVIEW_CHARS);
}

/** A per-token annotation track imported for (or computed on) a recording. */
export interface TrackRow {
  id?: number;
  recordingId: number;
  name: string;
  kind: 'numeric' | 'categorical';
  /** One value per token (categorical: an index into `categories`). */
  values: Float32Array;
  categories?: string[];
  /** Where it came from: a file name or a built-in's description. */
  source: string;
  createdAt: number;
}

/** What the model's LM head predicted in one chunk (recordings of models with logits). */
export interface PredictionRow {
  recordingId: number;
  chunk: number;
  /** −ln p(next token) per step (NaN at the end of a document) */
  loss: Float32Array;
  /** [steps, k] most probable next token ids and their probabilities */
  topIds: Int32Array;
  topProbs: Float32Array;
  k: number;
}

/**
 * A unit ranking or an atlas computed on a recording, kept so that several can be listed and
 * compared (the report is plain JSON-able data: analysis/rankReport.ts, analysis/atlas.ts).
 */
export interface AnalysisRow {
  id?: number;
  recordingId: number;
  kind: 'rank' | 'atlas';
  /** what was ranked, e.g. "in string" or "atlas: 16 tracks" */
  label: string;
  report: unknown;
  createdAt: number;
}

/** A saved finding (its JSON document, validated on the way in) with a thumbnail. */
export interface FindingRow {
  id?: number;
  title: string;
  finding: unknown;
  thumbnail: Blob | null;
  createdAt: number;
  updatedAt: number;
}

export class CellscopeDB extends Dexie {
  models!: Table<ModelRow, string>;
  corpora!: Table<CorpusRow, string>;
  corpusTexts!: Table<CorpusTextRow, string>;
  tracks!: Table<TrackRow, number>;
  predictions!: Table<PredictionRow, [number, number]>;
  findings!: Table<FindingRow, number>;
  analyses!: Table<AnalysisRow, number>;
  recordings!: Table<RecordingRow, number>;
  tiles!: Table<TileRow, [number, string, number, number]>;
  tokens!: Table<TokenRow, [number, number]>;

  constructor(name = 'cellscope') {
    super(name);
    this.version(1).stores(SCHEMA_V1);
    // v1 → v2: move each corpus's text out of its row (keeping a preview); nothing is dropped.
    this.version(2)
      .stores(SCHEMA_V2)
      .upgrade(async (tx) => {
        const texts: CorpusTextRow[] = [];
        await tx
          .table('corpora')
          .toCollection()
          .modify((row: CorpusRow & { text?: string }) => {
            if (typeof row.text !== 'string') return;
            texts.push({ sha256: row.sha256, text: row.text });
            row.preview = corpusPreview(row.text);
            row.lines ??= row.text.split('\n').length;
            delete row.text;
          });
        await tx.table('corpusTexts').bulkPut(texts);
        // v1 cut every stream into 64-unit tiles; v2 records the width (the default changed).
        await tx
          .table('recordings')
          .toCollection()
          .modify((row: RecordingRow) => {
            row.tileUnits ??= 64;
          });
      });
    this.version(3).stores(SCHEMA_V3);
  }

  /** A corpus with its text, or undefined when either is missing. */
  async loadCorpus(sha256: string): Promise<LoadedCorpus | undefined> {
    const [row, text] = await Promise.all([this.corpora.get(sha256), this.corpusTexts.get(sha256)]);
    return row && text ? { ...row, text: text.text } : undefined;
  }
}

let shared: CellscopeDB | null = null;
/** The app's database (one connection per JS context: page or worker). */
export function database(): CellscopeDB {
  return (shared ??= new CellscopeDB());
}
