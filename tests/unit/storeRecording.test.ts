import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { parseKinds } from '../../src/lib/record/streams';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { recordChunks } from '../../src/lib/record/core';
import { type OrtModule } from '../../src/lib/record/options';
import { type TensorCtor } from '../../src/lib/record/step';
import { addCorpus, addModel, setModelVocabulary } from '../../src/lib/store/library';
import { CellscopeDB } from '../../src/lib/store/db';
import { deleteRecording } from '../../src/lib/store/recordings';
import { RecordingReader } from '../../src/lib/store/reader';
import { isQuotaError } from '../../src/lib/store/quota';
import { TILE_UNITS, tileBytes } from '../../src/lib/store/tiles';
import { demoCorpusPath, demoWeights, loadDemoModel, root } from '../helpers/modelFixture';

const ortModule = ort as unknown as OrtModule;
let db: CellscopeDB;
let n = 0;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(async () => {
  db?.close();
});

async function setup(text: string) {
  db = new CellscopeDB(`test-${n++}`);
  const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
  const corpus = await addCorpus(db, new TextEncoder().encode(text), 'sample.c');
  return { model, corpus };
}

const sample = readFileSync(demoCorpusPath, 'utf8').slice(0, 1200);

describe('recording into IndexedDB (Dexie over fake-indexeddb, ort-web WASM)', () => {
  it('a stopped recording is paused, never complete, and resumes to exactly the uninterrupted values', async () => {
    const { model, corpus } = await setup(sample);
    const opts = { chunkSize: 256, kinds: 'h,c' };
    const whole = await planRecording(db, model, corpus, opts);
    await runRecording(db, ortModule, whole);

    const id = await planRecording(db, model, corpus, opts);
    let chunks = 0;
    const first = await runRecording(db, ortModule, id, { shouldStop: () => ++chunks >= 2 });
    expect(first.completed).toBe(false);
    const paused = (await db.recordings.get(id))!;
    expect(paused.status).toBe('paused');
    expect(paused.chunksDone).toBe(2);
    expect(paused.state).not.toBeNull();

    const second = await runRecording(db, ortModule, id);
    expect(second.completed).toBe(true);
    const done = (await db.recordings.get(id))!;
    expect(done.status).toBe('complete');
    expect(done.chunksDone).toBe(done.chunks);

    const a = new RecordingReader(db, (await db.recordings.get(whole))!);
    const b = new RecordingReader(db, done);
    expect(done.streams.map((s) => s.id)).toEqual(['L0.fwd.h', 'L0.fwd.c', 'L1.fwd.h', 'L1.fwd.c']);
    for (const s of done.streams) {
      expect(await b.window(s.id, 0, done.tokens)).toEqual(await a.window(s.id, 0, done.tokens));
    }
    const toks = await b.tokens(250, 260);
    expect(Array.from(toks.offsets)).toEqual([250, 251, 252, 253, 254, 255, 256, 257, 258, 259]);
  });

  it('stores h within 0.004 of the recorder, c within its range/510, ≤ 1 byte per h value', async () => {
    const { model, corpus } = await setup(sample);
    const id = await planRecording(db, model, corpus, { chunkSize: 512, kinds: 'h,c' });
    await runRecording(db, ortModule, id);
    const rec = (await db.recordings.get(id))!;
    // The same values straight from the recorder core, before quantisation.
    const graph = prepareForRecording(decodeModel(model.bytes), { internals: true });
    const raw: Record<string, Float32Array[]> = {};
    await recordChunks({
      session: await ort.InferenceSession.create(graph.bytes),
      Tensor: ort.Tensor as unknown as TensorCtor,
      taps: graph.taps,
      tokenInput: graph.info.tokenInput!,
      ids: (await new RecordingReader(db, rec).tokens(0, rec.tokens)).ids,
      chunkSize: 512,
      kinds: parseKinds('h,c'),
      sink: {
        commit: async (r) => Object.entries(r.streams).forEach(([k, v]) => (raw[k] ??= []).push(v))
      }
    });
    const reader = new RecordingReader(db, rec);
    for (const s of rec.streams) {
      const stored = await reader.window(s.id, 0, rec.tokens);
      const exact = Float32Array.from(raw[s.id].flatMap((a) => Array.from(a)));
      let err = 0;
      let range = 0;
      exact.forEach((v, i) => {
        err = Math.max(err, Math.abs(v - stored[i]));
        range = Math.max(range, Math.abs(v));
      });
      if (s.kind === 'h') expect(err, s.id).toBeLessThanOrEqual(0.004);
      else expect(err, s.id).toBeLessThanOrEqual((2 * range) / 510 + 1e-6);
      expect(err, s.id).toBeGreaterThan(0); // stored quantised, not float32
    }
    const tiles = await db.tiles.where('recordingId').equals(id).toArray();
    const hTiles = tiles.filter((t) => t.stream.endsWith('.h'));
    const bytes = hTiles.reduce((n, t) => n + tileBytes(t.tile), 0);
    expect(bytes / (rec.tokens * 256 * 2)).toBe(1);
  });

  it('reads a few columns over the whole recording equal to the same columns of the window', async () => {
    const { model, corpus } = await setup(sample);
    const id = await planRecording(db, model, corpus, { chunkSize: 100, kinds: 'h' });
    await runRecording(db, ortModule, id);
    const r = new RecordingReader(db, (await db.recordings.get(id))!);
    const cols = [3, 70, 255, 64];
    const all = await r.window('L1.fwd.h', 0, r.length);
    const got = await r.columns('L1.fwd.h', cols, 0, r.length);
    for (let t = 0; t < r.length; t++)
      cols.forEach((u, j) => expect(got[t * 4 + j]).toBe(all[t * 256 + u]));
  });

  it('reads windows across chunk edges with the right rows', async () => {
    const { model, corpus } = await setup(sample);
    const id = await planRecording(db, model, corpus, { chunkSize: 100 });
    await runRecording(db, ortModule, id);
    const r = new RecordingReader(db, (await db.recordings.get(id))!);
    const units = r.units('L1.fwd.h');
    const all = await r.window('L1.fwd.h', 0, 300);
    const mid = await r.window('L1.fwd.h', 95, 205);
    expect(mid).toEqual(all.subarray(95 * units, 205 * units));
    expect((await r.window('L1.fwd.h', 1190, 5000)).length).toBe(10 * units);
  });

  it('records picked named tensors per token (the embedding output equals the embedding rows)', async () => {
    const { model, corpus } = await setup(sample.slice(0, 300));
    const name = '/embed/Gather_output_0';
    await db.models.update(model.sha256, { tensorPicks: [{ name, units: 64 }] });
    const id = await planRecording(db, (await db.models.get(model.sha256))!, corpus, {
      chunkSize: 128,
      kinds: 'h'
    });
    await runRecording(db, ortModule, id);
    const rec = (await db.recordings.get(id))!;
    expect(rec.streams.map((s) => s.id)).toEqual(['L0.fwd.h', 'L1.fwd.h', `tensor:${name}`]);
    const r = new RecordingReader(db, rec);
    const got = await r.window(`tensor:${name}`, 0, rec.tokens);
    const { embedding } = demoWeights(loadDemoModel());
    const { ids } = await r.tokens(0, rec.tokens);
    // Stored 8-bit with each unit's own range: error ≤ that unit's range / 510.
    const lo = new Float64Array(64).fill(Infinity);
    const hi = new Float64Array(64).fill(-Infinity);
    ids.forEach((tok) => {
      for (let u = 0; u < 64; u++) {
        lo[u] = Math.min(lo[u], embedding[tok * 64 + u]);
        hi[u] = Math.max(hi[u], embedding[tok * 64 + u]);
      }
    });
    ids.forEach((tok, t) => {
      for (let u = 0; u < 64; u++) {
        const err = Math.abs(got[t * 64 + u] - embedding[tok * 64 + u]);
        expect(err).toBeLessThanOrEqual((hi[u] - lo[u]) / 510 + 1e-6);
      }
    });
  });

  it('counts characters outside the vocabulary and records them as the unknown token', async () => {
    const { model, corpus } = await setup('int café = 1; // naïve ✓\n');
    const id = await planRecording(db, model, corpus, { chunkSize: 256 });
    const rec = (await db.recordings.get(id))!;
    expect(rec.unknownTokens).toBe(3);
    expect(rec.unknownExamples).toEqual(['é', 'ï', '✓']);
  });

  it('deleting a recording removes its chunks and tokens', async () => {
    const { model, corpus } = await setup(sample);
    const keep = await planRecording(db, model, corpus, { chunkSize: 512 });
    await runRecording(db, ortModule, keep);
    const id = await planRecording(db, model, corpus, { chunkSize: 512 });
    await runRecording(db, ortModule, id);
    const before = await db.tiles.count();
    await deleteRecording(db, id);
    expect(await db.recordings.get(id)).toBeUndefined();
    expect(await db.tiles.count()).toBe(before / 2);
    expect((await db.tokens.toArray()).filter((t) => t.recordingId === id)).toHaveLength(0);
    expect(await db.tokens.count()).toBeGreaterThan(0);
  });
});

