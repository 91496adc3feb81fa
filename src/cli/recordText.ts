/**
 * `record --text`: tokenize the corpus, run it in chunks with the state carried, write streams,
 * and the corpus beside them (its text, token ids and UTF-16 start offsets: what `npm run analyze`
 * needs for built-in and regex tracks).
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeNpy } from '../lib/export/npy';
import { checkVocabularyFits } from '../lib/onnx/checks';
import { decodeModel } from '../lib/onnx/proto';
import type { RecordingGraph } from '../lib/onnx/surgery';
import { recordChunks } from '../lib/record/core';
import type { SessionLike } from '../lib/record/step';
import { widenIntervenedRanges } from '../lib/record/intervention';
import {
  cellStreamSpecs,
  checkWholeDocuments,
  probeCellUnits,
  wantedCells
} from '../lib/record/cellStreams';
import { parseKinds, planStreams } from '../lib/record/streams';
import { checkWindowDocuments, windowChunkSize, windowNote } from '../lib/record/windowPlan';
import { windowRunner } from '../lib/record/windows';
import { validateCorpusText } from '../lib/tokenize/corpus';
import {
  documentsOf,
  encodeDocuments,
  type DocumentSpan,
  type EncodedCorpus
} from '../lib/tokenize/documents';
import { createTokenizer, parseTokenizerSpec, type TokenizerSpec } from '../lib/tokenize/tokenizer';
import { readVocabFile } from '../lib/tokenize/vocab';
import { InputError, readFile } from './inputFiles';
import { scanEngine, type OrtNode, type RecordCommandOptions } from './recordCommand';
import { checkParallel, lanesFor, recordSideBySide } from './recordParallel';
import { textSink } from './recordSink';
import { chunkRowsOf } from './storeAttributes';
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
  /** the text as recorded (jsonl documents: their texts joined by newlines) */
  text: string;
  /** its documents (character ranges; one, the whole text, unless --documents splits it) */
  documents: DocumentSpan[];
  encoded: EncodedCorpus;
}

