/** What the library page does with files the user drops in: check, store, and say what happened. */
import { explainOrtError } from '../../onnx/runtimeErrors';
import { recorder } from '../../recorder/client';
import {
  addCorpusFiles as addCorpusRows,
  addModel,
  checkModel,
  setModelVocabulary,
  type DocumentMode
} from '../../store/library';
import { type CellscopeDB, type ModelRow } from '../../store/db';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  /** raw text behind the message (e.g. onnxruntime's own), shown folded */
  details?: { label: string; text: string } | null;
}

const fail = (e: unknown): Notice => ({ kind: 'error', text: (e as Error).message });

export async function addModelFile(db: CellscopeDB, file: File): Promise<Notice> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { info, tokenizer } = checkModel(bytes, file.name);
    // Load it in the worker as it will be recorded, so an unsupported operator shows up now.
    const problem = await recorder().validate(bytes);
    if (problem) {
      const { summary, details } = explainOrtError(problem, info);
      return {
        kind: 'error',
        text: `"${file.name}" was not added. ${summary}`,
        details: details ? { label: "onnxruntime's message", text: details } : null
      };
    }
    const row = await addModel(db, bytes, file.name);
    return {
      kind: 'info',
      text: info.featureInput
        ? `Added model "${row.name}". It takes float features per step: record it over a CSV time series.`
        : tokenizer
          ? `Added model "${row.name}".`
          : `Added model "${row.name}". It has no vocabulary: add one on its card to record text.`
    };
  } catch (e) {
    return fail(e);
  }
}

/** Add files as one corpus: several files are one document each; one file is split as `mode` says. */
export async function addCorpusFiles(
  db: CellscopeDB,
  files: File[],
  mode: DocumentMode
): Promise<Notice> {
  try {
    const loaded = await Promise.all(
      files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))
    );
    const name = files.length > 1 ? `${files[0].name} + ${files.length - 1} more` : files[0].name;
    const row = await addCorpusRows(db, loaded, name, false, mode);
    const docs = row.documents.length;
    return {
      kind: 'info',
      text: row.series
        ? `Added time series "${row.name}": ${row.series.rows.toLocaleString('en')} steps, ${row.series.columns.length} columns${docs > 1 ? `, ${docs} documents` : ''}.`
        : `Added corpus "${row.name}"${docs > 1 ? ` (${docs} documents)` : ''}.`
    };
  } catch (e) {
    return fail(e);
  }
}

export async function addVocabularyFile(
  db: CellscopeDB,
  model: ModelRow,
  file: File
): Promise<Notice> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const spec = await setModelVocabulary(db, model, bytes, file.name);
    return {
      kind: 'info',
      text: `"${model.name}" now reads text with ${file.name} (${spec.vocab.length} ${spec.type} tokens).`
    };
  } catch (e) {
    return fail(e);
  }
}
