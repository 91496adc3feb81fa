/**
 * A re-run window's results, gathered from its runs: a window may span several documents (each a
 * segment of runs) and each segment several chunks. Rows of a per-step quantity over [a, b), and
 * the change in the LM head's predictions between the original and the intervened runs.
 */
import { interventionEffect, type InterventionEffect } from '../analysis/interventionEffect';
import type { CarriedState, StepResult } from '../record/step';
import type { RecordingReader } from '../store/reader';

/** One document's part of a window: where it starts, the state before it, its original runs. */
export interface Segment {
  start: number;
  length: number;
  /** the state before the segment (null: a document start) */
  state: CarriedState | null;
  original: StepResult[];
}

/** Rows [a, b) of a per-step quantity gathered over the segments' chunks (null: one lacks it). */
export function gatherRows(
  segments: Segment[],
  runs: StepResult[][],
  a: number,
  b: number,
  width: number,
  pick: (s: StepResult) => Float32Array | undefined
): Float32Array | null {
  const out = new Float32Array((b - a) * width);
  for (const [i, seg] of segments.entries()) {
    let at = seg.start;
    for (const step of runs[i]) {
      const rows = step.lengths[0];
      const data = pick(step);
      if (!data) return null;
      const from = Math.max(a, at);
      const to = Math.min(b, at + rows);
      if (to > from)
        out.set(data.subarray((from - at) * width, (to - at) * width), (from - a) * width);
      at += rows;
    }
  }
  return out;
}

/** Δloss, KL and top-k before and after over [a, b), from the `logits` output; null without one. */
export async function windowEffect(
  reader: RecordingReader,
  logits: string | null,
  segments: Segment[],
  runs: StepResult[][],
  [a, b]: [number, number]
): Promise<InterventionEffect | null> {
  if (!logits) return null;
  const first = segments[0].original[0].outputs[logits];
  const vocab = Number(first?.dims[first.dims.length - 1]);
  if (!first || !Number.isFinite(vocab)) return null;
  const out = (s: StepResult) => s.outputs[logits]?.data as Float32Array | undefined;
  const originals = segments.map((s) => s.original);
  const before = gatherRows(segments, originals, a, b, vocab, out);
  const after = gatherRows(segments, runs, a, b, vocab, out);
  if (!before || !after) return null;
  // The actual next token of each step; none at a document's end.
  const ids = (await reader.tokens(a, Math.min(b + 1, reader.length))).ids;
  const docStarts = new Set(reader.recording.documents.map((d) => d.start));
  const next = new Int32Array(b - a);
  for (let t = a; t < b; t++)
    next[t - a] = t + 1 < reader.length && !docStarts.has(t + 1) ? ids[t + 1 - a] : -1;
  return interventionEffect(before, after, b - a, vocab, next);
}
