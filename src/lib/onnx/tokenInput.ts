/**
 * Which input the browser feeds token ids to, and why it cannot when it cannot. The recorder
 * feeds one input (the token ids) plus the recurrent state it carries; the model's
 * `cellscope.input` metadata key names that input when the graph has several integer inputs.
 */
import type { ModelInfo, TensorInfo } from './inspect';

const describe = (t: TensorInfo) =>
  `${t.name} (${t.elemType}${t.dims.length ? ` [${t.dims.map((d) => d ?? '?').join(', ')}]` : ''})`;

const list = (ts: TensorInfo[]) =>
  ts.length === 1
    ? describe(ts[0])
    : `${ts.slice(0, -1).map(describe).join(', ')} and ${describe(ts[ts.length - 1])}`;

const setKey = (input: string) =>
  `the model's cellscope.input metadata key names it (Python: ` +
  `onnx.helper.set_model_props(m, {"cellscope.input": "${input}"}); onnx.save(m, "model.onnx"))`;

const COMMAND_LINE =
  'record it with the command line, which feeds every input: npm run record -- --model M.onnx ' +
  '--out DIR --feed NAME=values.npy (one --feed per input)';

/**
 * Why the browser cannot feed text to this model, or null when it can (or when it has no
 * integer input at all, which the caller reports). `file` names the model in messages;
 * `stateInputs`: inputs the recorder feeds a cell's state (a fixed-length graph, fixedWindow.ts).
 */
export function tokenInputProblem(
  info: ModelInfo,
  file: string,
  stateInputs: string[] = []
): string | null {
  const named = info.metadata['cellscope.input'];
  const ints = info.inputs.filter((i) => /^u?int/.test(i.elemType));
  if (named !== undefined && !info.inputs.some((i) => i.name === named))
    return (
      `"${file}" names its token input "${named}" (metadata key cellscope.input), but the model has ` +
      `no input of that name: its inputs are ${list(info.inputs)}. Set cellscope.input to one of ` +
      'them and add the model again.'
    );
  const token = info.tokenInput;
  if (!token) {
    if (ints.length < 2) return null;
    return (
      `"${file}" has ${ints.length} integer inputs, ${list(ints)}, and nothing says which one ` +
      `takes the token ids: ${setKey(ints[0].name)}. The browser feeds only that input (and the ` +
      `recurrent state), so give the others default values (initializers), or ${COMMAND_LINE}.`
    );
  }
  if (token.elemType !== 'int64' && token.elemType !== 'int32')
    return (
      `"${file}" takes its token ids through ${describe(info.inputs.find((i) => i.name === token.name)!)}; ` +
      'the browser feeds token ids as int64 or int32. Re-export the model with an int64 token input.'
    );
  const seq = info.sequenceInput;
  if (seq && seq.name !== token.name)
    return (
      `"${file}" feeds its recurrent layers from ${describe(info.inputs.find((i) => i.name === seq.name)!)}, ` +
      `not from the integer input ${token.name}: the browser records text through a tokenizer. For a ` +
      'model that takes float features use the command line: npm run record -- --model M.onnx --csv features.csv.'
    );
  const others = info.inputs.filter((i) => i.name !== token.name && !stateInputs.includes(i.name));
  if (others.length)
    return (
      `"${file}" takes ${list(others)} besides its token input ${token.name}; the browser feeds only ` +
      `the token ids (and the recurrent state it carries). Give ${others.length > 1 ? 'those inputs' : 'that input'} ` +
      `a default value (an initializer), or ${COMMAND_LINE}.`
    );
  return null;
}
