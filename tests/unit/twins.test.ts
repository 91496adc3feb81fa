/**
 * Untrained twins in the store (store/twins.ts) over fake-indexeddb, recorded by the recorder with
 * onnxruntime-web WASM: the twin's row and model, its states against the ONNX-spec reference LSTM
 * on the re-drawn weights, findTwin, and refusals that store nothing.
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onnx, decodeModel, encodeModel, DataType } from '../../src/lib/onnx/proto';
import { TWIN_METADATA_KEY, untrainedTwin } from '../../src/lib/onnx/reinit';
import { type OrtModule } from '../../src/lib/record/options';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpus, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';
import { findTwin, listTwins, planTwin } from '../../src/lib/store/twins';
import { demoCorpusPath, demoWeights, loadDemoModel } from '../helpers/modelFixture';
import { referenceLstm } from '../helpers/reference/lstm';

const ortModule = ort as unknown as OrtModule;
const sample = readFileSync(demoCorpusPath, 'utf8').slice(0, 400);
let db: CellscopeDB;
let n = 0;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(() => db?.close());

async function recorded(kinds = 'h,c') {
  db = new CellscopeDB(`twins-${n++}`);
  const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
  const corpus = await addCorpus(db, new TextEncoder().encode(sample), 'sample.c');
  const id = await planRecording(db, model, corpus, { chunkSize: 150, kinds });
  await runRecording(db, ortModule, id);
  return { model, id };
}

const counts = async () => [await db.models.count(), await db.recordings.count()];

describe('untrained twins of recordings', () => {
  it('records the same corpus and settings with the re-drawn model, linked by twinOf and twinSeed', async () => {
    const { model, id } = await recorded();
    const original = (await db.recordings.get(id))!;
    expect(await findTwin(db, id)).toBeUndefined();

    const twinId = await planTwin(db, id, 1);
    const planned = (await db.recordings.get(twinId))!;
    expect(planned).toMatchObject({
      twinOf: id,
      twinSeed: 1,
      name: 'untrained twin of code-lstm.onnx × sample.c (seed 1)',
      status: 'recording',
      corpusSha: original.corpusSha,
      kinds: original.kinds,
      streams: original.streams,
      tokens: original.tokens,
      chunkSize: original.chunkSize,
      chunkStarts: original.chunkStarts,
      documents: original.documents,
      logits: original.logits
    });
    const twinBytes = untrainedTwin(model.bytes, 1, model.sha256).bytes;
    const sha = createHash('sha256').update(twinBytes).digest('hex');
    expect(planned.modelSha).toBe(sha);
    const twinModel = (await db.models.get(sha))!;
    expect(twinModel.name).toBe('code-lstm.onnx (untrained twin, seed 1)');
    expect(twinModel.tokenizer).toEqual(model.tokenizer);
    expect(JSON.parse(twinModel.info.metadata[TWIN_METADATA_KEY])).toEqual({
      seed: 1,
      of: model.sha256
    });
    // Not complete yet: findTwin still offers it (there is no other).
    expect((await findTwin(db, id))?.id).toBe(twinId);

    expect((await runRecording(db, ortModule, twinId)).completed).toBe(true);
    const twin = (await db.recordings.get(twinId))!;
    expect(twin.status).toBe('complete');
    expect((await findTwin(db, id))?.id).toBe(twinId);

    // What was stored is the twin's states: the reference LSTM on the re-drawn weights (h is
    // stored in 8 bits, within 0.004), far from the trained model's.
    const ids = (await new RecordingReader(db, twin).tokens(0, twin.tokens)).ids;
    const w = demoWeights(twinBytes);
    const x0 = new Float32Array(ids.length * w.emb);
    ids.forEach((t, i) => x0.set(w.embedding.subarray(t * w.emb, (t + 1) * w.emb), i * w.emb));
    const l0 = referenceLstm(x0, ids.length, w.layers[0]);
    const l1 = referenceLstm(Float32Array.from(l0.h), ids.length, w.layers[1]);
    const stored = await new RecordingReader(db, twin).window('L1.fwd.h', 0, twin.tokens);
    const trained = await new RecordingReader(db, original).window('L1.fwd.h', 0, twin.tokens);
    let err = 0;
    let apart = 0;
    stored.forEach((v, i) => {
      err = Math.max(err, Math.abs(v - l1.h[i]));
      apart = Math.max(apart, Math.abs(v - trained[i]));
    });
    expect(err).toBeLessThanOrEqual(0.004);
    expect(apart).toBeGreaterThan(0.5);
  });

  it('finds the newest complete twin first, and lists every twin', async () => {
    const { id } = await recorded('h');
    const a = await planTwin(db, id, 1);
    await runRecording(db, ortModule, a);
    const b = await planTwin(db, id, 2); // planned, never run
    expect((await listTwins(db, id)).map((t) => t.id)).toEqual([b, a]);
    expect((await findTwin(db, id))?.id).toBe(a);
    expect(await findTwin(db, a)).toBeUndefined();
  });

  it('refuses, storing nothing: a second twin with the same seed, a twin of a twin, an unfinished recording', async () => {
    const { model, id } = await recorded('h');
    const twinId = await planTwin(db, id, 4);
    const before = await counts();
    await expect(planTwin(db, id, 4)).rejects.toThrow(
      /already has an untrained twin with seed 4: "untrained twin of code-lstm.onnx × sample.c \(seed 4\)"/
    );
    await expect(planTwin(db, twinId, 1)).rejects.toThrow(/is itself an untrained twin/);
    const corpus = (await db.corpora.toArray())[0];
    const unfinished = await planRecording(db, model, corpus, { kinds: 'h' });
    await expect(planTwin(db, unfinished, 1)).rejects.toThrow(
      /is not complete yet: finish it \(Resume\) before its twin/
    );
    await expect(planTwin(db, 999, 1)).rejects.toThrow(/Recording 999 does not exist/);
    expect(await counts()).toEqual([before[0], before[1] + 1]);
  });

  it('stores nothing when the model cannot be re-drawn or now reads the corpus differently', async () => {
    const { model, id } = await recorded('h');
    const before = await counts();
    const m = decodeModel(model.bytes);
    m.graph!.initializer!.push(
      onnx.TensorProto.create({
        name: 'half',
        dataType: DataType.FLOAT16,
        dims: [1],
        int32Data: [0]
      })
    );
    await db.models.update(model.sha256, { bytes: encodeModel(m) });
    await expect(planTwin(db, id, 1)).rejects.toThrow(/Tensor "half" is float16/);
    expect(await counts()).toEqual(before);

    const vocab = model.tokenizer!.vocab.filter((v) => v !== 'e');
    await db.models.update(model.sha256, {
      bytes: model.bytes,
      tokenizer: { ...model.tokenizer!, vocab }
    });
    await expect(planTwin(db, id, 1)).rejects.toThrow(
      /now reads this corpus differently from when "code-lstm.onnx × sample.c" was recorded \(its vocabulary changed\)/
    );
    expect(await counts()).toEqual(before);
  });
});
