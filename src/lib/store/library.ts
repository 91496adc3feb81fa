/** Adding models and corpora to the library: validated first, stored whole or not at all. */
import { checkNoExternalData, checkVocabularyFits } from '../onnx/checks';
import { decodeModel, ModelFormatError } from '../onnx/proto';
import { prepareForRecording } from '../onnx/surgery';
import { type ModelInfo } from '../onnx/inspect';
import { tokenInputProblem } from '../onnx/tokenInput';
import { lineStarts } from '../tokenize/lines';
import { documentsOf, joinDocuments, type DocumentSplit } from '../tokenize/documents';
import {
  createTokenizer,
  parseTokenizerSpec,
  type Tokenizer,
  type TokenizerSpec
} from '../tokenize/tokenizer';
import { parseVocabFile, readVocabFile } from '../tokenize/vocab';
import { validateCorpusText } from '../tokenize/corpus';
import { CsvError, parseSeriesCsv, seriesDocuments } from '../tokenize/series';
import { corpusPreview, type CellscopeDB, type CorpusRow, type ModelRow } from './db';
import { sha256 } from './hash';

export { sha256 };

/**
 * Check that cellscope can record this model (a recurrent op, a token input, weights inside the
 * file); returns its ModelInfo and the tokenizer from its metadata, if any.
 */
export function checkModel(
  bytes: Uint8Array,
  name: string
): { info: ModelInfo; tokenizer: TokenizerSpec | null } {
  const model = decodeModel(bytes);
  checkNoExternalData(model);
  const { info, cells, window } = prepareForRecording(model, { internals: true });
  if (!info.layers.length && cells.length && !info.tokenInput) {
    throw new ModelFormatError(
      `"${name}" has no LSTM, GRU or RNN op and no token input: its cell is a Loop or unrolled steps ` +
        'over float features, which the browser does not feed yet. Record it with the command line: ' +
        'npm run record -- --model M.onnx --csv features.csv (or --feed NAME=x.npy).'
    );
  }
  // A float-feature model records over a CSV corpus (its feature columns, one row per step).
  if (info.featureInput && info.layers.length) {
    const others = info.inputs.filter((i) => i.name !== info.featureInput!.name);
    if (others.length)
      throw new ModelFormatError(
        `"${name}" feeds its recurrent layers from ${info.featureInput.name} (float features) but also takes ${others.map((o) => `${o.name} (${o.elemType})`).join(', ')}: the browser feeds only the features and the state it carries. Give ${others.length > 1 ? 'those inputs' : 'that input'} a default value (an initializer), or record with the command line, which feeds every input: npm run record -- --model M.onnx --out DIR --csv features.csv --feed NAME=values.npy.`
      );
    return { info, tokenizer: null };
  }
  const inputProblem = tokenInputProblem(
    info,
    name,
    window?.stateInputs.map((s) => s.input)
  );
  if (inputProblem) throw new ModelFormatError(inputProblem);
  if (!info.tokenInput) {
    throw new ModelFormatError(
      `"${name}" has no integer token input: the browser records text through a tokenizer. For a model ` +
        'that takes float features use the command line: npm run record -- --model M.onnx --csv features.csv.'
    );
  }
  const meta = info.metadata['cellscope.tokenizer'];
  const tokenizer = meta ? parseTokenizerSpec(meta) : null;
  if (tokenizer) {
    createTokenizer(tokenizer);
    checkVocabularyFits(model, info.tokenInput.name, tokenizer.vocab.length);
  }
  return { info, tokenizer };
}

export async function addModel(
  db: CellscopeDB,
  bytes: Uint8Array,
  name: string,
  bundled = false
): Promise<ModelRow> {
  const { info, tokenizer } = checkModel(bytes, name);
  const row: ModelRow = {
    sha256: await sha256(bytes),
    name,
    bytes,
    size: bytes.length,
    info,
    tokenizer,
    vocabulary: tokenizer ? 'model metadata' : null,
    bundled,
    addedAt: Date.now()
  };
  const existing = await db.models.get(row.sha256);
  if (existing) return existing;
  await db.models.put(row);
  return row;
}

