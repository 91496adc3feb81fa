/**
 * Facts about a recording (store/facts.ts) against what the store really holds: a corpus of several
 * documents of different lengths, recorded through the real store code (Dexie over fake-indexeddb,
 * ort-web WASM), stopped part-way and then completed. Steps are counted from the stored token rows,
 * bytes from the stored tiles, tokens and predictions.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeDocuments } from '../../src/lib/tokenize/documents';
import { planLayout } from '../../src/lib/record/plan';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { type OrtModule } from '../../src/lib/record/options';
import { addCorpusFiles, addModel, modelTokenizer } from '../../src/lib/store/library';
import { CellscopeDB, type RecordingRow } from '../../src/lib/store/db';
import { recordedSteps, storedBytes } from '../../src/lib/store/facts';
import { RecordingReader } from '../../src/lib/store/reader';
import { tileBytes } from '../../src/lib/store/tiles';
import { demoCorpusPath, loadDemoModel } from '../helpers/modelFixture';

const ortModule = ort as unknown as OrtModule;
let db: CellscopeDB;
let n = 0;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(() => db?.close());

/** What the store holds for a recording, counted row by row. */
async function stored(id: number) {
  const tokens = await db.tokens.where('recordingId').equals(id).toArray();
  const tiles = await db.tiles.where('recordingId').equals(id).toArray();
  const predictions = await db.predictions.where('recordingId').equals(id).toArray();
  const steps = tokens.reduce((s, t) => s + t.ids.length, 0);
  const bytes =
    tiles.reduce((s, t) => s + tileBytes(t.tile), 0) +
    tokens.reduce((s, t) => s + t.ids.byteLength + t.offsets.byteLength, 0) +
    predictions.reduce(
      (s, p) => s + p.loss.byteLength + p.topIds.byteLength + p.topProbs.byteLength,
      0
    );
  return { steps, bytes };
}

const text = readFileSync(demoCorpusPath, 'utf8');
// Three documents of different lengths, none a multiple of the chunk size.
const docs = [text.slice(0, 150), text.slice(1000, 1037), text.slice(2000, 2210)];
const chunkSize = 64;

describe('recorded steps and stored bytes of a multi-document recording', () => {
  it('match what the store holds, part-way and complete, and the record form’s estimate', async () => {
    db = new CellscopeDB(`facts-${n++}`);
    const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
    const corpus = await addCorpusFiles(
      db,
      docs.map((d, i) => ({ bytes: new TextEncoder().encode(d), name: `doc${i}.c` })),
      'three docs'
    );
    expect(corpus.documents).toHaveLength(3);
    const id = await planRecording(db, model, corpus, { chunkSize, kinds: 'h,c' });
    const planned = (await db.recordings.get(id))!;
    expect(planned.documents.map((d) => d.start)).toEqual([0, 150, 187]);
    expect(planned.tokens).toBe(150 + 37 + 210);
    // Chunks stop at document ends: 3 + 1 + 4 chunks, not ceil(397 / 64) = 7.
    expect(planned.chunks).toBe(8);

    // Stop after 5 chunks: the first document (3 chunks), the second (1), one of the third.
    let chunks = 0;
    await runRecording(db, ortModule, id, { shouldStop: () => ++chunks >= 5 });
    const partial = (await db.recordings.get(id))!;
    expect(partial.chunksDone).toBe(5);
    const holds = await stored(id);
    expect(holds.steps).toBe(150 + 37 + 64);
    expect(recordedSteps(partial)).toBe(holds.steps);
    expect(partial.chunksDone * partial.chunkSize).not.toBe(holds.steps); // the old rule
    expect(new RecordingReader(db, partial).length).toBe(holds.steps);
    expect(storedBytes(partial)).toBe(holds.bytes);

    await runRecording(db, ortModule, id);
    const done = (await db.recordings.get(id))!;
    expect(done.status).toBe('complete');
    const all = await stored(id);
    expect(all.steps).toBe(done.tokens);
    expect(recordedSteps(done)).toBe(done.tokens);
    expect(storedBytes(done)).toBe(all.bytes);

    // The record form's estimate: the same plan, tokenized document by document, complete.
    const corpusText = (await db.loadCorpus(corpus.sha256))!.text;
    const encoded = encodeDocuments(modelTokenizer(model), corpusText, corpus.documents);
    const layout = planLayout({
      model: model.bytes,
      kinds: 'h,c',
      tokens: encoded.ids.length,
      documentStarts: encoded.documentStarts,
      chunkSize
    });
    expect(layout.streams).toEqual(done.streams);
    expect(layout.chunkStarts).toEqual(done.chunkStarts);
    const estimate = storedBytes({
      ...layout,
      chunksDone: layout.chunks,
      logits: model.info.logits
    });
    expect(estimate).toBe(all.bytes);
  });

  it('recordedSteps of a hand-made row: chunk starts, not chunksDone × chunkSize', () => {
    const row = {
      streams: [
        { id: 'L0.fwd.h', layer: 0, dir: 'fwd', kind: 'h', units: 4, range: [-1, 1] },
        { id: 'L0.fwd.c', layer: 0, dir: 'fwd', kind: 'c', units: 4, range: null }
      ],
      tokens: 25,
      chunkSize: 10,
      // documents start at 0 and 5: chunks [0,5) [5,15) [15,25)
      chunkStarts: [0, 5, 15],
      chunks: 3,
      chunksDone: 2,
      logits: null
    } as unknown as RecordingRow;
    expect(recordedSteps(row)).toBe(15);
    // 15 steps × (8 token bytes + 4 + 4 values) + c's offset and step: 2 chunks × 4 units × 8.
    expect(storedBytes(row)).toBe(15 * 16 + 2 * 4 * 8);
    expect(recordedSteps({ ...row, chunksDone: 0 })).toBe(0);
    expect(recordedSteps({ ...row, chunksDone: 3 })).toBe(25);
  });
});
