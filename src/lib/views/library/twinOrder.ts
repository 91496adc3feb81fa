/**
 * The library's recording list with each untrained twin right under its original. Pure code.
 */
import type { RecordingRow } from '../../store/db';

export interface ListedRecording {
  row: RecordingRow;
  /** Listed under its original (a twin whose original is gone stands on its own). */
  underOriginal: boolean;
}

/** Originals in the given order, each followed by its twins in seed order. */
export function twinOrder(rows: readonly RecordingRow[]): ListedRecording[] {
  const ids = new Set(rows.map((r) => r.id));
  const twins = new Map<number, RecordingRow[]>();
  for (const r of rows) {
    if (r.twinOf === undefined || !ids.has(r.twinOf)) continue;
    const list = twins.get(r.twinOf) ?? [];
    list.push(r);
    twins.set(r.twinOf, list);
  }
  const out: ListedRecording[] = [];
  for (const r of rows) {
    if (r.twinOf !== undefined && ids.has(r.twinOf)) continue;
    out.push({ row: r, underOriginal: false });
    const mine = (twins.get(r.id!) ?? []).sort((a, b) => (a.twinSeed ?? 0) - (b.twinSeed ?? 0));
    for (const t of mine) out.push({ row: t, underOriginal: true });
  }
  return out;
}

/** The seed a new twin of this recording is offered: the smallest from 1 that no twin uses. */
export function nextTwinSeed(rows: readonly RecordingRow[], recordingId: number): number {
  const used = new Set(rows.filter((r) => r.twinOf === recordingId).map((r) => r.twinSeed));
  let seed = 1;
  while (used.has(seed)) seed++;
  return seed;
}
