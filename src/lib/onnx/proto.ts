/**
 * The ONNX protobuf schema (onnx-proto, ONNX 1.10) and small helpers around it.
 * onnx-proto is CommonJS; this import form works in Node ESM, Vitest and the Vite build alike.
 */
import * as onnxNs from 'onnx-proto';

type OnnxNamespace = typeof onnxNs.onnx;
type Interop = { default?: { onnx?: OnnxNamespace }; onnx?: OnnxNamespace };
export const onnx: OnnxNamespace = ((onnxNs as unknown as Interop).default?.onnx ??
  (onnxNs as unknown as Interop).onnx) as OnnxNamespace;

export type ModelProto = onnxNs.onnx.ModelProto;
export type GraphProto = onnxNs.onnx.IGraphProto;
export type NodeProto = onnxNs.onnx.INodeProto;
export type TensorProto = onnxNs.onnx.ITensorProto;
export type ValueInfoProto = onnxNs.onnx.IValueInfoProto;
export type AttributeProto = onnxNs.onnx.IAttributeProto;

export const DataType = onnx.TensorProto.DataType;

/** Thrown for anything that is not a readable ONNX model; the message says what to do. */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelFormatError(
      `This file is not an ONNX model, or it is truncated (protobuf decoding failed: ${(e as Error).message}). ` +
        'Export the model with torch.onnx.export or tf2onnx and choose the .onnx file.'
    );
  }
  if (!model.graph || !model.graph.node || model.graph.node.length === 0) {
    throw new ModelFormatError(
      'This file decodes but holds no ONNX graph (no nodes). Choose the .onnx file your exporter wrote.'
    );
  }
  return model;
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** protobufjs gives int64 as number or Long depending on the environment. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && a.i != null ? toNumber(a.i) : fallback;
}

export function attrFloat(node: NodeProto, name: string): number | undefined {
  const a = attr(node, name);
  return a && a.f != null && a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f : undefined;
}

export function attrFloats(node: NodeProto, name: string): number[] {
  return [...(attr(node, name)?.floats ?? [])];
}

export function attrString(node: NodeProto, name: string, fallback: string): string {
  const a = attr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

export function attrStrings(node: NodeProto, name: string): string[] {
  const a = attr(node, name);
  return (a?.strings ?? []).map((s) => new TextDecoder().decode(s));
}

/** A float tensor's values, from raw_data (little-endian) or float_data. */
export function tensorToFloat32(t: TensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT) {
    throw new ModelFormatError(`Tensor ${t.name} is not float32 (data type ${t.dataType}).`);
  }
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    // Copy: raw_data views into the decode buffer may not be 4-byte aligned (and a Node Buffer's
    // slice() is a view, hence Uint8Array.from).
    return new Float32Array(Uint8Array.from(raw).buffer, 0, raw.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d));
}
