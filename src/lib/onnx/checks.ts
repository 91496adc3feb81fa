/** Checks on a model before recording, each with a message that says what to do. */
import { constantTensor } from './graph';
import { ModelFormatError, tensorDims, type ModelProto } from './proto';

/** Tensors stored outside the .onnx file cannot be read from a single upload. */
export function checkNoExternalData(model: ModelProto): void {
  const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL
  const ext = (model.graph?.initializer ?? []).find((t) => t.dataLocation === EXTERNAL);
  if (ext) {
    throw new ModelFormatError(
      `Tensor "${ext.name}" is stored in an external data file, which cellscope cannot read. Save the ` +
        'model as one file: onnx.save_model(m, "model.onnx", save_as_external_data=False).'
    );
  }
}

/** Rows of the embedding table the token input indexes (Gather on a constant), if any. */
export function embeddingRows(model: ModelProto, tokenInput: string): number | null {
  const graph = model.graph!;
  const gather = (graph.node ?? []).find(
    (n) => n.opType === 'Gather' && n.input?.[1] === tokenInput
  );
  const table = gather?.input?.[0] ? constantTensor(graph, gather.input[0]) : undefined;
  return table ? (tensorDims(table)[0] ?? null) : null;
}

export function checkVocabularyFits(
  model: ModelProto,
  tokenInput: string,
  vocabSize: number
): void {
  const rows = embeddingRows(model, tokenInput);
  if (rows !== null && vocabSize > rows) {
    throw new ModelFormatError(
      `The vocabulary has ${vocabSize} tokens but the model's embedding has only ${rows} rows: ` +
        'this vocabulary belongs to another model (ids would run past the table).'
    );
  }
}
