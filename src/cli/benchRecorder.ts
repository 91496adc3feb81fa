/**
 * The recorder core against plain inference, onnxruntime-web WASM in Node: each repetition times
 * native inference, plain ort-web inference and then every recorder variant, back to back, so
 * that on a shared machine each ratio compares runs under the same load; rates and ratios are
 * medians over the repetitions.
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
  reps: number,
  native: () => Promise<number>
): Promise<{
  native: number;
  plain: number;
  plainRatio: number;
  core: Record<string, number>;
  ratio: Record<string, number>;
}> {
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
  const times: Record<string, number[]> = { native: [], plain: [] };
  const ratios: Record<string, number[]> = { plain: [] };
  for (let r = 0; r < reps; r++) {
    times.native.push(await native());
    times.plain.push(
      await rate(async () => {
        for (let s = 0; s < ids.length; s += chunk) {
          const tokens = tokenTensor(Tensor, tokenInput, ids.subarray(s, s + chunk));
          await plain.run({ [tokenInput.name]: tokens } as never);
        }
      })
    );
    for (const v of variants) {
      const variant = await rate(() =>
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
      );
      (times[v.kinds] ??= []).push(variant);
      (ratios[v.kinds] ??= []).push(variant / times.plain[r]);
    }
    ratios.plain.push(times.plain[r] / times.native[r]);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const core: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  for (const k of CORE_KINDS) [core[k], ratio[k]] = [median(times[k]), median(ratios[k])];
  return {
    native: median(times.native),
    plain: median(times.plain),
    plainRatio: median(ratios.plain),
    core,
    ratio
  };
}
