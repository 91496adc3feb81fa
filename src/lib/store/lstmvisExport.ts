/**
 * What an LSTMVis export (lstmvis/write.ts) needs of a library recording: its streams as stored
 * (decoded from the 8-bit tiles: each value within half a quantisation step of the recorded one),
 * its token ids, the token texts (the model's vocabulary, or the corpus text for a recording
 * without a model, such as an import), its tracks, and the LM head's top-k predictions.
 */
import { exportName, nameSourceOf } from '../export/fileName';
import type { ExportInput } from '../lstmvis/write';
import { tokenAt } from '../lstmvis/text';
import type { CellscopeDB } from './db';
import { RecordingReader } from './reader';

export interface LstmvisExport {
  input: ExportInput;
  /** the zip's name, and the project folder's inside it */
  fileName: string;
}

export async function lstmvisExportInput(db: CellscopeDB, id: number): Promise<LstmvisExport> {
  const rec = await db.recordings.get(id);
  if (!rec) throw new Error(`Recording ${id} is no longer in the library.`);
  if (rec.status !== 'complete')
    throw new Error(`"${rec.name}" is not complete: finish it (Resume) before exporting it.`);
  const corpus = await db.loadCorpus(rec.corpusSha);
  if (!corpus) throw new Error(`The corpus of "${rec.name}" was deleted: its tokens are gone.`);
  const model = rec.modelSha ? await db.models.get(rec.modelSha) : undefined;
  const reader = new RecordingReader(db, rec);
  const T = rec.tokens;
  const { ids, offsets } = await reader.tokens(0, T);
  const fromText = new Map<number, string>();
  ids.forEach((v, t) => {
    if (!fromText.has(v)) fromText.set(v, tokenAt(corpus.text, offsets, t));
  });
  const vocab = model?.tokenizer?.vocab ?? null;
  // Next-token predictions only: a classifier's classes are not tokens.
  const lm = vocab && !model?.info.classes ? await reader.predictions(0, T) : null;
  const tracks = (await db.tracks.where('recordingId').equals(id).toArray()).map((t) => ({
    name: t.name,
    kind: t.kind,
    values: t.values,
    categories: t.categories
  }));
  const source = nameSourceOf(rec, model?.name ?? '', corpus.name);
  const described = model
    ? `Recorded with cellscope: ${model.name} on ${corpus.name}, ${T} tokens.`
    : `Exported from cellscope: ${rec.name}, ${T} tokens.`;
  return {
    fileName: exportName(model ? source : { ...source, model: rec.name, corpus: '' }, {
      kind: 'lstmvis',
      ext: 'zip'
    }),
    input: {
      name: rec.name,
      description: `${described} Values as stored (8-bit tiles); LSTMVis applies tanh to what it shows.`,
      tokens: T,
      ids,
      tokenOf: (v) => vocab?.[v] ?? fromText.get(v),
      streams: rec.streams.map((s) => ({ id: s.id, kind: s.kind, layer: s.layer, units: s.units })),
      readStream: (stream, t0, t1) => reader.window(stream, t0, t1),
      tracks,
      predictions: lm ? { k: lm.k, ids: lm.topIds, probs: lm.topProbs } : null
    }
  };
}
