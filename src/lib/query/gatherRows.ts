/**
 * The rows of a stream at chosen steps, read chunk by chunk through the reader (all units of a
 * step): what the comparison of two streams reads. Steps ascending; out [steps, units].
 */
import { lastAtOrBefore } from '../bisect';
import type { RecordingReader } from '../store/reader';

export async function gatherRows(
  reader: RecordingReader,
  stream: string,
  steps: Uint32Array,
  onRows?: (done: number) => void
): Promise<Float32Array> {
  const units = reader.units(stream);
  const out = new Float32Array(steps.length * units);
  const starts = reader.recording.chunkStarts;
  let i = 0;
  while (i < steps.length) {
    // the chunk holding steps[i], and every later step in it
    const c = Math.max(0, lastAtOrBefore(starts, steps[i]));
    const end = c + 1 < starts.length ? starts[c + 1] : reader.recording.tokens;
    let j = i;
    while (j < steps.length && steps[j] < end) j++;
    const t0 = steps[i];
    const window = await reader.window(stream, t0, steps[j - 1] + 1);
    for (let k = i; k < j; k++)
      out.set(window.subarray((steps[k] - t0) * units, (steps[k] - t0 + 1) * units), k * units);
    i = j;
    onRows?.(i);
  }
  return out;
}

/** Rows at steps in any order: read ascending, handed back in the order asked. */
export async function gatherRowsAt(
  reader: RecordingReader,
  stream: string,
  steps: Uint32Array,
  onRows?: (done: number) => void
): Promise<Float32Array> {
  const order = Int32Array.from(steps.keys()).sort((x, y) => steps[x] - steps[y]);
  const sorted = Uint32Array.from(order, (k) => steps[k]);
  const rows = await gatherRows(reader, stream, sorted, onRows);
  const units = reader.units(stream);
  const out = new Float32Array(rows.length);
  order.forEach((k, i) => out.set(rows.subarray(i * units, (i + 1) * units), k * units));
  return out;
}
