/** What the library page does with files the user drops in: check, store, and say what happened. */
import { recorder } from '../../record/client';
import {
  addCorpus,
  addModel,
  checkModel,
  setModelVocabulary,
  type CellscopeDB,
  type ModelRow
} from '../../store';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

const fail = (e: unknown): Notice => ({ kind: 'error', text: (e as Error).message });

export async function addModelFile(db: CellscopeDB, file: File): Promise<Notice> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { tokenizer } = checkModel(bytes, file.name);
    // Load it in the worker as it will be recorded, so an unsupported operator shows up now.
    const problem = await recorder().validate(bytes);
    if (problem) {
      return fail(
        new Error(`onnxruntime-web cannot run "${file.name}": ${problem}. Nothing was stored.`)
      );
    }
    const row = await addModel(db, bytes, file.name);
    return {
      kind: 'info',
      text: tokenizer
        ? `Added model "${row.name}".`
        : `Added model "${row.name}". It has no vocabulary: add one on its card to record text.`
    };
  } catch (e) {
    return fail(e);
  }
}

export async function addCorpusFile(db: CellscopeDB, file: File): Promise<Notice> {
  try {
    const row = await addCorpus(db, new Uint8Array(await file.arrayBuffer()), file.name);
    return { kind: 'info', text: `Added corpus "${row.name}".` };
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
    const spec = await setModelVocabulary(db, model, await file.text(), file.name);
    return {
      kind: 'info',
      text: `"${model.name}" now reads text with ${file.name} (${spec.vocab.length} ${spec.type} tokens).`
    };
  } catch (e) {
    return fail(e);
  }
}
