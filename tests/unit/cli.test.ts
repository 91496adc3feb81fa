/**
 * The `record` command: a good run writes the manifest and streams; every kind of bad input exits
 * 1 with one line that names the problem. A real process (as a user runs it: src/cli/record.ts,
 * whose only work is to hand argv and onnxruntime-node to runRecord) for the exit codes and output
 * of a good run and of refusals; the rest in this process through the same entry point, runRecord
 * (tests/unit/recordInputs.test.ts has more bad input).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/lib/export/npy';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import { onnx } from '../../src/lib/onnx/proto';
import { root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';
import { TILE_UNITS as W } from '../../src/lib/store/tiles';
import { expectOneLineFailure, record, recordHere } from '../helpers/recordCli';

const fx = (c: string, f: string) => join(root, 'tests/fixtures/rnn', c, f);
const tmp = () => mkdtempSync(join(tmpdir(), 'cli-'));

/** A copy of a fixture model, changed by `edit`, written to a temp file. */
function editedModel(edit: (m: ReturnType<typeof decodeModel>) => void): string {
  const m = decodeModel(new Uint8Array(readFileSync(fx('lstm_peepholes', 'model.onnx'))));
  edit(m);
  const path = join(tmp(), 'edited.onnx');
  writeFileSync(path, encodeModel(m));
  return path;
}

const peepholeFeeds = ['--feed', `x=${fx('lstm_peepholes', 'feed.x.npy')}`];

