/** Finding a model's linear LM head in its graph, and saying why when there is none. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findLinearHead } from './lmHead';
import { DataType, decodeModel, onnx, tensorToFloat32, type ModelProto } from './proto';

const load = (path: string) =>
  decodeModel(readFileSync(new URL(`../../../${path}`, import.meta.url)));
const codeLstm = () => load('models/code-lstm.onnx');
const head = (m: ModelProto) => {
  const found = findLinearHead(m);
  if (!('head' in found)) throw new Error(found.reason);
  return found.head;
};

describe('findLinearHead', () => {
  it('finds the bundled model head: a MatMul on L1 through Squeeze and Transpose', () => {
    const h = head(codeLstm());
    expect([h.layer, h.stream, h.op, h.weightName, h.hidden, h.vocab]).toEqual([
      1,
      'L1.fwd.h',
      'MatMul',
      'onnx::MatMul_218',
      256,
      98
    ]);
  });

  it('reads a Gemm with transposed weights (transB) behind a Reshape to [-1, H]', () => {
    const m = codeLstm();
    const g = m.graph!;
    const mm = g.node!.find((n) => n.opType === 'MatMul')!;
    const w = g.initializer!.find((t) => t.name === mm.input![1])!;
    const W = tensorToFloat32(w); // [256, 98]
    const Wt = new Float32Array(98 * 256);
    for (let u = 0; u < 256; u++) for (let v = 0; v < 98; v++) Wt[v * 256 + u] = W[u * 98 + v];
    g.initializer!.push(
      onnx.TensorProto.create({
        name: 'Wt',
        dataType: DataType.FLOAT,
        dims: [98, 256],
        rawData: new Uint8Array(Wt.buffer)
      }),
      onnx.TensorProto.create({
        name: 'flat',
        dataType: DataType.INT64,
        dims: [2],
        int64Data: [-1, 256]
      })
    );
    const i = g.node!.indexOf(mm);
    g.node!.splice(
      i,
      1,
      onnx.NodeProto.create({ opType: 'Reshape', input: [mm.input![0], 'flat'], output: ['rows'] }),
      onnx.NodeProto.create({
        opType: 'Gemm',
        input: ['rows', 'Wt'],
        output: [mm.output![0]],
        attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]
      })
    );
    const h = head(m);
    expect([h.op, h.weightName, h.hidden, h.vocab]).toEqual(['Gemm', 'Wt', 256, 98]);
    expect(h.weights).toEqual(W);
  });

  it('says why for a model without a head, a bidirectional one, a head that mixes more in', () => {
    const none = findLinearHead(load('tests/fixtures/rnn/lstm_initial_states_inputs/model.onnx'));
    expect(none).toEqual({
      reason:
        "No linear layer (MatMul or Gemm with constant weights) reads layer 1's h and gives the logits."
    });
    const bidir = findLinearHead(load('tests/fixtures/rnn/gru_bidir_tokens/model.onnx'));
    expect(bidir).toEqual({
      reason: 'The last recurrent layer is bidirectional: its head mixes both directions.'
    });
    // A ReLU after the product: the MatMul is not the last linear step before the logits.
    const m = codeLstm();
    const add = m.graph!.node!.find((n) => n.output?.[0] === 'logits')!;
    add.output = ['pre'];
    m.graph!.node!.push(
      onnx.NodeProto.create({ opType: 'Relu', input: ['pre'], output: ['logits'] })
    );
    expect(findLinearHead(m)).toHaveProperty('reason');
  });
});