export function prepareText(
  opts: RecordCommandOptions,
  graph: RecordingGraph,
  modelBytes: Uint8Array
): TextInput {
  const tokenInput = graph.info.tokenInput;
  if (!tokenInput)
    throw new InputError('The model has no integer token input; use --feed to give its inputs.');
  checkParallel(opts, graph);
  const spec = tokenizerSpec(opts, graph);
  checkVocabularyFits(decodeModel(modelBytes), tokenInput.name, spec.vocab.length);
  const { text, documents } = documentsOf(
    readCorpus(opts.text!),
    basename(opts.text!),
    opts.documents ?? { kind: 'whole' }
  );
  // Each document tokenized on its own, as the browser does (no token spans two documents).
  const encoded = encodeDocuments(createTokenizer(spec), text, documents);
  if (encoded.ids.length === 0) throw new InputError(`${opts.text} holds no tokens.`);
  // A fixed-length graph whose state cannot be carried takes each document in one window.
  if (graph.window) {
    try {
      checkWindowDocuments(graph.window, encoded.documentStarts, encoded.ids.length, {
        bidirectional: graph.taps.some((t) => t.direction !== 'forward'),
        names: documents.map((d) => d.name)
      });
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }
  return { tokenInput, spec, text, documents, encoded };
}

/**
 * The streams a text run writes: the taps' (widened where clamped) and, for a Loop or unrolled
 * cell, its streams with their widths from a probe run. Such cells run each document whole.
 */
export async function planTextStreams(
  opts: RecordCommandOptions,
  ort: OrtNode,
  graph: RecordingGraph,
  session: SessionLike,
  { tokenInput, encoded }: TextInput
) {
  const kinds = parseKinds(opts.streams ?? 'all');
  const T = encoded.ids.length;
  // A Loop or unrolled cell: each document in one run, its streams' widths from a probe; a
  // fixed-length graph: windows of its length (record/windows.ts).
  const cells = wantedCells(graph.cells, kinds);
  const window = graph.window;
  if (cells.length && !window) checkWholeDocuments(encoded.documentStarts, T);
  const windows = window
    ? windowRunner({
        session,
        Tensor: ort.Tensor,
        taps: graph.taps,
        cells: graph.cells,
        wanted: cells,
        tokenInput,
        window,
        kinds
      })
    : undefined;
  const cellSpecs = cells.length
    ? cellStreamSpecs(
        cells,
        await probeCellUnits(
          session,
          ort.Tensor,
          graph.taps,
          cells,
          tokenInput,
          encoded.ids.subarray(0, 8),
          windows
        )
      )
    : [];
  const streams = [
    ...widenIntervenedRanges(planStreams(graph.taps, kinds), opts.clamps ?? []),
    ...cellSpecs
  ];
  // The recorder's runs: windows of the graph's length, a whole document for such cells, else
  // --chunk tokens (the Zarr store's chunks are --chunk steps whatever the runs: zarrGrid.ts).
  const chunkSize = window
    ? windowChunkSize(window, opts.chunk ?? 4096)
    : cells.length
      ? T
      : (opts.chunk ?? 4096);
  return { kinds, cells, windows, streams, chunkSize };
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
  input: TextInput
) {
  const { tokenInput, spec, text, encoded } = input;
  const T = encoded.ids.length;
  const { kinds, cells, windows, streams, chunkSize } = await planTextStreams(
    opts,
    ort,
    graph,
    session,
    input
  );
  const zarr = opts.zarr
    ? new ZarrStoreWriter(opts.zarr, streams, T, chunkRowsOf(opts), opts.zarrVersion ?? 3)
    : null;
  const sink = textSink(opts, graph, streams, encoded, zarr);
  const parallel = lanesFor(opts, encoded);
  if (parallel > 1) {
    await recordSideBySide(opts, ort, graph, session, input, { chunkSize, kinds, parallel }, sink);
  } else {
    await recordChunks({
      session,
      Tensor: ort.Tensor,
      taps: graph.taps,
      tokenInput,
      ids: encoded.ids,
      chunkSize,
      documents: encoded.documentStarts,
      kinds,
      cells,
      windows,
      interventions: opts.clamps,
      cellEngine: opts.clamps ? scanEngine(ort) : undefined,
      sink
    });
  }
  zarr?.close();
  zarr?.writeTokens(encoded.ids, encoded.offsets, text);
  const corpus = writeCorpus(opts, input);
  const written = sink.finish();
  const lm = graph.info.logits;
  return {
    zarr,
    lm: zarr?.lmK ? ({ logits: lm!, k: zarr.lmK, vocab: spec.vocab } as ZarrLm) : null,
    ...textSummary(spec, encoded, chunkSize, graph.window, parallel),
    corpus,
    ...(graph.info.classes ? { classes: graph.info.classes } : {}),
    ...written
  };
}

/** What the manifest says of a text run (also the Zarr attributes of its shards' store). */
export function textSummary(
  spec: TokenizerSpec,
  encoded: EncodedCorpus,
  chunkSize: number,
  window: RecordingGraph['window'],
  /** documents recorded side by side (1: one after the other; shards always run so) */
  parallel = 1
) {
  const T = encoded.ids.length;
  return {
    mode: 'text',
    tokens: T,
    batch: 1,
    lengths: [T],
    tokenizer: { type: spec.type, vocabSize: spec.vocab.length },
    unknownTokens: encoded.unknown,
    unknownExamples: encoded.unknownExamples,
    chunkSize,
    parallel,
    ...(window
      ? {
          window: {
            steps: window.steps,
            stateInputs: window.stateInputs.map((s) => s.input),
            carried: window.carried,
            note: windowNote(window)
          }
        }
      : {})
  };
}

/** The corpus files of a text recording, as listed under `corpus` in manifest.json. */
export const CORPUS_FILES = {
  text: 'corpus.txt',
  tokens: 'corpus.tokens.npy',
  offsets: 'corpus.offsets.npy'
};

/**
 * The text as recorded (UTF-8), the token ids (int32) and each token's UTF-16 start offset in
 * the text (uint32); the documents by name and first token.
 */
function writeCorpus(opts: RecordCommandOptions, { text, documents, encoded }: TextInput) {
  const T = encoded.ids.length;
  writeFileSync(join(opts.out, CORPUS_FILES.text), text);
  writeFileSync(join(opts.out, CORPUS_FILES.tokens), writeNpy(encoded.ids, [T]));
  writeFileSync(join(opts.out, CORPUS_FILES.offsets), writeNpy(encoded.offsets, [T]));
  return {
    ...CORPUS_FILES,
    chars: text.length,
    documents: documents.map((d, i) => ({ name: d.name, start: encoded.documentStarts[i] }))
  };
}
