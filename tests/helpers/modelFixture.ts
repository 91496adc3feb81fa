/** Loads the bundled demo model and reads its weights for reference computations. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeModel, tensorDims, tensorToFloat32 } from '../../src/lib/onnx/proto';
import type { LstmWeights } from './reference/lstm';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const demoModelPath = `${root}models/code-lstm.onnx`;
export const demoCorpusPath = `${root}static/corpora/stb_c_lexer.h.txt`;

export function loadDemoModel(): Uint8Array {
  return new Uint8Array(readFileSync(demoModelPath));
}

/** Embedding table and per-layer LSTM weights of a torch-exported char LSTM. */
export function demoWeights(bytes: Uint8Array) {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const init = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const gather = graph.node!.find((n) => n.opType === 'Gather' && init.has(n.input![0]))!;
  const table = init.get(gather.input![0])!;
  const [, emb] = tensorDims(table);
  const layers: LstmWeights[] = graph
    .node!.filter((n) => n.opType === 'LSTM')
    .map((n) => {
      const W = init.get(n.input![1])!;
      const [, fourH, I] = tensorDims(W);
      return {
        W: tensorToFloat32(W),
        R: tensorToFloat32(init.get(n.input![2])!),
        B: n.input![3] ? tensorToFloat32(init.get(n.input![3])!) : null,
        hidden: fourH / 4,
        input: I
      };
    });
  return { embedding: tensorToFloat32(table), emb, layers };
}
