/** The bundled demo: a trained char-LSTM on C code and a held-out C file to record. */
import { asset } from '$app/paths';
import modelUrl from '../../models/code-lstm.onnx?url';
import { addCorpus, addModel } from './store/library';
import { type CellscopeDB } from './store/db';

const DEMO_MODEL_NAME = 'code-lstm.onnx';
const DEMO_CORPUS_NAME = 'stb_c_lexer.h';
const SEEDED_KEY = 'cellscope.demo-seeded';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load the bundled demo (${url}: HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Put the demo model and corpus in the library on first start (once; deleting them sticks). */
export async function ensureDemo(db: CellscopeDB): Promise<void> {
  if (localStorage.getItem(SEEDED_KEY) === '1' && (await db.models.count()) > 0) return;
  const [model, corpus] = await Promise.all([
    fetchBytes(modelUrl),
    fetchBytes(asset('/corpora/stb_c_lexer.h.txt'))
  ]);
  await addModel(db, model, DEMO_MODEL_NAME, true);
  await addCorpus(db, corpus, DEMO_CORPUS_NAME, true);
  localStorage.setItem(SEEDED_KEY, '1');
}
