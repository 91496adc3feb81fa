/**
 * A CSV time series recorded in the store, as the browser does it: the feature columns fed row by
 * row, the state reset at each document of the doc column, every other column left to tracks.
 * Reference: the unmodified model run by onnxruntime on each document alone.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import type { OrtModule } from '../../src/lib/record/options';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpus, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';
import { root } from '../helpers/modelFixture';

const ortModule = ort as unknown as OrtModule;
const fixture = (name: string) =>
  new Uint8Array(readFileSync(`${root}tests/fixtures/rnn/${name}/model.onnx`));
let db: CellscopeDB;
let n = 0;
beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(() => db?.close());

/** Deterministic features: row r, feature k. */
const feature = (r: number, k: number) => Math.sin(0.37 * r + 1.3 * k) * (1 + 0.1 * k);
const ROWS = [40, 25];

function seriesCsv(order: string[]): string {
  const lines = [['doc', ...order, 'regime'].join(',')];
  let r = 0;
  ROWS.forEach((count, d) => {
    for (let i = 0; i < count; i++, r++) {
      const v: Record<string, string> = {
        a: feature(r, 0).toFixed(6),
        b: feature(r, 1).toFixed(6),
        c: feature(r, 2).toFixed(6)
      };
      lines.push(
        [`run ${d + 1}`, ...order.map((k) => v[k]), r % 7 < 3 ? 'calm' : 'storm'].join(',')
      );
    }
  });
  return lines.join('\n') + '\n';
}

/** The unmodified model's last-layer output on rows [from, to) alone (batch 1, seq-first). */
async function reference(model: Uint8Array, from: number, to: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const x = new Float32Array((to - from) * 3);
  for (let r = from; r < to; r++) for (let k = 0; k < 3; k++) x[(r - from) * 3 + k] = feature(r, k);
  const out = await session.run({ x: new ort.Tensor('float32', x, [to - from, 1, 3]) });
  return out.y.data as Float32Array;
}

async function recordSeries(modelBytes: Uint8Array, csv: string, chunkSize: number) {
  db = new CellscopeDB(`series-${n++}`);
  const model = await addModel(db, modelBytes, 'series.onnx');
  const corpus = await addCorpus(db, new TextEncoder().encode(csv), 'series.csv', false, {
    kind: 'csv'
  });
  const id = await planRecording(db, model, corpus, { chunkSize, kinds: 'h' });
  await runRecording(db, ortModule, id);
  return { rec: (await db.recordings.get(id))!, corpus };
}

describe('a CSV time series recorded in the store', () => {
  it('feeds the first numeric columns, resets at each document, and keeps rows as tokens', async () => {
    const bytes = fixture('rnn_tanh');
    const csv = seriesCsv(['a', 'b', 'c']);
    const { rec, corpus } = await recordSeries(bytes, csv, 16);
    expect(corpus.series).toEqual({
      columns: ['doc', 'a', 'b', 'c', 'regime'],
      rows: 65,
      docColumn: 'doc'
    });
    expect(corpus.documents.map((d) => d.name)).toEqual(['run 1', 'run 2']);
    expect(rec.status).toBe('complete');
    expect(rec.tokens).toBe(65);
    expect(rec.documents.map((d) => d.start)).toEqual([0, 40]);
    const reader = new RecordingReader(db, rec);
    const got = await reader.window('L1.fwd.h', 0, 65);
    const want = [...(await reference(bytes, 0, 40)), ...(await reference(bytes, 40, 65))];
    let err = 0;
    want.forEach((v, i) => (err = Math.max(err, Math.abs(got[i] - v))));
    expect(err).toBeLessThanOrEqual(0.004); // h is stored in 8 bits over [-1, 1]
    // Without the reset the second document would start from the first one's state.
    const carried = await reference(bytes, 0, 65);
    expect(Math.abs(got[40 * 6] - carried[40 * 6])).toBeGreaterThan(0.01);
    const toks = await reader.tokens(40, 42);
    expect(csv.slice(toks.offsets[0], csv.indexOf('\n', toks.offsets[0]))).toMatch(/^run 2,/);
  });

  it('feeds the columns the model names (cellscope.features), in its order', async () => {
    const m = decodeModel(fixture('rnn_tanh'));
    m.metadataProps = [{ key: 'cellscope.features', value: '["a","b","c"]' }];
    const bytes = encodeModel(m);
    const { rec } = await recordSeries(bytes, seriesCsv(['c', 'a', 'b']), 64);
    const got = await new RecordingReader(db, rec).window('L1.fwd.h', 0, 40);
    const want = await reference(fixture('rnn_tanh'), 0, 40);
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(0.004));
  });

  it('refuses a token model over a series and a series model over text, storing nothing', async () => {
    db = new CellscopeDB(`series-${n++}`);
    const model = await addModel(db, fixture('rnn_tanh'), 'series.onnx');
    const text = await addCorpus(db, new TextEncoder().encode('hello'), 'hello.txt');
    await expect(planRecording(db, model, text)).rejects.toThrow(
      /takes float features per step: record it over a CSV corpus/
    );
    const tokens = await addModel(db, fixture('lstm2_tokens_batchfirst'), 'lm.onnx');
    const csv = await addCorpus(
      db,
      new TextEncoder().encode(seriesCsv(['a', 'b', 'c'])),
      's.csv',
      false,
      {
        kind: 'csv'
      }
    );
    await expect(planRecording(db, tokens, csv)).rejects.toThrow(
      /is a CSV time series, but "lm\.onnx" takes token ids/
    );
    expect(await db.recordings.count()).toBe(0);
    await expect(
      addCorpus(db, new TextEncoder().encode('a,b\n1,2\n3\n'), 'bad.csv', false, { kind: 'csv' })
    ).rejects.toThrow(/bad\.csv, row 3: 1 values, but the header has 2/);
    expect(await db.corpora.count()).toBe(2);
  });
});
