/**
 * Gate saturation over stored recordings: the 8-bit codes decide "< 0.1" and "> 0.9" exactly as
 * the float32 values they were encoded from (every float32 around both thresholds), and on real
 * recordings of the demo model (two documents, chunks of 256) the saturation read from stored
 * gates (kinds = all), the one from gates recomputed by running the model again (kinds = h, c)
 * and a direct count on the recorder's own float gates agree exactly.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaturationCounter } from '../../src/lib/analysis/gateSaturation';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { recordChunks } from '../../src/lib/record/core';
import type { OrtModule } from '../../src/lib/record/options';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import {
  runSaturation,
  SaturationError,
  type SaturationResult
} from '../../src/lib/query/runSaturation';
import { emptyCodeColumn, appendTileColumn } from '../../src/lib/store/codeColumn';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpusFiles, addModel } from '../../src/lib/store/library';
import { RecordingReader } from '../../src/lib/store/reader';
import { encodeTile } from '../../src/lib/store/tiles';
import { demoCorpusPath, loadDemoModel } from '../helpers/modelFixture';

const ortModule = ort as unknown as OrtModule;

/** The float32 values from n ulps below x to n − 1 ulps above it, in order. */
function float32Around(x: number, n: number): Float32Array {
  const bits = new Uint32Array(Float32Array.of(x).buffer)[0];
  return new Float32Array(Uint32Array.from({ length: 2 * n }, (_, i) => bits - n + i).buffer);
}

describe('stored codes decide the thresholds exactly', () => {
  it('every float32 within 200,000 ulps of 0.1 and of 0.9, encoded in a [0, 1] tile', () => {
    for (const edge of [0.1, 0.9]) {
      const values = float32Around(edge, 200_000);
      const n = values.length;
      const tile = encodeTile({ data: values, base: 0, stride: 1 }, n, 1, [0, 1]);
      expect(tile.range).toEqual([0, 1]);
      const col = emptyCodeColumn(n);
      appendTileColumn(col, tile, 0, 0, n, 0);
      const fromCodes = new SaturationCounter('s', 1);
      fromCodes.addStored(0, col);
      const fromFloats = new SaturationCounter('s', 1);
      fromFloats.addRows(values, n);
      const [a, b] = [fromCodes.result(), fromFloats.result()];
      expect(a.left[0]).toBe(b.left[0]);
      expect(a.right[0]).toBe(b.right[0]);
      // Both sides of the threshold are there: the test is not vacuous.
      const frac = edge < 0.5 ? b.left[0] : b.right[0];
      expect(frac).toBeGreaterThan(0.3);
      expect(frac).toBeLessThan(0.7);
    }
  });
});

describe('runSaturation on recordings of the demo model', () => {
  let db: CellscopeDB;
  const results: Record<string, SaturationResult> = {};
  const text = readFileSync(demoCorpusPath, 'utf8');
  const files = [text.slice(0, 1500), text.slice(20_000, 21_100)];

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    db = new CellscopeDB('saturation-test');
    const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
    const corpus = await addCorpusFiles(
      db,
      files.map((f, i) => ({ bytes: new TextEncoder().encode(f), name: `f${i}.c` })),
      'two files'
    );
    for (const kinds of ['all', 'h,c']) {
      const id = await planRecording(db, model, corpus, { chunkSize: 256, kinds });
      await runRecording(db, ortModule, id);
      const reader = new RecordingReader(db, (await db.recordings.get(id))!);
      expect(reader.recording.documents).toHaveLength(2);
      results[kinds] = await runSaturation(reader, {
        model: { bytes: loadDemoModel(), ort: ortModule }
      });
    }
  }, 120_000); // two recordings of 2,600 tokens and a re-run of the model
  afterAll(() => db?.close());

  it('reads stored gates, or recomputes them, per layer: i, f, o of 256 units', () => {
    expect(results.all.source).toBe('stored');
    expect(results['h,c'].source).toBe('recomputed');
    for (const r of Object.values(results)) {
      expect(r.steps).toBe(2600);
      expect(r.layers.map((l) => [l.layer, l.op, l.gates.map((g) => g.stream)])).toEqual([
        ['L0.fwd', 'LSTM', ['L0.fwd.i', 'L0.fwd.f', 'L0.fwd.o']],
        ['L1.fwd', 'LSTM', ['L1.fwd.i', 'L1.fwd.f', 'L1.fwd.o']]
      ]);
      for (const l of r.layers) for (const g of l.gates) expect(g.left).toHaveLength(256);
    }
  });

  it('stored and recomputed agree exactly, and equal a direct count on the recorder’s gates', async () => {
    // The reference: the recorder core's float gates, per document, counted directly.
    const graph = prepareForRecording(decodeModel(loadDemoModel()), { internals: true });
    const session = await ort.InferenceSession.create(graph.bytes);
    const want: Record<string, { left: number[]; right: number[] }> = {};
    const reader = new RecordingReader(db, (await db.recordings.toArray())[0]);
    const ids = (await reader.tokens(0, reader.length)).ids;
    const counts: Record<string, { l: number[]; r: number[] }> = {};
    await recordChunks({
      session,
      Tensor: ort.Tensor as never,
      taps: graph.taps,
      tokenInput: graph.info.tokenInput!,
      ids,
      chunkSize: 256,
      documents: reader.recording.documents.map((d) => d.start),
      kinds: new Set(['i', 'f', 'o']),
      sink: {
        async commit(res) {
          for (const [id, v] of Object.entries(res.streams)) {
            const c = (counts[id] ??= { l: Array(256).fill(0), r: Array(256).fill(0) });
            v.forEach((x, i) => {
              if (x < 0.1) c.l[i % 256]++;
              if (x > 0.9) c.r[i % 256]++;
            });
          }
        }
      }
    });
    for (const [id, c] of Object.entries(counts))
      want[id] = { left: c.l.map((n) => n / 2600), right: c.r.map((n) => n / 2600) };
    let forgetOpen = 0;
    for (const r of Object.values(results))
      for (const l of r.layers)
        for (const g of l.gates) {
          expect(Array.from(g.left)).toEqual(want[g.stream].left);
          expect(Array.from(g.right)).toEqual(want[g.stream].right);
          if (g.stream.endsWith('.f')) forgetOpen += g.right.filter((x) => x > 0.5).length;
        }
    // The trained model has forget gates that stay open: long memory.
    expect(forgetOpen).toBeGreaterThan(0);
  });

  it('refuses a recording of h only whose model is not at hand', async () => {
    const reader = new RecordingReader(db, (await db.recordings.toArray())[1]);
    await expect(runSaturation(reader)).rejects.toThrow(SaturationError);
    await expect(runSaturation(reader)).rejects.toThrow(
      "Gates were not recorded (kinds = h,c) and the recording's model is not in this browser's library"
    );
  });
});
