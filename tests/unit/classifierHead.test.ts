/**
 * Classifier heads: a bidirectional-LSTM document classifier (tests/fixtures/classifier, made by
 * make_classifier.py with torch) is recognised from cellscope.classes or from its single output
 * without a time axis, recorded over two documents (fake-indexeddb, onnxruntime-web WASM), and
 * each document's class probabilities — torch's, to float precision — are stored at every one of
 * its steps, where the inspector shows them.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrtModule } from '../../src/lib/record/options';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpusFiles, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';

const dir = new URL('../fixtures/classifier/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('reference.json', dir), 'utf8')) as {
  documents: string[];
  classes: string[];
  probs: number[][];
};
let db: CellscopeDB;
let n = 0;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(() => db?.close());

describe('a classifier head', () => {
  for (const [file, classes] of [
    ['named.onnx', ref.classes],
    ['bare.onnx', ['class 0', 'class 1', 'class 2']]
  ] as const) {
    it(`${file}: classes ${classes.join(', ')}; each document's probabilities at its steps`, async () => {
      db = new CellscopeDB(`classifier-${n++}`);
      const model = await addModel(db, new Uint8Array(readFileSync(new URL(file, dir))), file);
      expect(model.info.logits).toBe('class_logits');
      expect(model.info.classes).toEqual(classes);
      const files = ref.documents.map((d, i) => ({
        bytes: new TextEncoder().encode(d),
        name: `doc${i}.txt`
      }));
      const corpus = await addCorpusFiles(db, files, 'three documents');
      const id = await planRecording(db, model, corpus, { kinds: 'h,c' });
      await runRecording(db, ort as unknown as OrtModule, id);
      const rec = (await db.recordings.get(id))!;
      expect(rec.status).toBe('complete');
      const reader = new RecordingReader(db, rec);
      const w = (await reader.predictions(0, reader.length))!;
      const starts = rec.documents.map((d) => d.start);
      for (let t = 0; t < reader.length; t++) {
        const d = starts.filter((s) => s <= t).length - 1;
        const want = [...ref.probs[d].keys()].sort((a, b) => ref.probs[d][b] - ref.probs[d][a]);
        const ids = Array.from(w.topIds.subarray(t * w.k, (t + 1) * w.k));
        expect(ids, `step ${t}`).toEqual(want);
        for (let j = 0; j < w.k; j++)
          expect(w.topProbs[t * w.k + j]).toBeCloseTo(ref.probs[d][want[j]], 5);
        expect(Number.isNaN(w.loss[t])).toBe(true);
      }
    });
  }
});
