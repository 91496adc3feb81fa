/**
 * Gates recomputed by re-running a model over a recording's documents, in the recording's own
 * chunks, against torch's gates (tests/fixtures/rnn/lstm2_tokens_batchfirst, made by
 * make_rnn_fixtures.py): equal to float32 precision, wherever the spans fall.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrtModule } from '../../src/lib/record/options';
import { gateRuns, recomputeGates } from '../../src/lib/query/recomputeGates';
import type { RecordingRow } from '../../src/lib/store/db';
import { RecordingReader } from '../../src/lib/store/reader';
import { loadNpy } from '../helpers/npyCompare';

const dir = new URL('../fixtures/rnn/lstm2_tokens_batchfirst/', import.meta.url);
const model = new Uint8Array(readFileSync(new URL('model.onnx', dir)));
const ids = Int32Array.from(loadNpy(new URL('feed.tokens.npy', dir).pathname).data, Number);
const ref = (g: string) =>
  loadNpy(new URL(`ref.L1.fwd.${g}.npy`, dir).pathname).data as Float32Array;
const H = 8;

/** A stored recording of these 10 tokens in chunks of 3 (its tiles are never read here). */
function reader(documents = [0]) {
  const chunkStarts = [0, 3, 6, 9];
  const rec = {
    id: 1,
    name: 'fixture',
    status: 'complete',
    streams: [{ id: 'L1.fwd.h', layer: 1, dir: 'fwd', kind: 'h', units: H, range: [-1, 1] }],
    kinds: 'h',
    tokens: ids.length,
    chunkSize: 3,
    tileUnits: 16,
    documents: documents.map((start) => ({ name: `doc ${start}`, start })),
    chunkStarts,
    chunks: 4,
    chunksDone: 4
  } as unknown as RecordingRow;
  return new RecordingReader(
    {
      tiles: () => Promise.reject(new Error('not stored')),
      tokens: async (c) => {
        const [a, b] = [chunkStarts[c], chunkStarts[c + 1] ?? ids.length];
        return { ids: ids.slice(a, b), offsets: new Uint32Array(b - a) };
      }
    },
    rec
  );
}

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe('recomputeGates', () => {
  it('gives torch’s i, f, o of a unit over spans across chunk boundaries', async () => {
    const spans: [number, number][] = [
      [2, 7],
      [0, 10],
      [8, 10]
    ];
    for (const unit of [0, 5]) {
      const res = await recomputeGates(reader(), ort as unknown as OrtModule, model, {
        stream: 'L1.fwd.h',
        unit,
        spans
      });
      expect(res.tokens).toBe(10); // one run: the document's start to the last span's end
      for (const g of ['i', 'f', 'o']) {
        const want = ref(g);
        spans.forEach(([from, to], s) => {
          const got = res.gates[s][`L1.fwd.${g}`];
          expect(got).toHaveLength(to - from);
          got.forEach((v, i) =>
            expect(Math.abs(v - want[(from + i) * H + unit])).toBeLessThan(1e-5)
          );
        });
      }
    }
  });

  it('runs only to the last span of each document that holds one', () => {
    expect(
      gateRuns(
        [0, 100, 250],
        [
          [120, 140],
          [10, 20],
          [130, 160]
        ],
        300
      )
    ).toEqual([
      [0, 20],
      [100, 160]
    ]);
  });

  it('starts each run at its document: a later document does not see the earlier state', async () => {
    // Two documents, [0, 5) and [5, 10): the second starts from the zero state, so its gates
    // differ from torch's (one sequence of 10) after step 5 but match the first half exactly.
    const res = await recomputeGates(reader([0, 5]), ort as unknown as OrtModule, model, {
      stream: 'L1.fwd.c',
      unit: 3,
      spans: [
        [0, 5],
        [5, 10]
      ]
    });
    expect(res.tokens).toBe(10);
    const want = ref('f');
    res.gates[0]['L1.fwd.f'].forEach((v, i) =>
      expect(Math.abs(v - want[i * H + 3])).toBeLessThan(1e-5)
    );
    const later = res.gates[1]['L1.fwd.f'];
    expect(later.some((v, i) => Math.abs(v - want[(5 + i) * H + 3]) > 1e-4)).toBe(true);
  });
});
