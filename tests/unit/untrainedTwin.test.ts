/**
 * Untrained twins run: in onnxruntime-node with the trained model's output shapes and other
 * outputs, and through `npm run record -- --untrained-twin SEED`, whose hidden states equal the
 * ONNX-spec reference LSTM run on the twin's weights (so the twin, not the trained model, ran).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/lib/onnx/inspect';
import { decodeModel } from '../../src/lib/onnx/proto';
import { untrainedTwin } from '../../src/lib/onnx/reinit';
import { tokenTensor } from '../../src/lib/record/core';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import type { TensorCtor, TensorLike } from '../../src/lib/record/step';
import { demoModelPath, demoWeights, loadDemoModel, root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';
import { expectOneLineFailure, record, recordHere } from '../helpers/recordCli';
import { referenceLstm } from '../helpers/reference/lstm';

const Tensor = ortNode.Tensor as unknown as TensorCtor;
const fx = (c: string, f: string) => join(root, 'tests/fixtures/rnn', c, f);
const tmp = () => mkdtempSync(join(tmpdir(), 'twin-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function run(bytes: Uint8Array, feeds: Record<string, TensorLike>) {
  const s = await ortNode.InferenceSession.create(bytes);
  const out = await s.run(feeds as Record<string, ortNode.Tensor>);
  await s.release();
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('an untrained twin in onnxruntime-node', () => {
  it('runs the bundled model and the small fixtures with the same output shapes, other outputs', async () => {
    const demo = loadDemoModel();
    const tokens = tokenTensor(
      Tensor,
      inspectModel(decodeModel(demo)).tokenInput!,
      Int32Array.from('int main(void) { return 0; }', (ch) => ch.charCodeAt(0) % 98)
    );
    const x = loadNpy(fx('lstm_script_loop', 'feed.x.npy'));
    const loopFeed = { x: new ortNode.Tensor('float32', x.data as Float32Array, x.shape) };
    const cases: [string, Uint8Array, Record<string, TensorLike>][] = [
      ['code-lstm', demo, { tokens }],
      [
        'lstm_script_loop',
        new Uint8Array(readFileSync(fx('lstm_script_loop', 'model.onnx'))),
        loopFeed
      ]
    ];
    for (const [name, bytes, feeds] of cases) {
      const trained = await run(bytes, feeds);
      const twin = await run(untrainedTwin(bytes, 1).bytes, feeds);
      expect(Object.keys(twin), name).toEqual(Object.keys(trained));
      for (const k of Object.keys(trained)) {
        const a = trained[k].data as Float32Array;
        const b = twin[k].data as Float32Array;
        expect(twin[k].dims, `${name} ${k}`).toEqual(trained[k].dims);
        expect(b.every(Number.isFinite), `${name} ${k}`).toBe(true);
        expect(maxAbsDiff(a, b), `${name} ${k}`).toBeGreaterThan(0.05);
      }
    }
  });
});

describe('npm run record -- --untrained-twin SEED', () => {
  const text = readFileSync(join(root, 'static/corpora/stb_c_lexer.h.txt'), 'utf8').slice(0, 300);

  it('records the twin: the reference LSTM on the twin’s weights, the seed in the manifest', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.txt'), text);
    const args = (out: string, seed: string) => [
      '--model',
      demoModelPath,
      '--out',
      join(dir, out),
      '--text',
      join(dir, 'c.txt'),
      '--streams',
      'h',
      '--chunk',
      '128',
      '--untrained-twin',
      seed
    ];
    const r = await record(args('twin', '7'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'twin', 'manifest.json'), 'utf8'));
    const demo = loadDemoModel();
    const twin = untrainedTwin(demo, 7, sha(demo)).bytes;
    expect(manifest.untrained_twin).toEqual({ seed: 7, of: sha(demo), redrawnTensors: 9 });
    expect(manifest.model.sha256).toBe(sha(twin));

    const w = demoWeights(twin);
    const ids = loadNpy(join(dir, 'twin', 'L0.fwd.h.npy')).shape[0];
    expect(ids).toBe(manifest.tokens);
    const spec = parseTokenizerSpec(
      inspectModel(decodeModel(demo)).metadata['cellscope.tokenizer']
    );
    const tok = createTokenizer(spec).encode(text).ids;
    const T = tok.length;
    const x0 = new Float32Array(T * w.emb);
    tok.forEach((id, t) => x0.set(w.embedding.subarray(id * w.emb, (id + 1) * w.emb), t * w.emb));
    const l0 = referenceLstm(x0, T, w.layers[0]);
    const l1 = referenceLstm(Float32Array.from(l0.h), T, w.layers[1]);
    const h0 = loadNpy(join(dir, 'twin', 'L0.fwd.h.npy')).data as Float32Array;
    const h1 = loadNpy(join(dir, 'twin', 'L1.fwd.h.npy')).data as Float32Array;
    expect(maxAbsDiff(h0, l0.h)).toBeLessThan(1e-5);
    expect(maxAbsDiff(h1, l1.h)).toBeLessThan(1e-5);

    // The same seed again: the same states, bit for bit; the trained model: other states.
    expect((await recordHere(args('again', '7'))).code).toBe(0);
    expect(loadNpy(join(dir, 'again', 'L1.fwd.h.npy')).data).toEqual(h1);
    const trained = args('trained', '7').slice(0, -2);
    expect((await recordHere(trained)).code).toBe(0);
    const h1Trained = loadNpy(join(dir, 'trained', 'L1.fwd.h.npy')).data as Float32Array;
    expect(maxAbsDiff(h1Trained, h1)).toBeGreaterThan(0.1);
    const plain = JSON.parse(readFileSync(join(dir, 'trained', 'manifest.json'), 'utf8'));
    expect(plain.untrained_twin).toBeUndefined();
    expect(plain.model.sha256).toBe(sha(demo));
  });

  it('records the twin of a model fed as it is (--feed), the tiny fixture', async () => {
    const out = join(tmp(), 'o');
    const r = await recordHere([
      '--model',
      fx('lstm2_tokens_batchfirst', 'model.onnx'),
      '--out',
      out,
      '--feed',
      `tokens=${fx('lstm2_tokens_batchfirst', 'feed.tokens.npy')}`,
      '--untrained-twin',
      '0'
    ]);
    expect(r.stderr).toBe('');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.untrained_twin).toMatchObject({ seed: 0, redrawnTensors: 9 });
    const h = loadNpy(join(out, 'L1.fwd.h.npy'));
    expect(h.shape).toEqual([10, 8]);
    const ref = loadNpy(fx('lstm2_tokens_batchfirst', 'ref.L1.fwd.h.npy'));
    expect(maxAbsDiff(h.data as Float32Array, ref.data as Float64Array)).toBeGreaterThan(0.05);
  });

  it('refuses a seed that is not a whole number from 0 to 4294967295, in one line', async () => {
    const base = [
      '--model',
      fx('lstm2_tokens_batchfirst', 'model.onnx'),
      '--out',
      join(tmp(), 'x')
    ];
    const feed = ['--feed', `tokens=${fx('lstm2_tokens_batchfirst', 'feed.tokens.npy')}`];
    for (const seed of ['-1', '1.5', 'abc', '4294967296'])
      expectOneLineFailure(
        await recordHere([...base, ...feed, `--untrained-twin=${seed}`]),
        /--untrained-twin must be a whole number from 0 to 4294967295 \(the seed\)/
      );
    expectOneLineFailure(
      await recordHere([...base, ...feed, '--untrained-twin']),
      /--untrained-twin needs a value/
    );
  });
});