describe('models the library refuses, with a message and nothing stored', () => {
  const fixture = (c: string) =>
    new Uint8Array(readFileSync(`${root}tests/fixtures/rnn/${c}/model.onnx`));
  it('a traced LSTMCell loop (no recurrent op) points to the command line', async () => {
    db = new CellscopeDB(`test-${n++}`);
    await expect(addModel(db, fixture('lstmcell_traced_loop'), 'cell.onnx')).rejects.toThrow(
      /npm run record/
    );
    expect(await db.models.count()).toBe(0);
  });
  it('a float-feature model is stored with its feature input, to record over a CSV corpus', async () => {
    db = new CellscopeDB(`test-${n++}`);
    const row = await addModel(db, fixture('rnn_tanh'), 'rnn.onnx');
    expect(row.info.featureInput).toMatchObject({
      name: 'x',
      seqAxis: 0,
      featureAxis: 2,
      width: 3
    });
    expect(row.tokenizer).toBeNull();
  });
  it('a model without tokenizer metadata is stored and takes a vocabulary file that fits its embedding', async () => {
    db = new CellscopeDB(`test-${n++}`);
    const row = await addModel(db, fixture('lstm2_tokens_batchfirst'), 'lstm2.onnx');
    expect(row.tokenizer).toBeNull();
    await expect(
      setModelVocabulary(db, row, JSON.stringify([...'abcdefghijklmnopqrstuvwxyz']), 'big.json')
    ).rejects.toThrow(/26 tokens but the model's embedding has only 16 rows/);
    await setModelVocabulary(db, row, 'a 0\nb 1\n 2\nc 3\n', 'small.dict');
    const stored = (await db.models.get(row.sha256))!;
    expect(stored.tokenizer?.vocab).toEqual(['a', 'b', ' ', 'c']);
    expect(stored.vocabulary).toBe('small.dict');
  });
  it('a vocabulary file that would be misread is refused and nothing is stored', async () => {
    db = new CellscopeDB(`test-${n++}`);
    const row = await addModel(db, fixture('lstm2_tokens_batchfirst'), 'lstm2.onnx');
    const bad: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('a\nb\na\n'), /"a" appears twice/],
      [Uint8Array.from([0x61, 0x0a, 0xe9, 0x0a]), /not UTF-8 text/],
      [Uint8Array.from([0xff, 0xfe, 0x61, 0, 0x0a, 0]), /UTF-16/],
      [new TextEncoder().encode('a 0\nb -1\n'), /not a whole number/],
      [new TextEncoder().encode('a 0\nb 1\na 2\n'), /"a" has two ids/]
    ];
    for (const [bytes, message] of bad) {
      await expect(setModelVocabulary(db, row, bytes, 'bad.dict')).rejects.toThrow(message);
    }
    expect((await db.models.get(row.sha256))!.tokenizer).toBeNull();
  });
});

