/**
 * `record --text`: tokenize the corpus (one document, or several: --documents), run it in chunks
 * with the state carried within a document and reset at each, write streams, and the corpus beside
 * them (its text, token ids, UTF-16 start offsets and documents: what `npm run analyze` needs for
 * built-in and regex tracks and its held-out split).
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeNpy } from '../lib/export/npy';
import { checkVocabularyFits } from '../lib/onnx/checks';
import { decodeModel } from '../lib/onnx/proto';
import type { RecordingGraph } from '../lib/onnx/surgery';
import { recordChunks } from '../lib/record/core';
import type { SessionLike, TensorLike } from '../lib/record/step';
import { widenIntervenedRanges } from '../lib/record/intervention';
import {
  cellStreamSpecs,
  checkWholeDocuments,
  probeCellUnits,
  wantedCells
} from '../lib/record/cellStreams';
import { parseKinds, planStreams } from '../lib/record/streams';
import { chunkPredictions, classPredictions } from '../lib/store/recordings';
import { documentsOf, encodeDocuments, type EncodedCorpus } from '../lib/tokenize/documents';
import { validateCorpusText } from '../lib/tokenize/corpus';
import { createTokenizer, parseTokenizerSpec, type TokenizerSpec } from '../lib/tokenize/tokenizer';
import { readVocabFile } from '../lib/tokenize/vocab';
import { InputError, readFile } from './inputFiles';
import { NpyFileWriter } from './npyFile';
import { scanEngine, type OrtNode, type RecordCommandOptions } from './recordCommand';
import { fileName, savedTensors, writeTensor, type FileEntry } from './recordOutputs';
import { ZarrStoreWriter } from './zarrStore';

export function tokenizerSpec(opts: RecordCommandOptions, graph: RecordingGraph): TokenizerSpec {
  if (opts.vocab)
    return readVocabFile(readFile(opts.vocab, 'vocabulary'), opts.vocab, opts.tokenizer);
  const meta = graph.info.metadata['cellscope.tokenizer'];
  if (!meta) {
    throw new InputError(
      'The model has no cellscope.tokenizer metadata; pass --vocab FILE (LSTMVis .dict, JSON array, or one token per line).'
    );
  }
  const spec = parseTokenizerSpec(meta);
  return opts.tokenizer ? { ...spec, type: opts.tokenizer } : spec;
}

/** The corpus, checked as the browser checks it: UTF-8 text that is not only whitespace. */
export const readCorpus = (path: string) => validateCorpusText(readFile(path, 'text'), path);

/** Everything a text run needs, read and checked before any file is written. */
export interface TextInput {
  tokenInput: NonNullable<RecordingGraph['info']['tokenInput']>;
  spec: TokenizerSpec;
  text: string;
  encoded: EncodedCorpus;
  /** Each document's name and first token. */
  documents: { name: string; start: number }[];
}

export function prepareText(
  opts: RecordCommandOptions,
  graph: RecordingGraph,
  modelBytes: Uint8Array
): TextInput {
  const tokenInput = graph.info.tokenInput;
  if (!tokenInput)
    throw new InputError('The model has no integer token input; use --feed to give its inputs.');
  const spec = tokenizerSpec(opts, graph);
  checkVocabularyFits(decodeModel(modelBytes), tokenInput.name, spec.vocab.length);
  const split = splitCorpus(opts, readCorpus(opts.text!));
  const encoded = encodeDocuments(createTokenizer(spec), split.text, split.documents);
  if (encoded.ids.length === 0) throw new InputError(`${opts.text} holds no tokens.`);
  const starts = encoded.documentStarts;
  const empty = starts.findIndex((s, d) => s === (starts[d + 1] ?? encoded.ids.length));
  if (empty >= 0)
    throw new InputError(`${split.documents[empty].name} holds no tokens; remove it or join it.`);
  // A Zarr array's chunks are all one size; a recorder chunk never crosses a document.
  if (opts.zarr && starts.length > 1)
    throw new InputError(
      `--zarr writes a corpus of one document, and --documents split this one into ${starts.length}; drop one of them.`
    );
  const documents = split.documents.map((d, i) => ({ name: d.name, start: starts[i] }));
  return { tokenInput, spec, text: split.text, encoded, documents };
}

/** The corpus text and its documents, as --documents says (default: the whole text, one). */
function splitCorpus(opts: RecordCommandOptions, text: string) {
  const name = basename(opts.text!);
  try {
    return documentsOf(text, opts.documents ?? { kind: 'whole' }, name);
  } catch (e) {
    throw new InputError(`--documents: ${(e as Error).message}`);
  }
}

/** What the Zarr store says of the LM head: its output, k, and the vocabulary to show tokens. */
export interface ZarrLm {
  logits: string;
  k: number;
  vocab: string[];
}

