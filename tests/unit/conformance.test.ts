/**
 * The ONNX project's own LSTM/GRU/RNN node tests (../shared/conformance/onnx-node-tests, IR 10 /
 * opset 22, incl. layout=1 ones that onnxruntime refuses natively), recorded through the record
 * command: the graph outputs must equal the expected ones, the h streams must end in Y_h, and for
 * LSTM c_t and the gates must equal the ONNX-equation reference.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { recordCommand, type OrtNode } from '../../src/cli/recordCommand';
import { decodeModel, encodeModel } from '../../src/lib/onnx/proto';
import { root } from '../helpers/modelFixture';
import { loadNpy, npyError } from '../helpers/npyCompare';
import { referenceLstm } from '../helpers/reference/lstm';

const dir = join(root, '../shared/conformance/onnx-node-tests');
const present = existsSync(dir);
if (!present)
  console.warn(`conformance tests skipped: ${dir} is absent (it lives outside the repository).`);

interface DataEntry {
  npy: string;
  tensor_name: string;
}
const cases = present
  ? readdirSync(dir).map((name) => ({
      name,
      meta: JSON.parse(readFileSync(join(dir, name, 'case.json'), 'utf8'))
    }))
  : [];

describe.skipIf(!present)('ONNX conformance node tests', () => {
  it('are all there (12 recurrent node tests)', () => {
    expect(cases.length).toBe(12);
  });

  for (const c of cases) {
    it(`${c.name}: round trip keeps the model, outputs and h/c/gates match`, async () => {
      const caseDir = join(dir, c.name);
      const bytes = new Uint8Array(readFileSync(join(caseDir, 'model.onnx')));
      // Decode → encode loses nothing: IR 10 / opset 22 models come back byte for byte.
      expect(Buffer.compare(Buffer.from(encodeModel(decodeModel(bytes))), Buffer.from(bytes))).toBe(
        0
      );

      const inputs = new Set<string>(c.meta.graph_inputs);
      const data: DataEntry[] = c.meta.data;
      const feeds = data
        .filter((d) => inputs.has(d.tensor_name))
        .map((d) => `${d.tensor_name}=${join(caseDir, d.npy)}`);
      const out = mkdtempSync(join(tmpdir(), `conf-${c.name}-`));
      const manifest = await recordCommand(
        { model: join(caseDir, 'model.onnx'), out, feeds, streams: 'all' },
        ortNode as unknown as OrtNode
      );
      const expected = data.filter((d) => !inputs.has(d.tensor_name));
      for (const e of expected) {
        expect(
          npyError(join(out, `${e.tensor_name}.npy`), join(caseDir, e.npy)),
          e.tensor_name
        ).toBeLessThanOrEqual(1e-5);
      }
      // The last valid row of every h stream is Y_h.
      const yh = expected.find((e) => e.tensor_name === 'Y_h');
      const yhData = yh ? loadNpy(join(caseDir, yh.npy)) : null;
      const layout = c.meta.attributes.layout ?? 0;
      const H = c.meta.attributes.hidden_size;
      const B: number = manifest.batch;
      for (const s of manifest.streams.filter((x: { name: string }) => x.name.endsWith('.h'))) {
        const b = B > 1 ? Number(s.name.match(/^b(\d+)\./)![1]) : 0;
        const d = s.name.includes('.bwd.') ? 1 : 0;
        const rows = loadNpy(join(out, s.file));
        const T = rows.shape[0];
        const last = d === 1 ? 0 : T - 1;
        const got = Array.from(rows.data.subarray(last * H, (last + 1) * H) as Float32Array);
        // Y_h is [D, B, H], or [B, D, H] with layout = 1.
        const D = layout === 1 ? yhData!.shape[1] : yhData!.shape[0];
        const off = layout === 1 ? (b * D + d) * H : (d * B + b) * H;
        const want = Array.from((yhData!.data as Float32Array).subarray(off, off + H));
        got.forEach((v, j) => expect(Math.abs(v - want[j])).toBeLessThanOrEqual(1e-5));
      }
      // LSTM: c_t and the gates against the ONNX-equation reference (layout 0 single-direction cases).
      if (c.meta.op_type === 'LSTM' && layout === 0) {
        const byName = (n: string) => {
          const e = data.find((x) => x.tensor_name === n);
          return e ? (loadNpy(join(caseDir, e.npy)).data as Float32Array) : null;
        };
        const X = byName('X')!;
        const [T, , I] = loadNpy(join(caseDir, data.find((x) => x.tensor_name === 'X')!.npy)).shape;
        const lens = byName('sequence_lens') as unknown as Int32Array | null;
        for (let b = 0; b < B; b++) {
          const len = lens ? Number(lens[b]) : T;
          const xb = new Float32Array(len * I);
          for (let t = 0; t < len; t++)
            xb.set(X.subarray((t * B + b) * I, (t * B + b + 1) * I), t * I);
          const h0 = byName('initial_h')?.subarray(b * H, (b + 1) * H);
          const c0 = byName('initial_c')?.subarray(b * H, (b + 1) * H);
          const ref = referenceLstm(
            xb,
            len,
            {
              W: byName('W')!,
              R: byName('R')!,
              B: byName('B'),
              P: byName('P'),
              hidden: H,
              input: I
            },
            h0,
            c0
          );
          for (const k of ['h', 'c', 'i', 'f', 'o', 'g'] as const) {
            const file = join(out, `${B > 1 ? `b${b}.` : ''}L0.fwd.${k}.npy`);
            const got = loadNpy(file).data as Float32Array;
            ref[k].forEach((v, i) =>
              expect(Math.abs(got[i] - v), `${k}[${i}]`).toBeLessThanOrEqual(1e-5)
            );
          }
        }
      }
    });
  }
});
