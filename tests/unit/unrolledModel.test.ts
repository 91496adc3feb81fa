/**
 * Models whose graph has a fixed length (tests/fixtures/unrolled, made by make_unrolled.py: cells
 * traced in a Python loop over 16 steps, and an LSTM op over 16 steps) recorded by the shared
 * recorder core, the way the browser records (recorder/run.ts into fake-indexeddb, onnxruntime-web
 * WASM) and by the record command. References: the torch modules in float64 over each document
 * whole, so windows of 16 must carry the state exactly where the graph takes it as inputs; a graph
 * that builds its state inside records documents of at most 16 tokens and refuses longer ones.
 */
import 'fake-indexeddb/auto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { probeCellUnits, wantedCells } from '../../src/lib/record/cellStreams';
import { recordChunks, type ChunkResult } from '../../src/lib/record/core';
import type { OrtModule } from '../../src/lib/record/options';
import type { SessionLike, TensorCtor } from '../../src/lib/record/step';
import { parseKinds } from '../../src/lib/record/streams';
import { windowChunkSize } from '../../src/lib/record/windowPlan';
import { windowRunner } from '../../src/lib/record/windows';
import { planRecording, runRecording } from '../../src/lib/recorder/run';
import { CellscopeDB } from '../../src/lib/store/db';
import { addCorpusFiles, addModel } from '../../src/lib/store/library';
import { RecordingReader, stepAt } from '../../src/lib/store/reader';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import { loadNpy } from '../helpers/npyCompare';
import { recordHere } from '../helpers/recordCli';

const dir = new URL('../fixtures/unrolled/', import.meta.url);
type Rows = number[][];
interface Reference {
  T: number;
  documents: number[];
  h: Rows;
  c: Rows;
  logits: Rows;
  whole: { h: Rows; c: Rows; logits: Rows };
}
const fixture = (name: string) => ({
  path: new URL(`${name}.onnx`, dir).pathname,
  bytes: new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))),
  corpusPath: new URL(`${name}.corpus.txt`, dir).pathname,
  text: readFileSync(new URL(`${name}.corpus.txt`, dir), 'utf8'),
  ref: JSON.parse(readFileSync(new URL(`${name}.reference.json`, dir), 'utf8')) as Reference
});
const T = ort.Tensor as unknown as TensorCtor;

/** Largest |got - want| over the reference's rows (flattened [steps, units]). */
function maxError(want: Rows, got: ArrayLike<number>): number {
  let err = 0;
  want.flat().forEach((v, i) => (err = Math.max(err, Math.abs(v - got[i]))));
  return err;
}

/** The shared record path over a fixture's documents, raw float32 rows (no storage). */
async function recordRaw(name: string, kinds: string, chunk: number, stopAfter?: number) {
  const f = fixture(name);
  const graph = prepareForRecording(decodeModel(f.bytes), { internals: true });
  const session = (await ort.InferenceSession.create(graph.bytes)) as unknown as SessionLike;
  const ids = createTokenizer(
    parseTokenizerSpec(graph.info.metadata['cellscope.tokenizer'])
  ).encode(f.text).ids;
  const k = parseKinds(kinds);
  const cells = wantedCells(graph.cells, k);
  const windows = windowRunner({
    session,
    Tensor: T,
    taps: graph.taps,
    cells: graph.cells,
    wanted: cells,
    tokenInput: graph.info.tokenInput!,
    window: graph.window!,
    kinds: k
  });
  const units = await probeCellUnits(
    session,
    T,
    graph.taps,
    cells,
    graph.info.tokenInput!,
    ids.subarray(0, 8),
    windows
  );
  const chunks: ChunkResult[] = [];
  const job = {
    session,
    Tensor: T,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput!,
    ids,
    chunkSize: windowChunkSize(graph.window!, chunk),
    documents: f.ref.documents,
    kinds: k,
    cells,
    windows,
    sink: { commit: async (r: ChunkResult) => void chunks.push(r) }
  };
  let outcome = await recordChunks({ ...job, shouldStop: () => chunks.length === stopAfter });
  if (!outcome.completed) {
    // Resume from the state committed with the last chunk, as a stopped recording does.
    const last = chunks[chunks.length - 1];
    outcome = await recordChunks({ ...job, startChunk: outcome.chunksDone, state: last.state });
  }
  expect(outcome.completed).toBe(true);
  const joined = (id: string) => {
    const parts = chunks.map((c) => (c.streams[id] ?? c.outputs![id]?.data) as Float32Array);
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  };
  return { f, graph, chunks, units, joined };
}

