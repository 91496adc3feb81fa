/**
 * Every torch/numpy fixture (tests/fixtures/rnn, made by make_rnn_fixtures.py) recorded with the
 * Node `record` command's core and onnxruntime-node: each stream and each graph output must match
 * the framework's own per-timestep numbers within 1e-5.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { recordCommand, type OrtNode } from '../../src/cli/recordCommand';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import { root } from '../helpers/modelFixture';
import { npyError } from '../helpers/npyCompare';

const dir = join(root, 'tests/fixtures/rnn');
const cases = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({
    name: d.name,
    meta: JSON.parse(readFileSync(join(dir, d.name, 'case.json'), 'utf8'))
  }));

const recurrent = cases.filter((c) => c.meta.op !== 'none');
// Loops (torch.jit.script) and unrolled cells (traced LSTMCell/GRUCell): no recurrent op.
const decomposed = cases.filter((c) => c.meta.op === 'none');

describe('torch / ONNX-equation fixtures through the record command', () => {
  it('has at least 10 recurrent-op fixtures', () => {
    expect(recurrent.length).toBeGreaterThanOrEqual(10);
  });

  it('every fixture model survives a decode → encode round trip unchanged', () => {
    for (const c of cases) {
      const first = decodeModel(new Uint8Array(readFileSync(join(dir, c.name, 'model.onnx'))));
      const again = decodeModel(encodeModel(first));
      expect(again.toJSON(), c.name).toEqual(first.toJSON());
    }
  });

  it('has the four cells without a recurrent op', () => {
    expect(decomposed.map((c) => c.name).sort()).toEqual([
      'grucell_traced_loop',
      'lstm_script_loop',
      'lstm_script_loop_manual',
      'lstmcell_traced_loop'
    ]);
  });

  for (const c of cases) {
    it(`${c.name}: every stream and output within 1e-5 (${c.meta.description.slice(0, 70)}…)`, async () => {
      const caseDir = join(dir, c.name);
      const files = readdirSync(caseDir);
      const out = mkdtempSync(join(tmpdir(), `rec-${c.name}-`));
      const feeds = files
        .filter((f) => f.startsWith('feed.'))
        .map((f) => `${f.slice(5, -4)}=${join(caseDir, f)}`);
      const manifest = await recordCommand(
        { model: join(caseDir, 'model.onnx'), out, feeds, streams: 'all' },
        ortNode as unknown as OrtNode
      );
      const refs = files.filter((f) => f.startsWith('ref.'));
      expect(refs.length).toBeGreaterThan(0);
      // Every reference stream was recorded, and nothing else was invented.
      expect(manifest.streams.map((s) => `ref.${s.name}.npy`).sort()).toEqual(refs.sort());
      for (const ref of refs) {
        const name = ref.slice(4);
        const err = npyError(join(out, name), join(caseDir, ref), name.endsWith('.c.npy'));
        expect(err, `${c.name} ${name}`).toBeLessThanOrEqual(1e-5);
      }
      for (const o of files.filter((f) => f.startsWith('out.'))) {
        const err = npyError(join(out, o.slice(4)), join(caseDir, o));
        expect(err, `${c.name} output ${o}`).toBeLessThanOrEqual(1e-5);
      }
    });
  }
});
