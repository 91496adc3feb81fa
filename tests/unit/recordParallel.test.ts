/**
 * `npm run record -- --parallel N`: the documents of a corpus recorded N side by side write the
 * same files as one after the other (--parallel 1): every .npy and every chunk of the Zarr store
 * within 1e-5 (c scaled by max(1, |c|)), the manifest equal but for its time and `parallel`; and
 * each mode it cannot serve is refused in one line before anything is written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import { demoCorpusPath, demoModelPath, root } from '../helpers/modelFixture';
import { npyError } from '../helpers/npyCompare';
import { expectOneLineFailure, recordHere } from '../helpers/recordCli';

const tmp = () => mkdtempSync(join(tmpdir(), 'parallel-'));
let dir: string;
let corpus: string;

/** Every file under `d`, relative to it. */
function filesUnder(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(d, join(e.parentPath, e.name)))
    .sort();
}

const manifestOf = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));

/** A recording of the corpus with --parallel n: its summary line, --out and --zarr directories. */
async function recordWith(n: number, extra: string[] = []) {
  const out = join(dir, `p${n}`);
  const zarr = join(dir, `p${n}.zarr`);
  const r = await recordHere([
    ...['--model', demoModelPath, '--text', corpus, '--documents', 'blank-lines'],
    ...['--chunk', '256', '--out', out, '--zarr', zarr, '--parallel', String(n), ...extra]
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { line: r.stdout, out, zarr };
}

/** Max difference of two Zarr chunk files read as float32 (ints compared exactly first). */
function chunkError(a: string, b: string): number {
  const [x, y] = [readFileSync(a), readFileSync(b)];
  if (x.equals(y)) return 0;
  if (!/(^|\/)(L\d|lm_loss|lm_top_probs)/.test(a)) return Infinity;
  const fx = new Float32Array(x.buffer, x.byteOffset, x.byteLength / 4);
  const fy = new Float32Array(y.buffer, y.byteOffset, y.byteLength / 4);
  let m = fx.length === fy.length ? 0 : Infinity;
  for (let i = 0; i < fx.length; i++)
    m = Math.max(m, Math.abs(fx[i] - fy[i]) / Math.max(1, Math.abs(fy[i])));
  return m;
}

beforeAll(() => {
  dir = tmp();
  // Four documents of about 700, 60, 1100 and 400 characters (one shorter than a chunk of 256,
  // others over several, ending mid-chunk), cut from the demo corpus with no blank line inside.
  const text = readFileSync(demoCorpusPath, 'utf8');
  const cut = (a: number, b: number) =>
    text
      .slice(a, b)
      .trim()
      .replace(/\n\s*\n/g, '\n');
  const docs = [cut(0, 700), cut(5000, 5060), cut(9000, 10100), cut(20000, 20400)];
  corpus = join(dir, 'docs.txt');
  writeFileSync(corpus, docs.join('\n\n') + '\n');
});

describe('record --parallel N', () => {
  it('writes every .npy, the Zarr store and the manifest as a sequential run does', async () => {
    const one = await recordWith(1);
    expect(one.line).not.toMatch(/side by side/);
    const reference = manifestOf(one.out);
    expect(reference.corpus.documents).toHaveLength(4);
    expect(reference.parallel).toBe(1);
    const files = filesUnder(one.out).filter((f) => f.endsWith('.npy'));
    const chunks = filesUnder(one.zarr).filter((f) => !f.endsWith('zarr.json'));
    // Streams, the LM's logits, corpus tokens; the store's streams and its LM predictions.
    expect(files).toContain('L1.fwd.c.npy');
    expect(files).toContain('logits.npy');
    expect(chunks.some((f) => f.startsWith('lm_top_ids'))).toBe(true);
    for (const n of [2, 3]) {
      const run = await recordWith(n);
      expect(run.line).toMatch(new RegExp(`steps in [\\d.]+ s \\(${n} documents side by side\\)`));
      expect(filesUnder(run.out).filter((f) => f.endsWith('.npy'))).toEqual(files);
      for (const f of files)
        expect(npyError(join(run.out, f), join(one.out, f), true), `${n}: ${f}`).toBeLessThan(1e-5);
      expect(filesUnder(run.zarr).filter((f) => !f.endsWith('zarr.json'))).toEqual(chunks);
      for (const f of chunks)
        expect(chunkError(join(run.zarr, f), join(one.zarr, f)), `${n}: ${f}`).toBeLessThan(1e-5);
      const m = manifestOf(run.out);
      expect(m.parallel).toBe(n);
      const timeless = (x: Record<string, unknown>) => ({ ...x, createdAt: 0, parallel: 0 });
      expect(timeless(m)).toEqual(timeless(reference));
      // The store's attributes: the same manifest.
      const attrs = (z: string) =>
        JSON.parse(readFileSync(join(z, 'zarr.json'), 'utf8')).attributes.cellscope;
      expect(timeless(attrs(run.zarr))).toEqual(timeless(attrs(one.zarr)));
    }
  });

  it('more lanes than documents: one per document', async () => {
    const run = await recordWith(8);
    expect(manifestOf(run.out).parallel).toBe(4);
    expect(run.line).toMatch(/\(4 documents side by side\)/);
  });

  it('one document: no effect, said once on stderr', async () => {
    const out = join(dir, 'single');
    const r = await recordHere([
      ...['--model', demoModelPath, '--text', corpus, '--out', out, '--parallel', '2']
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      'cellscope record: --parallel 2 has no effect: the corpus is one document (split it with --documents blank-lines or jsonl:FIELD).'
    ]);
    expect(manifestOf(out).parallel).toBe(1);
  });
});

describe('record --parallel refuses what it cannot serve, in one line', () => {
  const base = () => ['--model', demoModelPath, '--text', corpus, '--documents', 'blank-lines'];
  const refused = async (args: string[], pattern: RegExp) => {
    const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
    const r = await recordHere([
      ...args,
      ...(args.some((a) => /^--(shard|finalize)$/.test(a)) ? [] : ['--out', out])
    ]);
    expectOneLineFailure(r, pattern);
    expect(existsSync(out)).toBe(false);
  };

  it('a count that is not a whole number from 1 to 64', async () => {
    for (const n of ['0', '-1', '2.5', 'two', '65'])
      await refused(
        [...base(), `--parallel=${n}`],
        /--parallel must be a whole number of documents from 1 to 64/
      );
  });

  it('feeds: --parallel applies to --text only', async () => {
    const feed = join(root, 'tests/fixtures/rnn/lstm_reverse/feed.x.npy');
    await refused(
      ['--model', demoModelPath, '--feed', `x=${feed}`, '--parallel', '2'],
      /--parallel applies to --text only/
    );
  });

  const modes: [string, string[], RegExp][] = [
    ['--clamp', ['--clamp', 'L0.fwd.c:1=0'], /cannot go with --clamp: clamped units/],
    ['--tap', ['--tap', 'logits'], /cannot go with --tap: a tapped tensor has no known batch/],
    ['--shard', ['--zarr', '/tmp/x.zarr', '--shard', '0/2'], /cannot go with --shard/],
    ['--finalize', ['--zarr', '/tmp/x.zarr', '--finalize'], /cannot go with --finalize/],
    ['--list-tensors', ['--list-tensors'], /cannot go with --list-tensors/]
  ];
  for (const [flag, args, pattern] of modes)
    it(`with ${flag}`, async () => {
      await refused([...base(), ...args, '--parallel', '2'], pattern);
      await refused([...base(), ...args, '--parallel', '2'], /Run without --parallel\.$/);
    });

  const models: [string, string, RegExp][] = [
    [
      'a backward layer',
      'tests/fixtures/classifier/named.onnx',
      /cannot record documents side by side: layer 0 runs backward \(padding would reach its steps\)\. Run without --parallel\.$/
    ],
    [
      'a Loop cell',
      'tests/fixtures/loop/loop_lm.onnx',
      /side by side: it has a recurrent cell without an LSTM\/GRU\/RNN op \(a Loop or unrolled steps\)/
    ],
    [
      'a fixed-window graph',
      'tests/fixtures/unrolled/op_lstm.onnx',
      /side by side: its graph takes exactly 16 tokens \(a fixed window/
    ]
  ];
  for (const [what, model, pattern] of models)
    it(`a model with ${what}`, async () => {
      const args = ['--model', join(root, model), '--text', corpus, '--documents', 'blank-lines'];
      await refused([...args, '--parallel', '2'], pattern);
    });

  it('a model output with no declared batch axis', async () => {
    const model = decodeModel(new Uint8Array(readFileSync(demoModelPath)));
    const dims = model.graph!.output![0].type!.tensorType!.shape!.dim!;
    dims[0] = { dimValue: 1 } as (typeof dims)[0];
    const path = join(dir, 'fixed-batch.onnx');
    writeFileSync(path, encodeModel(model));
    await refused(
      ['--model', path, '--text', corpus, '--documents', 'blank-lines', '--parallel', '2'],
      /side by side: the output logits has no batch axis "batch" declared\. Run without --parallel\.$/
    );
  });
});
