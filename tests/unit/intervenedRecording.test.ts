/**
 * An intervention kept as a recording of its own (store/intervened.ts, recorder/run.ts): the
 * whole corpus recorded again with the units clamped, through the recorder and the tile store
 * (fake-indexeddb, onnxruntime-web WASM) — the clamped unit holds its value at every step, the
 * row says what it intervenes on, a value outside the range is stored unclipped, and an
 * incomplete recording is refused with nothing stored.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrtModule } from '../../src/lib/record/options';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { planIntervened } from '../../src/lib/store/intervened';
import { addCorpus, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';

const dir = new URL('../fixtures/intervene/lstm/', import.meta.url);
const model = new Uint8Array(readFileSync(new URL('model.onnx', dir)));
const text = readFileSync(new URL('corpus.txt', dir));
const ortModule = ort as unknown as OrtModule;
let db: CellscopeDB;
let n = 0;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});
afterEach(() => db?.close());

async function original(run = true) {
  db = new CellscopeDB(`intervened-${n++}`);
  const m = await addModel(db, model, 'lstm.onnx');
  const corpus = await addCorpus(db, text, 'corpus.c');
  const id = await planRecording(db, m, corpus, { chunkSize: 16, kinds: 'h,c' });
  if (run) await runRecording(db, ortModule, id);
  return id;
}

describe('keeping an intervention as a recording', () => {
  it('records the corpus again with the unit clamped, linked to the original', async () => {
    const id = await original();
    const list = [
      { stream: 'L0.fwd.c', units: [3], op: 'set' as const, value: 0.5 },
      { stream: 'L1.fwd.h', units: [2], op: 'set' as const, value: 2 }
    ];
    const kept = await planIntervened(db, id, list);
    await runRecording(db, ortModule, kept);
    const row = (await db.recordings.get(kept))!;
    const rec = (await db.recordings.get(id))!;
    expect(row).toMatchObject({ status: 'complete', intervenedOf: id, interventions: list });
    expect(row.name).toBe(`${rec.name} with L0.fwd.c:3=0.5, L1.fwd.h:2=2`);
    // h of L1 holds 2, outside tanh's range: that stream is stored without a fixed range
    expect(row.streams.find((s) => s.id === 'L1.fwd.h')!.range).toBeNull();
    expect(rec.streams.find((s) => s.id === 'L1.fwd.h')!.range).toEqual([-1, 1]);
    const r = new RecordingReader(db, row);
    const o = new RecordingReader(db, rec);
    const c3 = await r.columns('L0.fwd.c', [3], 0, r.length);
    const h2 = await r.columns('L1.fwd.h', [2], 0, r.length);
    expect([...c3].every((v) => Math.abs(v - 0.5) < 0.01)).toBe(true);
    expect([...h2].every((v) => Math.abs(v - 2) < 0.01)).toBe(true);
    // another unit of L1 moved: the layer above and the next steps read the clamped values
    const a = await r.columns('L1.fwd.h', [5], 0, r.length);
    const b = await o.columns('L1.fwd.h', [5], 0, o.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(0.05);
  });

  it('refuses a recording that is not complete, storing nothing', async () => {
    const id = await original(false);
    const before = await db.recordings.count();
    await expect(
      planIntervened(db, id, [{ stream: 'L0.fwd.c', units: [3], op: 'set', value: 0 }])
    ).rejects.toThrow(/is not complete yet: finish it \(Resume\)/);
    expect(await db.recordings.count()).toBe(before);
  });
});
