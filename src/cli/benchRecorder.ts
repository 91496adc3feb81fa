/**
 * The recorder core against plain inference, onnxruntime-web WASM in Node: each repetition times
 * plain inference and then every recorder variant, so that on a shared machine they see the same
 * load, and each rate is the median over the repetitions.
 */
import * as ortWeb from 'onnxruntime-web';
import type { TokenInput } from '../lib/onnx/inspect';
import { decodeModel } from '../lib/onnx/proto';
import { prepareForRecording } from '../lib/onnx/surgery';
import { recordChunks, tokenTensor } from '../lib/record/core';
import type { SessionLike, TensorCtor } from '../lib/record/step';
import { parseKinds } from '../lib/record/streams';

export const CORE_KINDS = ['h', 'h,c', 'all'] as const;

/** Tokens/s of plain inference and of the recorder core for each of CORE_KINDS (no storage). */
export async function coreRates(
  modelBytes: Uint8Array,
  tokenInput: TokenInput,
  ids: Int32Array,
  chunk: number,
  reps: number
): Promise<{ plain: number; core: Record<string, number> }> {
  const Tensor = ortWeb.Tensor as unknown as TensorCtor;
  const plain = await ortWeb.InferenceSession.create(modelBytes);
  const variants = await Promise.all(
    CORE_KINDS.map(async (kinds) => {
      const graph = prepareForRecording(decodeModel(modelBytes), {
        internals: kinds !== 'h',
        outputGate: kinds === 'all'
      });
      const session = await ortWeb.InferenceSession.create(graph.bytes);
      return { kinds, graph, session: session as unknown as SessionLike };
    })
  );
  const rate = async (run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    return ids.length / ((performance.now() - t) / 1000);
  };
  const times: Record<string, number[]> = { plain: [] };
  for (let r = 0; r < reps; r++) {
    times.plain.push(
      await rate(async () => {
        for (let s = 0; s < ids.length; s += chunk) {
          const tokens = tokenTensor(Tensor, tokenInput, ids.subarray(s, s + chunk));
          await plain.run({ [tokenInput.name]: tokens } as never);
        }
      })
    );
    for (const v of variants) {
      (times[v.kinds] ??= []).push(
        await rate(() =>
          recordChunks({
            session: v.session,
            Tensor,
            taps: v.graph.taps,
            tokenInput,
            ids,
            chunkSize: chunk,
            kinds: parseKinds(v.kinds),
            sink: { commit: async () => {} }
          })
        )
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const core: Record<string, number> = {};
  for (const k of CORE_KINDS) core[k] = median(times[k]);
  return { plain: median(times.plain), core };
}
