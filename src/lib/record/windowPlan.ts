/**
 * How a fixed-length graph (onnx/fixedWindow.ts) is planned: its chunks hold whole windows of T
 * tokens, so that only a document's last window is ever padded; where the state is not carried,
 * each document runs in one window, at most T tokens, and a longer one is refused, naming it. Pure.
 */
import type { FixedWindow } from '../onnx/fixedWindow';

const fmt = (n: number) => n.toLocaleString('en');

/** Tokens per chunk: whole windows (carried), or one window per document (not carried). */
export function windowChunkSize(w: FixedWindow, asked: number): number {
  return w.carried ? w.steps * Math.max(1, Math.floor(asked / w.steps)) : w.steps;
}

/** The state inputs, as a message names them: "h0 and c0". */
const inputList = (w: FixedWindow) => {
  const names = w.stateInputs.map((s) => s.input);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
};

/** What the recording does with the fixed length, said to the user before it runs. */
export function windowNote(w: FixedWindow): string {
  const T = fmt(w.steps);
  if (w.carried)
    return (
      `The model's graph takes exactly ${T} tokens per run: each document is recorded in windows ` +
      `of ${T}, each starting from the state the one before ended in` +
      (w.stateInputs.length ? ` (fed to ${inputList(w)}).` : '.')
    );
  return (
    `The model's graph takes exactly ${T} tokens per run and builds its initial state inside, ` +
    `so its state cannot be carried from one run to the next: each document runs in one window, ` +
    `at most ${T} tokens.`
  );
}

/**
 * Refuse what windows cannot record exactly: a backward direction (it would read the padding), and
 * without a carried state a document longer than one window (named, from `names` if given).
 */
export function checkWindowDocuments(
  w: FixedWindow,
  starts: number[],
  tokens: number,
  o: { bidirectional?: boolean; names?: string[] } = {}
): void {
  const T = fmt(w.steps);
  if (o.bidirectional)
    throw new Error(
      `The model's graph takes exactly ${T} tokens per run and has a backward direction, which ` +
        `would read the padding after a document's end. Export it with a dynamic time axis ` +
        `(torch.onnx.export(..., dynamic_axes=...)) to record it.`
    );
  if (w.carried) return;
  starts.forEach((s, i) => {
    const n = (starts[i + 1] ?? tokens) - s;
    if (n <= w.steps) return;
    const name = o.names?.[i] ? ` ("${o.names[i]}")` : '';
    throw new Error(
      `Document ${i + 1}${name} has ${fmt(n)} tokens, but this model's graph takes exactly ${T} ` +
        `tokens per run and builds its initial state inside (no state inputs), so a document ` +
        `longer than ${T} tokens cannot be recorded exactly. Split the corpus into documents of ` +
        `at most ${T} tokens, or export the model with its initial state as inputs (h0, c0) or ` +
        `a dynamic time axis.`
    );
  });
}