describe('storage running out mid-recording', () => {
  it('pauses with every committed chunk intact and resumes to the same values once there is room', async () => {
    const { model, corpus } = await setup(sample);
    const id = await planRecording(db, model, corpus, { chunkSize: 256, kinds: 'h' });
    // The third chunk's transaction fails the way IndexedDB does when the quota is exhausted.
    const bulkPut = db.tiles.bulkPut.bind(db.tiles);
    let calls = 0;
    db.tiles.bulkPut = ((rows: never) => {
      if (++calls === 3)
        return Promise.reject(new DOMException('Quota exceeded', 'QuotaExceededError'));
      return bulkPut(rows);
    }) as typeof db.tiles.bulkPut;
    const error = await runRecording(db, ortModule, id).catch((e) => e);
    expect(isQuotaError(error)).toBe(true);
    const paused = (await db.recordings.get(id))!;
    expect(paused.status).toBe('paused');
    expect(paused.chunksDone).toBe(2);
    // 2 chunks × 2 streams × (256 units / TILE_UNITS) blocks
    expect(await db.tiles.where('recordingId').equals(id).count()).toBe(2 * 2 * (256 / TILE_UNITS));
    db.tiles.bulkPut = bulkPut;
    await runRecording(db, ortModule, id);
    const whole = await planRecording(db, model, corpus, { chunkSize: 256, kinds: 'h' });
    await runRecording(db, ortModule, whole);
    const a = new RecordingReader(db, (await db.recordings.get(id))!);
    const b = new RecordingReader(db, (await db.recordings.get(whole))!);
    expect(await a.window('L1.fwd.h', 0, a.length)).toEqual(
      await b.window('L1.fwd.h', 0, b.length)
    );
  });
});

