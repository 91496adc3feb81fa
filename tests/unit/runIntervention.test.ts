/**
 * Window re-runs with interventions (query/runIntervention.ts) on a stored recording of the
 * 2-layer LSTM fixture (two documents, fake-indexeddb, onnxruntime-web WASM), against the torch
 * reference of tests/fixtures/intervene: a window that starts mid-document runs from the
 * document's start and says so; the original run is reused for the next intervention; the
 * effect (Δloss, KL) follows from the logits; set values outside the unit's range are marked.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrtModule } from '../../src/lib/record/options';
import { InterventionRunner } from '../../src/lib/query/runIntervention';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpusFiles, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';

const dir = new URL('../fixtures/intervene/lstm/', import.meta.url);
const model = new Uint8Array(readFileSync(new URL('model.onnx', dir)));
const ref = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as {
  ids: number[];
  documents: number[];
  hidden: number;
  cases: { name: string; logits: number[][] }[];
};
const text = readFileSync(new URL('corpus.txt', dir), 'utf8');
const ortModule = ort as unknown as OrtModule;
let db: CellscopeDB;
let runner: InterventionRunner;
let reader: RecordingReader;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  db = new CellscopeDB('run-intervention');
  const m = await addModel(db, model, 'lstm.onnx');
  const split = ref.documents[1];
  const files = [text.slice(0, split), text.slice(split)].map((t, i) => ({
    bytes: new TextEncoder().encode(t),
    name: `doc${i}.c`
  }));
  const corpus = await addCorpusFiles(db, files, 'two docs');
  const id = await planRecording(db, m, corpus, { chunkSize: 16, kinds: 'h,c' });
  await runRecording(db, ortModule, id);
  reader = new RecordingReader(db, (await db.recordings.get(id))!);
  runner = new InterventionRunner(reader, ortModule, model);
});
afterAll(() => db?.close());

describe('re-running a window with interventions', () => {
  it('runs from the document start when the window starts mid-document, matching torch', async () => {
    expect(reader.recording.documents.map((d) => d.start)).toEqual(ref.documents);
    // c0 unit 3 set 0.5 from the window's start (step 12), through the document boundary
    const window: [number, number] = [12, 60];
    const run = await runner.run(window, [
      { stream: 'L0.fwd.c', units: [3], kind: 'set', value: 0.5 }
    ]);
    expect(run.midDocument).toBe(true);
    expect(run.ranFrom).toBe(0);
    expect(run.interventions[0]).toMatchObject({ from: 12, to: 60 });
    const e = run.effect!;
    expect(e.steps).toBe(48);
    // the trace holds the clamped value from step 12 on
    const trace = run.traces[0];
    expect([...trace.intervened].every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    expect(trace.original.some((v) => Math.abs(v - 0.5) > 0.01)).toBe(true);
    // Δloss and KL follow from the two runs; the last step of document 0 has no next token
    const last0 = ref.documents[1] - 1 - 12;
    expect(Number.isNaN(e.dLoss[last0])).toBe(true);
    expect(Math.max(...e.kl)).toBeGreaterThan(1e-4);
    expect(e.kl.every((v) => v >= 0)).toBe(true);
  });

  it('the original run over the window equals the unintervened torch logits', async () => {
    const run = await runner.run(
      [12, 60],
      [{ stream: 'L1.fwd.h', units: [0], kind: 'scale', value: 1 }]
    );
    expect(run.reused).toBe(true);
    const none = ref.cases[0].logits.slice(12, 60);
    // top-1 probability of the original run, recomputed from torch's logits
    const vocab = none[0].length;
    for (let t = 0; t < none.length; t += 7) {
      const row = none[t];
      const max = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - max), 0);
      expect(run.effect!.original.topProbs[t * run.effect!.original.k]).toBeCloseTo(1 / z, 5);
      expect(vocab).toBeGreaterThan(5);
    }
    // scale 1 changes nothing
    expect(Math.max(...run.effect!.kl)).toBeLessThan(1e-6);
  });

  it('matches torch for a clamp from the window start to its end when the window is a whole document', async () => {
    const [a, b] = [ref.documents[1], ref.ids.length];
    const run = await runner.run(
      [a, b],
      [{ stream: 'L0.fwd.c', units: [3], kind: 'set', value: 0.5 }]
    );
    expect(run.midDocument).toBe(false);
    // the torch case "c0 unit 3 set 0.5" clamps every step, so its second document is this run
    const want = ref.cases[1].logits.slice(a, b);
    // the loss of the actual next token, from torch's logits
    for (let t = 0; t < want.length - 1; t++) {
      const row = want[t];
      const max = Math.max(...row);
      const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      const next = ref.ids[a + t + 1];
      expect(run.effect!.intervened.loss[t]).toBeCloseTo(logZ - row[next], 4);
    }
  });

  it('mean-ablates with the unit mean over the recording, marks values outside the range, and takes every unit', async () => {
    const stored = await reader.columns('L0.fwd.h', [4], 0, reader.length);
    const mean = stored.reduce((s, v) => s + v, 0) / stored.length;
    const run = await runner.run(
      [0, 40],
      [
        { stream: 'L0.fwd.h', units: [4], kind: 'mean', value: 0 },
        { stream: 'L1.fwd.h', units: [1], kind: 'set', value: 5 }
      ]
    );
    expect(run.interventions[0].value).toBeCloseTo(mean, 6);
    expect(run.traces.map((t) => t.outside)).toEqual([false, true]);
    const all = await runner.run(
      [0, 40],
      [
        {
          stream: 'L0.fwd.h',
          units: Array.from({ length: ref.hidden }, (_, u) => u),
          kind: 'zero',
          value: 0
        }
      ]
    );
    expect(all.traces).toHaveLength(ref.hidden);
    expect(all.traces.every((t) => [...t.intervened].every((v) => v === 0))).toBe(true);
  });

  it('refuses a unit that does not exist, naming it', async () => {
    await expect(
      runner.run([0, 10], [{ stream: 'L0.fwd.c', units: [99], kind: 'set', value: 0 }])
    ).rejects.toThrow(/Unit 99 of L0.fwd.c does not exist: units are 0 to 11/);
  });
});
