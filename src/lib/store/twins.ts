/**
 * Untrained twins in the store: a recording's twin is the same corpus recorded with the same
 * settings by the model's untrained twin (onnx/reinit.ts: every float weight re-drawn from its own
 * mean and std), so rankings can be read against what the architecture alone gives. The twin's
 * row says whose twin it is (`twinOf`) and with which seed it was drawn (`twinSeed`).
 */
import { untrainedTwin } from '../onnx/reinit';
import type { CellscopeDB, LoadedCorpus, ModelRow, RecordingRow } from './db';
import { sha256 } from './hash';
import { corpusSteps } from './corpusSteps';
import { checkModel } from './library';
import { createRecording } from './recordings';

/** The twins of a recording, newest first. */
export async function listTwins(db: CellscopeDB, recordingId: number): Promise<RecordingRow[]> {
  const rows = await db.recordings.filter((r) => r.twinOf === recordingId).toArray();
  return rows.sort((a, b) => b.createdAt - a.createdAt);
}

/** The twin to compare a recording with: the newest complete one, else the newest at all. */
export async function findTwin(
  db: CellscopeDB,
  recordingId: number
): Promise<RecordingRow | undefined> {
  const twins = await listTwins(db, recordingId);
  return twins.find((t) => t.status === 'complete') ?? twins[0];
}

/** Whether the model still reads the corpus as the token ids the recording stored. */
async function sameTokens(
  db: CellscopeDB,
  rec: RecordingRow,
  model: ModelRow,
  corpus: LoadedCorpus
): Promise<boolean> {
  const { ids } = corpusSteps(model, corpus);
  if (ids.length !== rec.tokens) return false;
  const rows = await db.tokens.where('recordingId').equals(rec.id!).sortBy('chunk');
  let at = 0;
  for (const row of rows) {
    for (let i = 0; i < row.ids.length; i++) if (row.ids[i] !== ids[at + i]) return false;
    at += row.ids.length;
  }
  return at === ids.length;
}

async function checkNoTwinWithSeed(db: CellscopeDB, rec: RecordingRow, seed: number) {
  const same = (await listTwins(db, rec.id!)).find((t) => t.twinSeed === seed);
  if (same)
    throw new Error(
      `"${rec.name}" already has an untrained twin with seed ${seed}: "${same.name}".`
    );
}

export const twinName = (original: string, seed: number) =>
  `untrained twin of ${original} (seed ${seed})`;

/**
 * Draw the untrained twin of a complete recording's model and plan the twin recording: the same
 * corpus, stream kinds, tensors, chunking and documents. The twin model (stored under its own
 * SHA-256, with the original's vocabulary and tensor picks) and the recording row are written in
 * one transaction, after every check: on any failure nothing is stored. Returns the new row's id,
 * ready for the recorder to run.
 */
export async function planTwin(db: CellscopeDB, recordingId: number, seed: number) {
  const rec = await db.recordings.get(recordingId);
  if (!rec) throw new Error(`Recording ${recordingId} does not exist.`);
  if (rec.twinOf !== undefined)
    throw new Error(`"${rec.name}" is itself an untrained twin: make twins of trained recordings.`);
  if (rec.status !== 'complete')
    throw new Error(`"${rec.name}" is not complete yet: finish it (Resume) before its twin.`);
  await checkNoTwinWithSeed(db, rec, seed);
  const [model, corpus] = await Promise.all([
    db.models.get(rec.modelSha),
    db.loadCorpus(rec.corpusSha)
  ]);
  if (!model || !corpus) throw new Error(`The model or corpus of "${rec.name}" was deleted.`);
  // The twin must read the same tokens; a vocabulary changed since the recording would not.
  if (!(await sameTokens(db, rec, model, corpus)))
    throw new Error(
      `"${model.name}" now reads this corpus differently from when "${rec.name}" was recorded ` +
        '(its vocabulary changed): record the trained model again, then its twin.'
    );

  const bytes = untrainedTwin(model.bytes, seed, model.sha256).bytes;
  const twinModel: ModelRow = {
    sha256: await sha256(bytes),
    name: `${model.name} (untrained twin, seed ${seed})`,
    bytes,
    size: bytes.length,
    info: checkModel(bytes, model.name).info,
    tokenizer: model.tokenizer,
    vocabulary: model.vocabulary,
    tensorPicks: model.tensorPicks,
    bundled: false,
    addedAt: Date.now()
  };
  return db.transaction('rw', db.models, db.recordings, async () => {
    await checkNoTwinWithSeed(db, rec, seed); // again: another tab may have made it meanwhile
    if (!(await db.models.get(twinModel.sha256))) await db.models.put(twinModel);
    const id = await createRecording(db, {
      modelSha: twinModel.sha256,
      corpusSha: rec.corpusSha,
      name: twinName(rec.name, seed),
      streams: rec.streams,
      kinds: rec.kinds,
      tokens: rec.tokens,
      chunkSize: rec.chunkSize,
      documents: rec.documents,
      unknownTokens: rec.unknownTokens,
      unknownExamples: rec.unknownExamples,
      logits: rec.logits ?? null
    });
    await db.recordings.update(id, { twinOf: recordingId, twinSeed: seed });
    return id;
  });
}