describe('documents', () => {
  it('resets the state at each document: the second document records as if it were alone', async () => {
    db = new CellscopeDB(`test-${n++}`);
    const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
    const first = 'int a = 1;\n/* one */\n';
    const second = '#define TWO 2\nint b = TWO;\n';
    const both = await addCorpus(
      db,
      new TextEncoder().encode(`${first}\n\n${second}`),
      'two.c',
      false,
      {
        kind: 'blank-lines'
      }
    );
    expect(both.documents).toHaveLength(2);
    const alone = await addCorpus(db, new TextEncoder().encode(second), 'second.c');
    const a = await planRecording(db, model, both, { chunkSize: 8, kinds: 'h,c' });
    const b = await planRecording(db, model, alone, { chunkSize: 8, kinds: 'h,c' });
    await runRecording(db, ortModule, a);
    await runRecording(db, ortModule, b);
    const ra = (await db.recordings.get(a))!;
    const rb = (await db.recordings.get(b))!;
    expect(ra.documents.map((d) => d.start)).toEqual([0, first.trimEnd().length]);
    // No chunk crosses the boundary.
    expect(ra.chunkStarts).toContain(first.trimEnd().length);
    const readerA = new RecordingReader(db, ra);
    const readerB = new RecordingReader(db, rb);
    const start = ra.documents[1].start;
    for (const s of ['L0.fwd.c', 'L1.fwd.h']) {
      expect(await readerA.window(s, start, ra.tokens)).toEqual(
        await readerB.window(s, 0, rb.tokens)
      );
    }
    // The tokens' offsets point into the joined text.
    const { offsets } = await readerA.tokens(start, start + 1);
    expect((await db.loadCorpus(both.sha256))!.text[offsets[0]]).toBe('#');
  });
});

describe('LM-head predictions stored with a recording', () => {
  it('equal the top-5 and loss of the unmodified model run once over the whole text', async () => {
    const { model, corpus } = await setup(sample);
    const id = await planRecording(db, model, corpus, { chunkSize: 256, kinds: 'h' });
    await runRecording(db, ortModule, id);
    const rec = (await db.recordings.get(id))!;
    expect(rec.logits).toBe('logits');
    expect(await db.predictions.where('recordingId').equals(id).count()).toBe(rec.chunks);
    const p = (await new RecordingReader(db, rec).predictions(0, rec.tokens))!;

    // Reference: plain inference of the model as shipped, one run, softmax in float64.
    const { ids } = await new RecordingReader(db, rec).tokens(0, rec.tokens);
    const session = await ort.InferenceSession.create(loadDemoModel());
    const out = await session.run({
      tokens: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, ids.length]
      )
    });
    const logits = out.logits.data as Float32Array;
    const V = 98;
    let sum = 0;
    for (let t = 0; t < ids.length; t++) {
      const row = Array.from(logits.subarray(t * V, (t + 1) * V));
      const max = Math.max(...row);
      const logZ = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      const best = row.indexOf(max);
      expect(p.topIds[t * p.k]).toBe(best);
      expect(p.topProbs[t * p.k]).toBeCloseTo(Math.exp(max - logZ), 4);
      if (t + 1 < ids.length) {
        expect(p.loss[t]).toBeCloseTo(logZ - row[ids[t + 1]], 3); // across chunk borders too
        sum += p.loss[t];
      } else expect(p.loss[t]).toBeNaN(); // nothing follows the last token
    }
    // The model card's held-out 2.13 bits/char is 1.48 nats: this held-out text is near it.
    const mean = sum / (ids.length - 1);
    expect(mean).toBeGreaterThan(0.8);
    expect(mean).toBeLessThan(2.4);
  });
});
