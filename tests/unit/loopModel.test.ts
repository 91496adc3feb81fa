/**
 * A model whose recurrence is an ONNX Loop (torch.jit.script; tests/fixtures/loop, made by
 * make_loop_lm.py) recorded the way the browser records (recorder/run.ts into fake-indexeddb,
 * onnxruntime-web WASM) and by the record command: each document runs whole, the Loop's carried
 * h and c become streams whose width a probe run finds, and they equal torch's states; a document
 * longer than a whole run allows is refused, naming it.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWholeDocuments, MAX_WHOLE_DOCUMENT } from '../../src/lib/record/cellStreams';
import type { OrtModule } from '../../src/lib/record/options';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpusFiles, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';
import { loadNpy } from '../helpers/npyCompare';
import { recordHere } from '../helpers/recordCli';

const dir = new URL('../fixtures/loop/', import.meta.url);
const model = new Uint8Array(readFileSync(new URL('loop_lm.onnx', dir)));
const text = readFileSync(new URL('corpus.txt', dir), 'utf8');
const ref = JSON.parse(readFileSync(new URL('reference.json', dir), 'utf8')) as {
  documents: number[];
  h: number[][];
  c: number[][];
};
let db: CellscopeDB;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterAll(() => db?.close());

describe('a Loop model over a tokenized corpus', () => {
  it('records each document whole in the browser; h and c equal torch (8-bit storage)', async () => {
    db = new CellscopeDB('loop-model');
    const m = await addModel(db, model, 'loop_lm.onnx');
    expect(m.info.layers).toHaveLength(0);
    expect(m.info.tokenInput?.name).toBe('tokens');
    const split = ref.documents[1];
    const files = [text.slice(0, split), text.slice(split)].map((t, i) => ({
      bytes: new TextEncoder().encode(t),
      name: `doc${i}.c`
    }));
    const corpus = await addCorpusFiles(db, files, 'two documents');
    const id = await planRecording(db, m, corpus, { kinds: 'h,c', chunkSize: 8 });
    await runRecording(db, ort as unknown as OrtModule, id);
    const rec = (await db.recordings.get(id))!;
    expect(rec.status).toBe('complete');
    expect(rec.chunkStarts).toEqual(ref.documents); // one run per document
    expect(rec.streams.map((s) => [s.id, s.units])).toEqual([
      ['L0.fwd.h', 8],
      ['L0.fwd.c', 8]
    ]);
    const reader = new RecordingReader(db, rec);
    for (const [stream, want] of [
      ['L0.fwd.h', ref.h],
      ['L0.fwd.c', ref.c]
    ] as const) {
      const w = await reader.window(stream, 0, reader.length);
      let err = 0;
      want.flat().forEach((v, i) => (err = Math.max(err, Math.abs(v - w[i]))));
      // c is stored per tile and unit on its own range: 8 bits of it
      expect(err, stream).toBeLessThan(0.02);
    }
    expect(rec.logits).toBe('logits');
  });

  it('the record command writes the same states exactly (one document: the whole text)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'loop-')), 'rec');
    const r = await recordHere([
      ...['--model', new URL('loop_lm.onnx', dir).pathname],
      ...['--text', new URL('corpus.txt', dir).pathname, '--out', out]
    ]);
    expect(r.code, r.stderr).toBe(0);
    const h = loadNpy(join(out, 'L0.fwd.h.npy')).data as Float32Array;
    const n = ref.documents[1];
    let err = 0;
    ref.h
      .slice(0, n)
      .flat()
      .forEach((v, i) => (err = Math.max(err, Math.abs(v - h[i]))));
    expect(err).toBeLessThan(1e-5);
  });

  it('refuses a document longer than a whole run', () => {
    expect(() => checkWholeDocuments([0, 10], 10 + MAX_WHOLE_DOCUMENT + 1)).toThrow(
      /Document 2 has 100,001 tokens: .*at most 100,000 tokens\. Split the corpus/
    );
  });
});
