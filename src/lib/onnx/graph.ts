/** Small helpers for editing a GraphProto in place: names, constants, nodes, value infos. */
import { DataType, onnx, type GraphProto, type NodeProto, type TensorProto } from './proto';

export function floatValueInfo(name: string, dims?: (number | string)[]) {
  return valueInfo(name, DataType.FLOAT, dims);
}

export function valueInfo(name: string, elemType: number, dims?: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: dims
          ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
          : undefined
      }
    }
  });
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, number | number[]> = {}
): NodeProto {
  const attribute = Object.entries(attrs).map(([name, v]) =>
    Array.isArray(v)
      ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
      : { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
  );
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: outputs[0],
    attribute
  });
}

/** An int64 scalar initializer (for Gather indices); reused when the same value is asked twice. */
export function int64Scalar(graph: GraphProto, name: string, value: number): string {
  const inits = graph.initializer ?? (graph.initializer = []);
  if (!inits.some((t) => t.name === name)) {
    inits.push(
      onnx.TensorProto.create({ name, dataType: DataType.INT64, dims: [], int64Data: [value] })
    );
  }
  return name;
}

/** The constant value of a tensor: an initializer or the output of a Constant node. */
export function constantTensor(graph: GraphProto, name: string): TensorProto | undefined {
  const init = graph.initializer?.find((t) => t.name === name);
  if (init) return init;
  const c = graph.node?.find((n) => n.opType === 'Constant' && n.output?.[0] === name);
  return c?.attribute?.find((a) => a.name === 'value')?.t ?? undefined;
}

/** A float32 initializer of shape [values.length]; reused when the same name is asked twice. */
export function floatVector(graph: GraphProto, name: string, values: number[]): string {
  const inits = graph.initializer ?? (graph.initializer = []);
  if (!inits.some((t) => t.name === name)) {
    inits.push(
      onnx.TensorProto.create({
        name,
        dataType: DataType.FLOAT,
        dims: [values.length],
        floatData: values
      })
    );
  }
  return name;
}