export async function recordText(
  opts: RecordCommandOptions,
  ort: OrtNode,
  graph: RecordingGraph,
  session: SessionLike,
  { tokenInput, spec, text, encoded, documents }: TextInput
) {
  const T = encoded.ids.length;
  const starts = documents.map((d) => d.start);
  const kinds = parseKinds(opts.streams ?? 'all');
  // A Loop or unrolled cell: one run per document, its streams' widths from a probe.
  const cells = wantedCells(graph.cells, kinds);
  if (cells.length) checkWholeDocuments(starts, T);
  const cellSpecs = cells.length
    ? cellStreamSpecs(
        cells,
        await probeCellUnits(
          session,
          ort.Tensor,
          graph.taps,
          cells,
          tokenInput,
          encoded.ids.subarray(0, 8)
        )
      )
    : [];
  const streams = [
    ...widenIntervenedRanges(planStreams(graph.taps, kinds), opts.clamps ?? []),
    ...cellSpecs
  ];
  const writers = new Map(
    streams.map((s) => [s.id, new NpyFileWriter(join(opts.out, fileName(s.id)), [T, s.units])])
  );
  const outputWriters = new Map<string, NpyFileWriter>();
  const lastOutputs = new Map<string, TensorLike>();
  // A backward direction, or a cell without a recurrent op, needs each document in one run (as
  // record/plan.ts plans it in the browser).
  const whole = cells.length > 0 || graph.taps.some((t) => t.direction !== 'forward');
  const chunkSize = whole ? T : (opts.chunk ?? 4096);
  const zarr = opts.zarr
    ? new ZarrStoreWriter(opts.zarr, streams, T, chunkSize, opts.zarrVersion ?? 3)
    : null;
  // The LM head's predictions go into the Zarr store (the explorer's inspector and loss track);
  // a classifier's class probabilities, each document's at every one of its steps.
  const lm = graph.info.logits;
  const classifier = !!graph.info.classes;
  const docStarts = new Set(starts);
  // A classifier's class logits without a time axis: one row per document (its last run's).
  const classRows: Float32Array[] = [];
  await recordChunks({
    session,
    Tensor: ort.Tensor,
    taps: graph.taps,
    tokenInput,
    ids: encoded.ids,
    chunkSize,
    documents: starts,
    kinds,
    cells,
    interventions: opts.clamps,
    cellEngine: opts.clamps ? scanEngine(ort) : undefined,
    sink: {
      commit: async (r) => {
        for (const [id, data] of Object.entries(r.streams)) writers.get(id)!.append(data);
        zarr?.writeChunk(r.chunk, r.length, r.streams);
        if (zarr && lm)
          zarr.writePredictions(
            r.chunk,
            r.length,
            classifier ? classPredictions(r, lm) : chunkPredictions(r, lm, encoded.ids, docStarts)
          );
        for (const o of savedTensors(graph, opts)) {
          const t = r.outputs![o.name];
          if (!t) continue;
          const end = r.start + r.length;
          if (classifier && o.name === lm && t.data instanceof Float32Array && t.dims[0] === 1) {
            if (end === T || docStarts.has(end)) classRows.push(t.data.slice());
            continue;
          }
          // Outputs with a time axis (all axes before it of size 1) are concatenated over chunks.
          const axis = t.dims.findIndex(
            (d, i) => d === r.length && t.dims.slice(0, i).every((x) => x === 1)
          );
          if (axis >= 0 && t.data instanceof Float32Array) {
            if (!outputWriters.has(o.name)) {
              const shape = t.dims.map((d, i) => (i === axis ? T : d));
              outputWriters.set(o.name, new NpyFileWriter(join(opts.out, fileName(o.file)), shape));
            }
            outputWriters.get(o.name)!.append(t.data);
          } else lastOutputs.set(o.name, t);
        }
      }
    }
  });
  zarr?.writeTokens(encoded.ids, encoded.offsets, text);
  const corpus = writeCorpus(opts, text, encoded, documents);
  const files: FileEntry[] = [];
  for (const s of streams) {
    writers.get(s.id)!.close();
    files.push({ name: s.id, file: fileName(s.id), shape: [T, s.units], dtype: 'float32' });
  }
  const outputs: FileEntry[] = [];
  const stem = new Map(savedTensors(graph, opts).map((o) => [o.name, o.file]));
  for (const [name, w] of outputWriters) {
    w.close();
    outputs.push({ name, file: fileName(stem.get(name)!), shape: w.shape, dtype: 'float32' });
  }
  for (const [name, t] of lastOutputs) outputs.push(writeTensor(opts.out, name, t, stem.get(name)));
  if (classRows.length) {
    const rows = new Float32Array(classRows.length * classRows[0].length);
    classRows.forEach((row, d) => rows.set(row, d * row.length));
    const t = { data: rows, dims: [classRows.length, classRows[0].length] } as TensorLike;
    outputs.push(writeTensor(opts.out, lm!, t, stem.get(lm!)));
  }
  return {
    zarr,
    lm: zarr?.lmK ? ({ logits: lm!, k: zarr.lmK, vocab: spec.vocab } as ZarrLm) : null,
    mode: 'text',
    tokens: T,
    batch: 1,
    lengths: [T],
    ...(classifier ? { classes: graph.info.classes } : {}),
    tokenizer: { type: spec.type, vocabSize: spec.vocab.length },
    unknownTokens: encoded.unknown,
    unknownExamples: encoded.unknownExamples,
    chunkSize,
    corpus,
    streams: files,
    outputs
  };
}

/** The corpus files of a text recording, as listed under `corpus` in manifest.json. */
export const CORPUS_FILES = {
  text: 'corpus.txt',
  tokens: 'corpus.tokens.npy',
  offsets: 'corpus.offsets.npy'
};

/**
 * The text as recorded (UTF-8), the token ids (int32), each token's UTF-16 start offset in the
 * text (uint32), and each document's name and first token.
 */
function writeCorpus(
  opts: RecordCommandOptions,
  text: string,
  encoded: EncodedCorpus,
  documents: { name: string; start: number }[]
) {
  const T = encoded.ids.length;
  writeFileSync(join(opts.out, CORPUS_FILES.text), text);
  writeFileSync(join(opts.out, CORPUS_FILES.tokens), writeNpy(encoded.ids, [T]));
  writeFileSync(join(opts.out, CORPUS_FILES.offsets), writeNpy(encoded.offsets, [T]));
  return {
    ...CORPUS_FILES,
    chars: text.length,
    documents
  };
}
