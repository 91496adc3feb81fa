/**
 * Clamping a unit of a time-series forecaster (query/runIntervention.ts over a stored CSV
 * recording): the runner feeds the CSV's rows, its original forecast equals the unmodified model
 * run by onnxruntime on the document alone, the clamped unit's forecast column holds the value
 * (the fixture's output is its top layer's h), and the change in squared error is computed
 * against the row that actually came next, never across a document's end.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import { InterventionRunner } from '../../src/lib/query/runIntervention';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import type { OrtModule } from '../../src/lib/record/options';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpus, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';
import { root } from '../helpers/modelFixture';

const ortModule = ort as unknown as OrtModule;
const plain = new Uint8Array(readFileSync(`${root}tests/fixtures/rnn/rnn_tanh/model.onnx`));
const TARGETS = ['t1', 't2', 't3', 't4', 't5', 't6'];
const feature = (r: number, k: number) => +(Math.cos(0.3 * r + k) * (1 + 0.2 * k)).toFixed(5);
const target = (r: number, j: number) => +(Math.sin(0.1 * r * (j + 1)) * 0.8).toFixed(5);
const DOCS = [50, 30];
let db: CellscopeDB;
let runner: InterventionRunner;
let csv = '';

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  const m = decodeModel(plain);
  m.metadataProps = [
    { key: 'cellscope.features', value: '["a","b","c"]' },
    { key: 'cellscope.forecast', value: 'y' },
    { key: 'cellscope.targets', value: JSON.stringify(TARGETS) }
  ];
  const bytes = encodeModel(m);
  const lines = [['doc', 'a', 'b', 'c', ...TARGETS].join(',')];
  let r = 0;
  DOCS.forEach((n, d) => {
    for (let i = 0; i < n; i++, r++)
      lines.push(
        [
          `d${d}`,
          ...[0, 1, 2].map((k) => feature(r, k)),
          ...TARGETS.map((_, j) => target(r, j))
        ].join(',')
      );
  });
  csv = lines.join('\n') + '\n';
  db = new CellscopeDB('series-intervention');
  const model = await addModel(db, bytes, 'forecaster.onnx');
  const corpus = await addCorpus(db, new TextEncoder().encode(csv), 'f.csv', false, {
    kind: 'csv'
  });
  const id = await planRecording(db, model, corpus, { chunkSize: 32, kinds: 'h' });
  await runRecording(db, ortModule, id);
  const reader = new RecordingReader(db, (await db.recordings.get(id))!);
  runner = new InterventionRunner(reader, ortModule, bytes, undefined, {
    text: csv,
    name: 'f.csv'
  });
});
afterAll(() => db?.close());

it("clamps a forecaster's unit and measures its forecast against what came next", async () => {
  // From step 40 of document 0 through step 59 of document 1 (which starts at 50).
  const run = await runner.run(
    [30, 60],
    [{ stream: 'L1.fwd.h', units: [2], kind: 'set', value: 0.75, from: 40 }]
  );
  expect(run.effect).toBeNull(); // no language-model head
  const f = run.forecast!;
  expect(f.columns).toEqual(TARGETS);
  expect(f.steps).toBe(30);
  // The original forecast: the unmodified model on each document alone.
  const session = await ort.InferenceSession.create(plain);
  const y = async (from: number, to: number) => {
    const x = Float32Array.from({ length: (to - from) * 3 }, (_, i) =>
      feature(from + Math.floor(i / 3), i % 3)
    );
    return (await session.run({ x: new ort.Tensor('float32', x, [to - from, 1, 3]) })).y
      .data as Float32Array;
  };
  const doc0 = await y(0, 50);
  const doc1 = await y(50, 80);
  for (let t = 30; t < 60; t++)
    for (let j = 0; j < 6; j++) {
      const want = t < 50 ? doc0[t * 6 + j] : doc1[(t - 50) * 6 + j];
      expect(Math.abs(f.original[(t - 30) * 6 + j] - want)).toBeLessThan(1e-5);
    }
  // The clamped unit's own column holds the value from step 40 on; before it nothing changed.
  for (let t = 30; t < 60; t++) {
    const i = (t - 30) * 6;
    if (t >= 40) expect(Math.abs(f.intervened[i + 2] - 0.75)).toBeLessThan(1e-6);
    else for (let j = 0; j < 6; j++) expect(f.intervened[i + j]).toBeCloseTo(f.original[i + j], 6);
  }
  // Δ squared error against the next row; none at the last step of document 0 (step 49).
  expect(Number.isNaN(f.dErr[49 - 30])).toBe(true);
  const t = 45;
  let [eb, ea] = [0, 0];
  for (let j = 0; j < 6; j++) {
    const next = target(t + 1, j);
    expect(f.actual[(t - 30) * 6 + j]).toBeCloseTo(next, 5);
    eb += (f.original[(t - 30) * 6 + j] - next) ** 2;
    ea += (f.intervened[(t - 30) * 6 + j] - next) ** 2;
  }
  expect(f.dErr[t - 30]).toBeCloseTo(ea - eb, 5);
  expect(Math.abs(f.mse[1] - f.mse[0])).toBeGreaterThan(1e-3);
});
