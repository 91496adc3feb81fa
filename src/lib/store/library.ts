/** Adding models and corpora to the library: validated first, stored whole or not at all. */
import { decodeModel, ModelFormatError, prepareForRecording } from '../onnx';
import { createTokenizer, parseTokenizerSpec, validateCorpusText } from '../tokenize';
import type { CellscopeDB, CorpusRow, ModelRow } from './db';

import { sha256 } from './hash';
export { sha256 };

/** Check that cellscope can record this model; returns its ModelInfo or throws a message for the user. */
export function checkModel(bytes: Uint8Array, name: string) {
  const { info } = prepareForRecording(decodeModel(bytes));
  if (!info.tokenInput) {
    throw new ModelFormatError(
      `"${name}" has no integer token input cellscope can feed. Export the model with a token-id input ` +
        '(int64 [batch, seq]) and set the cellscope.input metadata.'
    );
  }
  const spec = info.metadata['cellscope.tokenizer'];
  if (!spec) {
    throw new ModelFormatError(
      `"${name}" has no vocabulary: add cellscope.tokenizer metadata to the ONNX file (see README, ` +
        '"Bring your own model").'
    );
  }
  createTokenizer(parseTokenizerSpec(spec));
  return info;
}

export async function addModel(
  db: CellscopeDB,
  bytes: Uint8Array,
  name: string,
  bundled = false
): Promise<ModelRow> {
  const info = checkModel(bytes, name);
  const row: ModelRow = {
    sha256: await sha256(bytes),
    name,
    bytes,
    size: bytes.length,
    info,
    bundled,
    addedAt: Date.now()
  };
  const existing = await db.models.get(row.sha256);
  if (existing) return existing;
  await db.models.put(row);
  return row;
}

export async function addCorpus(
  db: CellscopeDB,
  bytes: Uint8Array,
  name: string,
  bundled = false
): Promise<CorpusRow> {
  const text = validateCorpusText(bytes, name);
  const row: CorpusRow = {
    sha256: await sha256(bytes),
    name,
    text,
    chars: text.length,
    bundled,
    addedAt: Date.now()
  };
  const existing = await db.corpora.get(row.sha256);
  if (existing) return existing;
  await db.corpora.put(row);
  return row;
}
