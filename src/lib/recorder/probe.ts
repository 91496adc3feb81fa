/** List every tensor of a model with the type and shape it takes on a probe input. */
import { listTensors, type NamedTensor } from '../onnx/tensors';
import { prepareForRecording, type RecordingGraph } from '../onnx/surgery';
import { type ModelProto } from '../onnx/proto';
import { runStep, type SessionLike, type TensorCtor, type TensorLike } from '../record/step';

export interface ProbedTensor extends NamedTensor {
  type: string;
  shape: number[] | null;
}

export interface ProbeRuntime {
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<SessionLike> };
  Tensor: TensorCtor;
}

export async function probeTensors(
  model: ModelProto,
  ort: ProbeRuntime,
  feedsFor: (graph: RecordingGraph) => Record<string, TensorLike>
): Promise<ProbedTensor[]> {
  const all = listTensors(model.graph!);
  const graph = prepareForRecording(model, {
    tensors: all.filter((t) => t.op !== 'input').map((t) => t.name)
  });
  const feeds = feedsFor(graph);
  const session = await ort.InferenceSession.create(graph.bytes);
  const step = await runStep(
    session,
    ort.Tensor,
    graph.taps,
    { feeds, batch: 1, lengths: [] },
    null,
    new Set(),
    graph.cells
  );
  await (session as { release?: () => Promise<void> }).release?.();
  return all.map((t) => {
    const v = step.outputs[t.name] ?? feeds[t.name];
    return {
      ...t,
      type: (v as { type?: string } | undefined)?.type ?? '?',
      shape: v ? [...v.dims] : null
    };
  });
}