let db: CellscopeDB;
beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  db = new CellscopeDB('unrolled-models');
});
afterAll(() => db?.close());

describe('the shared record path in windows of a fixed length', () => {
  it('carries h and c through h0/c0 across windows and chunks: torch to 1e-5, resumed or not', async () => {
    // Chunks of 32 tokens: two windows each, the state carried inside a chunk and between chunks.
    const { f, chunks, units, joined } = await recordRaw('state_lstm', 'h,c', 32);
    expect(units).toEqual({ 'L0.fwd.h': 8, 'L0.fwd.c': 8 });
    expect(chunks.map((c) => [c.start, c.length])).toEqual([
      [0, 32],
      [32, 9],
      [41, 16],
      [57, 8]
    ]);
    expect(maxError(f.ref.h, joined('L0.fwd.h'))).toBeLessThan(1e-5);
    expect(maxError(f.ref.c, joined('L0.fwd.c'))).toBeLessThan(1e-5);
    expect(maxError(f.ref.logits, joined('logits'))).toBeLessThan(1e-5);
    // The state committed with chunk 0 is the torch state after token 32, fed to h0 and c0.
    expect(
      maxError([f.ref.h[31], f.ref.c[31]], [...chunks[0].state.h0, ...chunks[0].state.c0])
    ).toBeLessThan(1e-5);
    // Stopped after the first chunk and resumed from its committed state: the same values.
    const resumed = await recordRaw('state_lstm', 'h,c', 32, 1);
    expect(resumed.joined('L0.fwd.c')).toEqual(joined('L0.fwd.c'));
  });

  it('an LSTM op over a fixed length: the same windows, its state carried by surgery', async () => {
    const { f, joined } = await recordRaw('op_lstm', 'h,c', 16);
    expect(maxError(f.ref.h, joined('L0.fwd.h'))).toBeLessThan(1e-5);
    expect(maxError(f.ref.logits, joined('logits'))).toBeLessThan(1e-5);
  });

  it('a cell that builds its state inside: documents of at most 16 tokens, each one window', async () => {
    const { f, chunks, joined } = await recordRaw('reset_gru', 'h', 2048);
    expect(chunks.map((c) => c.start)).toEqual(f.ref.documents);
    expect(maxError(f.ref.h, joined('L0.fwd.h'))).toBeLessThan(1e-5);
    expect(maxError(f.ref.logits, joined('logits'))).toBeLessThan(1e-5);
  });
});

/** Add a fixture model and its corpus split into its documents, one file each. */
async function addFixture(name: string, docs?: string[]) {
  const f = fixture(name);
  const m = await addModel(db, f.bytes, `${name}.onnx`);
  const starts = [...f.ref.documents, f.text.length];
  const texts = docs ?? f.ref.documents.map((s, i) => f.text.slice(s, starts[i + 1]));
  const files = texts.map((t, i) => ({ bytes: new TextEncoder().encode(t), name: `doc${i}.txt` }));
  const corpus = await addCorpusFiles(db, files, `${name} documents`);
  return { f, m, corpus };
}

/** Every stored value within half its quantisation step of torch's (plus float32 noise). */
async function expectStored(reader: RecordingReader, stream: string, want: Rows) {
  const got = await reader.window(stream, 0, reader.length);
  const steps = await reader.steps(stream, 0, reader.length);
  const H = want[0].length;
  let worst = 0;
  want.forEach((row, t) =>
    row.forEach((v, u) => {
      const excess = Math.abs(v - got[t * H + u]) - stepAt(steps, t, u) / 2;
      worst = Math.max(worst, excess);
    })
  );
  expect(worst, stream).toBeLessThan(1e-5);
  expect(maxError(want, got), stream).toBeLessThan(0.02);
}

