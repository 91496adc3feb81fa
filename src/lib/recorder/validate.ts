/** Load a model as it will be recorded (c_t and gate taps included), to catch what ort refuses. */
import { decodeModel } from '../onnx/proto';
import { prepareForRecording } from '../onnx/surgery';
import type { OrtModule } from '../record/options';

/** null when onnxruntime can load the recording graph, else the first line of its error. */
export async function validateModel(ort: OrtModule, bytes: Uint8Array): Promise<string | null> {
  try {
    const graph = prepareForRecording(decodeModel(bytes), { internals: true });
    const session = await ort.InferenceSession.create(graph.bytes, {
      executionProviders: ['wasm']
    });
    await (session as { release?: () => Promise<void> }).release?.();
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}