/**
 * Give a model without tokenizer metadata its vocabulary (LSTMVis .dict, JSON array, token per
 * line): the file's bytes (UTF-8 only), or its text.
 */
export async function setModelVocabulary(
  db: CellscopeDB,
  model: ModelRow,
  file: Uint8Array | string,
  fileName: string
): Promise<TokenizerSpec> {
  const spec =
    typeof file === 'string' ? parseVocabFile(file, fileName) : readVocabFile(file, fileName);
  createTokenizer(spec);
  checkVocabularyFits(decodeModel(model.bytes), model.info.tokenInput!.name, spec.vocab.length);
  await db.models.update(model.sha256, { tokenizer: spec, vocabulary: fileName });
  return spec;
}

export function modelTokenizer(model: ModelRow): Tokenizer {
  if (!model.tokenizer) {
    throw new ModelFormatError(
      `"${model.name}" has no vocabulary yet: add a vocabulary file to its card.`
    );
  }
  return createTokenizer(model.tokenizer);
}

/** How a file becomes documents: as a text splits (documentsOf), or a CSV time series. */
export type DocumentMode =
  | DocumentSplit
  /** a CSV time series: one row per step, documents by its doc column */
  | { kind: 'csv' };

/**
 * Add one or more files as a corpus. Several files: one document each. One file: as `mode` says.
 * Keyed by the SHA-256 of the bytes and the split, so the same file split two ways is two corpora.
 */
export async function addCorpus(
  db: CellscopeDB,
  bytes: Uint8Array,
  name: string,
  bundled = false,
  mode: DocumentMode = { kind: 'whole' }
): Promise<CorpusRow> {
  return addCorpusFiles(db, [{ bytes, name }], name, bundled, mode);
}

export async function addCorpusFiles(
  db: CellscopeDB,
  files: { bytes: Uint8Array; name: string }[],
  name: string,
  bundled = false,
  mode: DocumentMode = { kind: 'whole' }
): Promise<CorpusRow> {
  const texts = files.map((f) => ({ name: f.name, text: validateCorpusText(f.bytes, f.name) }));
  if (mode.kind === 'csv' && texts.length > 1)
    throw new CsvError(
      'Add one CSV time series at a time; to give it several documents, mark them in a "doc" column.'
    );
  const table = mode.kind === 'csv' ? parseSeriesCsv(texts[0].text, texts[0].name) : null;
  const split = table
    ? { text: texts[0].text, documents: seriesDocuments(table, texts[0].text) }
    : texts.length > 1
      ? joinDocuments(texts)
      : documentsOf(texts[0].text, texts[0].name, mode as DocumentSplit);
  const key = files.map((f) => f.bytes);
  key.push(new TextEncoder().encode(JSON.stringify(mode)));
  const joined = new Uint8Array(key.reduce((n, k) => n + k.length + 1, 0));
  let at = 0;
  for (const k of key) {
    joined.set(k, at);
    at += k.length + 1;
  }
  const row: CorpusRow = {
    sha256: await sha256(files.length === 1 && mode.kind === 'whole' ? files[0].bytes : joined),
    name,
    preview: corpusPreview(split.text),
    chars: split.text.length,
    lines: lineStarts(split.text).length,
    documents: split.documents,
    ...(table
      ? {
          series: {
            columns: table.columns,
            rows: table.rows,
            docColumn: table.docColumn === null ? null : table.columns[table.docColumn]
          }
        }
      : {}),
    bundled,
    addedAt: Date.now()
  };
  const existing = await db.corpora.get(row.sha256);
  if (existing) return existing;
  // Row and text together: never a corpus without its text.
  await db.transaction('rw', db.corpora, db.corpusTexts, async () => {
    await db.corpusTexts.put({ sha256: row.sha256, text: split.text });
    await db.corpora.put(row);
  });
  return row;
}
