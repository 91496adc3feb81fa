/**
 * Interventions (record/interveneStep.ts) against an independent reference: torch stepping the
 * same weights with the clamps applied as DESIGN.md defines them (tests/fixtures/intervene, made
 * by make_intervene_fixtures.py) — 2-layer LSTM and GRU char LMs, two documents, run in chunks of
 * 7 so that the clamped state is carried across chunks and reset at the document start.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { jsCellEngine, ScanCellEngine } from '../../src/lib/record/cellEngine';
import { recordChunks } from '../../src/lib/record/core';
import {
  checkInterventions,
  parseClamp,
  type Intervention
} from '../../src/lib/record/intervention';
import type { TensorCtor } from '../../src/lib/record/step';
import { parseKinds } from '../../src/lib/record/streams';
import { loadNpy } from '../helpers/npyCompare';
import { expectOneLineFailure, recordHere } from '../helpers/recordCli';

interface Case {
  name: string;
  interventions: Intervention[];
  logits: number[][];
  streams: Record<string, number[][]>;
}
interface Fixture {
  cell: string;
  hidden: number;
  ids: number[];
  documents: number[];
  cases: Case[];
}

const fixture = (cell: string) => {
  const dir = new URL(`../fixtures/intervene/${cell}/`, import.meta.url);
  return {
    model: new Uint8Array(readFileSync(new URL('model.onnx', dir))),
    ref: JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as Fixture
  };
};

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

type Engine = 'js' | 'scan';

async function run(
  model: Uint8Array,
  ref: Fixture,
  list: Intervention[],
  kinds: string,
  engine: Engine = 'scan'
) {
  const graph = prepareForRecording(decodeModel(model), { internals: true, overrides: true });
  checkInterventions(graph.taps, list);
  const session = await ort.InferenceSession.create(graph.bytes);
  const streams: Record<string, Float32Array[]> = {};
  const logits: Float32Array[] = [];
  await recordChunks({
    session,
    Tensor: ort.Tensor as unknown as TensorCtor,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput!,
    ids: Int32Array.from(ref.ids),
    chunkSize: 7,
    documents: ref.documents,
    kinds: parseKinds(kinds),
    interventions: list,
    cellEngine:
      engine === 'scan'
        ? new ScanCellEngine(
            (bytes) => ort.InferenceSession.create(bytes),
            ort.Tensor as unknown as TensorCtor
          )
        : jsCellEngine,
    sink: {
      commit: async (r) => {
        for (const [id, v] of Object.entries(r.streams)) (streams[id] ??= []).push(v.slice());
        logits.push((r.outputs!.logits.data as Float32Array).slice());
      }
    }
  });
  const flat = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => [...p]));
  return {
    logits: flat(logits),
    streams: Object.fromEntries(Object.entries(streams).map(([k, v]) => [k, flat(v)]))
  };
}

const maxDiff = (a: Float32Array, b: number[][]) => {
  const want = b.flat();
  expect(a.length).toBe(want.length);
  return want.reduce((m, v, i) => Math.max(m, Math.abs(v - a[i])), 0);
};

for (const cell of ['lstm', 'gru']) {
  describe(`interventions on a 2-layer ${cell.toUpperCase()} (torch reference)`, () => {
    const { model, ref } = fixture(cell);
    for (const [c, engine] of ref.cases.flatMap((c) =>
      (['scan', 'js'] as Engine[]).map((e) => [c, e] as const)
    )) {
      it(`${c.name} (${engine}): logits and intervened streams within 1e-4`, async () => {
        const got = await run(model, ref, c.interventions, 'all', engine);
        expect(maxDiff(got.logits, c.logits)).toBeLessThan(1e-4);
        for (const [id, values] of Object.entries(c.streams))
          expect(maxDiff(got.streams[id], values), id).toBeLessThan(1e-4);
        // and the intervention did move the logits (the test is not vacuous)
        if (c.interventions.length)
          expect(maxDiff(got.logits, ref.cases[0].logits)).toBeGreaterThan(0.01);
      });
    }
  });
}

describe('interventions that change nothing, and bad ones', () => {
  it('a clamp to the value the unit has anyway leaves the logits as they were', async () => {
    const { model, ref } = fixture('lstm');
    const base = await run(model, ref, [], 'h');
    // scale 1 on every unit of both layers' c: the same run through the JS recurrence
    const same = await run(
      model,
      ref,
      ['L0.fwd.c', 'L1.fwd.c'].map((stream) => ({
        stream,
        units: Array.from({ length: ref.hidden }, (_, u) => u),
        op: 'scale' as const,
        value: 1
      })),
      'h'
    );
    let d = 0;
    base.logits.forEach((v, i) => (d = Math.max(d, Math.abs(v - same.logits[i]))));
    expect(d).toBeLessThan(1e-5);
  });

  it('parses --clamp and refuses what cannot apply, naming it', () => {
    expect(parseClamp('L0.fwd.c:177=0')).toEqual({
      stream: 'L0.fwd.c',
      units: [177],
      op: 'set',
      value: 0
    });
    expect(parseClamp(' L1.bwd.h:3=-2.5e-1 ').value).toBe(-0.25);
    for (const bad of ['L0.fwd.c:177', 'L0.fwd.i:1=0', 'L0.fwd.c:x=0', 'L0.fwd.c:1=abc', 'c:1=0'])
      expect(() => parseClamp(bad), bad).toThrow(/STREAM:UNIT=VALUE/);
    const { model } = fixture('gru');
    const graph = prepareForRecording(decodeModel(model), { internals: true, overrides: true });
    expect(() => checkInterventions(graph.taps, [parseClamp('L0.fwd.c:1=0')])).toThrow(
      /Cannot intervene on L0.fwd.c: .*this model has L0.fwd.h, L1.fwd.h/
    );
    expect(() => checkInterventions(graph.taps, [parseClamp('L1.fwd.h:12=0')])).toThrow(
      /Unit 12 of L1.fwd.h does not exist: units are 0 to 11/
    );
    expect(() => checkInterventions(graph.taps, [parseClamp('L2.fwd.h:1=0')])).toThrow(
      /Cannot intervene on L2.fwd.h/
    );
  });
});

describe('npm run record -- --clamp (the same implementation, through the command)', () => {
  for (const cell of ['lstm', 'gru']) {
    it(`${cell.toUpperCase()}: the written logits equal the torch reference within 1e-4`, async () => {
      const { ref } = fixture(cell);
      const cli = (ref as Fixture & { cli: { args: string[]; logits: number[][] } }).cli;
      const dir = new URL(`../fixtures/intervene/${cell}/`, import.meta.url).pathname;
      const out = mkdtempSync(join(tmpdir(), 'clamp-'));
      const r = await recordHere([
        ...['--model', join(dir, 'model.onnx'), '--text', join(dir, 'corpus.txt')],
        ...['--out', join(out, 'rec'), '--chunk', '7', '--streams', 'h'],
        ...cli.args.flatMap((a) => ['--clamp', a])
      ]);
      expect(r.code, r.stderr).toBe(0);
      const logits = loadNpy(join(out, 'rec', 'logits.npy')).data as Float32Array;
      expect(maxDiff(logits, cli.logits)).toBeLessThan(1e-4);
      const manifest = JSON.parse(readFileSync(join(out, 'rec', 'manifest.json'), 'utf8'));
      expect(manifest.interventions).toHaveLength(2);
    });
  }

  it('refuses a clamp on a stream the model does not have, in one line, writing nothing', async () => {
    const dir = new URL('../fixtures/intervene/gru/', import.meta.url).pathname;
    const out = join(mkdtempSync(join(tmpdir(), 'clamp-')), 'rec');
    const r = await recordHere([
      ...['--model', join(dir, 'model.onnx'), '--text', join(dir, 'corpus.txt'), '--out', out],
      ...['--clamp', 'L0.fwd.c:1=0']
    ]);
    expectOneLineFailure(r, /Cannot intervene on L0\.fwd\.c/);
    expect(existsSync(out)).toBe(false);
    const bad = await recordHere([
      ...['--model', join(dir, 'model.onnx'), '--text', join(dir, 'corpus.txt'), '--out', out],
      ...['--clamp', 'L0.fwd.h=1']
    ]);
    expectOneLineFailure(bad, /STREAM:UNIT=VALUE/);
  });
});