describe('the browser recorder (recorder/run.ts) on fixed-length graphs', () => {
  it('records each document of a state-exposing cell in windows; h, c and predictions match torch', async () => {
    const { f, m, corpus } = await addFixture('state_lstm');
    expect(m.info.tokenInput?.name).toBe('tokens');
    const id = await planRecording(db, m, corpus, { kinds: 'h,c' });
    await runRecording(db, ort as unknown as OrtModule, id);
    const rec = (await db.recordings.get(id))!;
    expect(rec.status).toBe('complete');
    expect(rec.chunkSize).toBe(2048); // 128 windows of 16
    expect(rec.chunkStarts).toEqual(f.ref.documents);
    expect(rec.streams.map((s) => [s.id, s.units])).toEqual([
      ['L0.fwd.h', 8],
      ['L0.fwd.c', 8]
    ]);
    const reader = new RecordingReader(db, rec);
    await expectStored(reader, 'L0.fwd.h', f.ref.h);
    await expectStored(reader, 'L0.fwd.c', f.ref.c);
    // The next-token predictions come from the windows' logits: torch's argmax at every step.
    const p = (await reader.predictions(0, reader.length))!;
    const argmax = f.ref.logits.map((row) => row.indexOf(Math.max(...row)));
    expect(Array.from({ length: reader.length }, (_, t) => p.topIds[t * p.k])).toEqual(argmax);
  });

  it('records documents up to 16 tokens of a zero-state cell, and refuses a longer one naming it', async () => {
    const { f, m, corpus } = await addFixture('reset_gru');
    const id = await planRecording(db, m, corpus, { kinds: 'h' });
    await runRecording(db, ort as unknown as OrtModule, id);
    const rec = (await db.recordings.get(id))!;
    expect(rec.chunkStarts).toEqual(f.ref.documents);
    await expectStored(new RecordingReader(db, rec), 'L0.fwd.h', f.ref.h);
    const long = await addFixture('reset_gru', ['f(x);\n', f.text]);
    await expect(planRecording(db, long.m, long.corpus, { kinds: 'h' })).rejects.toThrow(
      /^Document 2 \("doc1\.txt"\) has 33 tokens, but this model's graph takes exactly 16 tokens per run and builds its initial state inside \(no state inputs\)/
    );
  });
});

describe('the record command on fixed-length graphs', () => {
  const out = () => join(mkdtempSync(join(tmpdir(), 'unrolled-')), 'rec');

  it('records the whole text in windows of 16 with the state carried, says so, and ends at the true last state', async () => {
    const f = fixture('state_lstm');
    const o = out();
    const r = await recordHere(['--model', f.path, '--text', f.corpusPath, '--out', o]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'each document is recorded in windows of 16, each starting from the state the one before ended in (fed to h0 and c0)'
    );
    const manifest = JSON.parse(readFileSync(join(o, 'manifest.json'), 'utf8'));
    expect(manifest.window).toMatchObject({ steps: 16, stateInputs: ['h0', 'c0'], carried: true });
    const npy = (n: string) => loadNpy(join(o, `${n}.npy`)).data as Float32Array;
    expect(maxError(f.ref.whole.h, npy('L0.fwd.h'))).toBeLessThan(1e-5);
    expect(maxError(f.ref.whole.c, npy('L0.fwd.c'))).toBeLessThan(1e-5);
    expect(maxError(f.ref.whole.logits, npy('logits'))).toBeLessThan(1e-5);
    // hn, cn: the state after the text's last token (65 = 4 windows + 1), not after the padding.
    const lastH = f.ref.whole.h.at(-1)!;
    const lastC = f.ref.whole.c.at(-1)!;
    expect(maxError([lastH, lastC], [...npy('hn'), ...npy('cn')])).toBeLessThan(1e-5);
  });

  it('records a zero-state cell on a text of one window, and refuses a longer one before writing', async () => {
    const f = fixture('reset_gru');
    const short = join(mkdtempSync(join(tmpdir(), 'unrolled-')), 'short.txt');
    const n = f.ref.documents[1];
    writeFileSync(short, f.text.slice(0, n));
    const o = out();
    const ok = await recordHere(['--model', f.path, '--text', short, '--out', o]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('each document runs in one window, at most 16 tokens');
    const h = loadNpy(join(o, 'L0.fwd.h.npy'));
    expect(h.shape).toEqual([n, 8]);
    expect(maxError(f.ref.h.slice(0, n), h.data as Float32Array)).toBeLessThan(1e-5);
    const refused = out();
    const r = await recordHere(['--model', f.path, '--text', f.corpusPath, '--out', refused]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'cellscope record: Document 1 ("reset_gru.corpus.txt") has 33 tokens, but this model\'s graph takes exactly 16 tokens per run and builds its initial state inside (no state inputs), so a document longer than 16 tokens cannot be recorded exactly. Split the corpus into documents of at most 16 tokens, or export the model with its initial state as inputs (h0, c0) or a dynamic time axis.'
    );
    expect(existsSync(refused)).toBe(false);
  });
});