describe('npm run record', () => {
  it('records text through a vocabulary file, chunked, equal to feeding the same ids in one run', async () => {
    const dir = tmp();
    const letters = 'abcdefghijklmno'.split('');
    const vocab = join(dir, 'vocab.txt');
    writeFileSync(vocab, [...letters, '<unk>'].join('\n') + '\n');
    const sentence = 'hello idea lab';
    writeFileSync(join(dir, 'corpus.txt'), sentence);
    const textOut = join(dir, 'text');
    const r = await recordHere([
      '--model',
      fx('lstm2_tokens_batchfirst', 'model.onnx'),
      '--out',
      textOut,
      '--text',
      join(dir, 'corpus.txt'),
      '--vocab',
      vocab,
      '--chunk',
      '5'
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/12 streams, 14 steps/);
    const manifest = JSON.parse(readFileSync(join(textOut, 'manifest.json'), 'utf8'));
    expect(manifest.tokens).toBe(14);
    expect(manifest.unknownTokens).toBe(2); // the two spaces
    expect(loadNpy(join(textOut, 'logits.npy')).shape).toEqual([1, 14, 16]);

    const ids = BigInt64Array.from([...sentence], (ch) =>
      BigInt(ch === ' ' ? 15 : letters.indexOf(ch))
    );
    writeFileSync(join(dir, 'ids.npy'), writeNpy(ids, [1, ids.length]));
    const feedOut = join(dir, 'feed');
    expect(
      (
        await recordHere([
          '--model',
          fx('lstm2_tokens_batchfirst', 'model.onnx'),
          '--out',
          feedOut,
          '--feed',
          `tokens=${join(dir, 'ids.npy')}`
        ])
      ).code
    ).toBe(0);
    for (const s of manifest.streams as { file: string }[]) {
      const a = loadNpy(join(textOut, s.file)).data as Float32Array;
      const b = loadNpy(join(feedOut, s.file)).data as Float32Array;
      expect(a.length).toBe(b.length);
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-5));
    }
  });

  it('writes a Zarr v3 store whose chunks hold exactly the recorded streams', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'c.txt'),
      readFileSync(join(root, 'static/corpora/stb_c_lexer.h.txt'), 'utf8').slice(0, 700)
    );
    const out = join(dir, 'npy');
    const zarr = join(dir, 'rec.zarr');
    const r = await recordHere([
      '--model',
      join(root, 'models/code-lstm.onnx'),
      '--out',
      out,
      '--text',
      join(dir, 'c.txt'),
      '--streams',
      'h,c',
      '--chunk',
      '256',
      '--zarr',
      zarr
    ]);
    expect(r.code).toBe(0);
    const group = JSON.parse(readFileSync(join(zarr, 'zarr.json'), 'utf8'));
    expect(group).toMatchObject({ zarr_format: 3, node_type: 'group' });
    expect(group.attributes.cellscope.tokens).toBe(700);
    const meta = JSON.parse(readFileSync(join(zarr, 'L1.fwd.c', 'zarr.json'), 'utf8'));
    expect(meta).toMatchObject({
      zarr_format: 3,
      node_type: 'array',
      shape: [700, 256],
      data_type: 'float32',
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [256, W] } },
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }]
    });
    // Read every chunk the way a Zarr reader does (key c/<row chunk>/<unit chunk>) and compare.
    const npy = loadNpy(join(out, 'L1.fwd.c.npy')).data as Float32Array;
    for (let i = 0; i * 256 < 700; i++) {
      for (let j = 0; j < 256 / W; j++) {
        const b = readFileSync(join(zarr, 'L1.fwd.c', 'c', String(i), String(j)));
        const tile = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        expect(tile.length).toBe(256 * W);
        for (let row = 0; row < Math.min(256, 700 - i * 256); row++) {
          for (let u = 0; u < W; u++)
            expect(tile[row * W + u]).toBe(npy[(i * 256 + row) * 256 + j * W + u]);
        }
      }
    }
  });

  it('takes float features from a CSV', async () => {
    const dir = tmp();
    const x = loadNpy(fx('rnn_tanh', 'feed.x.npy'));
    const [T, , F] = x.shape;
    const rows = Array.from({ length: T }, (_, t) =>
      Array.from((x.data as Float32Array).subarray(t * F, (t + 1) * F)).join(',')
    );
    writeFileSync(join(dir, 'x.csv'), `a,b,c\n${rows.join('\n')}\n`);
    const r = await recordHere([
      '--model',
      fx('rnn_tanh', 'model.onnx'),
      '--out',
      join(dir, 'o'),
      '--csv',
      join(dir, 'x.csv')
    ]);
    expect(r.code).toBe(0);
    const got = loadNpy(join(dir, 'o', 'L1.fwd.h.npy')).data as Float32Array;
    const want = loadNpy(fx('rnn_tanh', 'ref.L1.fwd.h.npy')).data as Float32Array;
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(1e-5));
  });

  it('lists tensors with shapes and records a named tensor as it is', async () => {
    const model = fx('lstmcell_traced_loop', 'model.onnx');
    const x = `x=${fx('lstmcell_traced_loop', 'feed.x.npy')}`;
    const list = await recordHere([
      '--model',
      model,
      '--out',
      tmp(),
      '--feed',
      x,
      '--list-tensors'
    ]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('/cell_1/Add_1_output_0\tAdd\tfloat32\t[1, 4]');
    const out = tmp();
    const r = await recordHere([
      '--model',
      model,
      '--out',
      out,
      '--feed',
      x,
      '--tap',
      '/cell_1/Add_1_output_0'
    ]);
    expect(r.code).toBe(0);
    // The tapped tensor is c after step 2: row 1 of the torch reference for c.
    const tap = loadNpy(join(out, 'tap._cell_1_Add_1_output_0.npy'));
    expect(tap.shape).toEqual([1, 4]);
    const c = loadNpy(fx('lstmcell_traced_loop', 'ref.L0.fwd.c.npy')).data as Float32Array;
    Array.from(tap.data as Float32Array).forEach((v, j) =>
      expect(Math.abs(v - c[4 + j])).toBeLessThanOrEqual(1e-5)
    );
    const bad = await recordHere(['--model', model, '--out', tmp(), '--feed', x, '--tap', 'nope']);
    expectOneLineFailure(bad, /no tensor named "nope"/);
  });

  it('a real process refuses bad input with exit code 1, one line on stderr, and no output', async () => {
    const dir = tmp();
    const model = fx('lstm2_tokens_batchfirst', 'model.onnx');
    const vocab = join(dir, 'v.txt');
    writeFileSync(vocab, 'a\nb\nc\n');
    const wide = join(dir, 'wide.txt');
    writeFileSync(wide, Buffer.from('\ufeffabc\n', 'utf16le'));
    const good = join(dir, 'good.txt');
    writeFileSync(good, 'abc');
    const full = join(dir, 'full');
    const text = ['--text', good, '--vocab', vocab];
    const cases: [string[], RegExp][] = [
      [['--model', model, '--out', join(dir, 'o1'), ...text, '--bogus'], /Unknown option --bogus/],
      [['--model', model, '--out', join(dir, 'o2'), ...text, '--chunk', '0'], /--chunk must be/],
      [['--model', model, '--out', join(dir, 'o3'), '--text', wide, '--vocab', vocab], /UTF-16/],
      [['--model', join(dir, 'none.onnx'), '--out', join(dir, 'o4'), ...text], /no such file/]
    ];
    const results = await Promise.all(cases.map(([args]) => record(args)));
    results.forEach((r, i) => expectOneLineFailure(r, cases[i][1]));
    for (const o of ['o1', 'o2', 'o3', 'o4']) expect(existsSync(join(dir, o))).toBe(false);
    // A non-empty --out is refused and left as it was.
    const ok = await record(['--model', model, '--out', full, ...text]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/12 streams, 3 steps/);
    const before = readFileSync(join(full, 'manifest.json'), 'utf8');
    expectOneLineFailure(
      await record(['--model', model, '--out', full, ...text]),
      /already holds .* add --force/
    );
    expect(readFileSync(join(full, 'manifest.json'), 'utf8')).toBe(before);
  });

  describe('bad input: exit 1 with one line naming the problem', () => {
    it('not an ONNX file', async () => {
      const f = join(tmp(), 'notes.onnx');
      writeFileSync(f, 'these are my notes, not a model');
      expectOneLineFailure(
        await recordHere(['--model', f, '--out', tmp(), ...peepholeFeeds]),
        /not an ONNX model/
      );
    });
    it('a truncated file', async () => {
      const f = join(tmp(), 'cut.onnx');
      const bytes = readFileSync(fx('lstm2_tokens_batchfirst', 'model.onnx'));
      writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      expectOneLineFailure(
        await recordHere(['--model', f, '--out', tmp(), ...peepholeFeeds]),
        /truncated/
      );
    });
    it('weights in external data', async () => {
      const f = editedModel((m) => {
        const t = m.graph!.initializer![0];
        t.rawData = new Uint8Array();
        t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        t.externalData = [{ key: 'location', value: 'weights.bin' }];
      });
      expectOneLineFailure(
        await recordHere(['--model', f, '--out', tmp(), ...peepholeFeeds]),
        /external data file/
      );
    });
    it('no recurrent op', async () => {
      const f = editedModel((m) => {
        m.graph!.node = [onnx.NodeProto.create({ opType: 'Relu', input: ['x'], output: ['y'] })];
      });
      expectOneLineFailure(
        await recordHere(['--model', f, '--out', tmp(), ...peepholeFeeds]),
        /No LSTM, GRU or RNN node/
      );
    });
    it('an operator onnxruntime does not have', async () => {
      const f = editedModel((m) => {
        const y = m.graph!.node![0].output![0] || 'Y';
        m.graph!.node![0].output![0] = y;
        m.graph!.node!.push(
          onnx.NodeProto.create({
            opType: 'FancyAttention',
            domain: 'com.example',
            input: [y],
            output: ['z']
          })
        );
        m.graph!.output!.push(onnx.ValueInfoProto.create({ name: 'z' }));
        m.opsetImport!.push({ domain: 'com.example', version: 1 });
      });
      expectOneLineFailure(
        await recordHere(['--model', f, '--out', tmp(), ...peepholeFeeds]),
        /onnxruntime cannot load this model/
      );
    });
    it('a vocabulary larger than the embedding', async () => {
      const dir = tmp();
      writeFileSync(
        join(dir, 'big.json'),
        JSON.stringify([...'abcdefghijklmnopqrstuvwxyz', '<unk>'])
      );
      writeFileSync(join(dir, 'c.txt'), 'abc');
      const r = await recordHere([
        '--model',
        fx('lstm2_tokens_batchfirst', 'model.onnx'),
        '--out',
        tmp(),
        '--text',
        join(dir, 'c.txt'),
        '--vocab',
        join(dir, 'big.json')
      ]);
      expectOneLineFailure(r, /27 tokens but the model's embedding has only 16 rows/);
    });
    it('a feed of the wrong shape', async () => {
      const f = join(tmp(), 'x.npy');
      writeFileSync(f, writeNpy(new Float32Array(2 * 3 * 7), [2, 3, 7]));
      const r = await recordHere([
        '--model',
        fx('lstm_peepholes', 'model.onnx'),
        '--out',
        tmp(),
        '--feed',
        `x=${f}`
      ]);
      expectOneLineFailure(r, /Feed "x" has shape \[2, 3, 7\] but dimension 0 must be 7/);
    });
    it('a feed of the wrong dtype', async () => {
      const f = join(tmp(), 'x.npy');
      const x = loadNpy(fx('lstm_peepholes', 'feed.x.npy'));
      writeFileSync(f, writeNpy(Float64Array.from(x.data as Float32Array), x.shape));
      const r = await recordHere([
        '--model',
        fx('lstm_peepholes', 'model.onnx'),
        '--out',
        tmp(),
        '--feed',
        `x=${f}`
      ]);
      expectOneLineFailure(r, /Feed "x" is float64 but the graph expects float32/);
    });
    it('a CSV with ragged rows', async () => {
      const f = join(tmp(), 'x.csv');
      writeFileSync(f, '1,2,3\n4,5\n');
      const r = await recordHere([
        '--model',
        fx('rnn_tanh', 'model.onnx'),
        '--out',
        tmp(),
        '--csv',
        f
      ]);
      expectOneLineFailure(r, /row 2: 2 values, but the header has 3/);
    });
    it('missing arguments', async () => {
      const out = join(tmp(), 'never');
      expectOneLineFailure(
        await recordHere(['--model', fx('rnn_tanh', 'model.onnx'), '--out', out]),
        /Give --text/
      );
      expect(existsSync(out)).toBe(false);
    });
  });
});
