/**
 * What a recording can be compared with, from the library: itself (two of its streams, when it
 * has more than one) and the complete recordings on the same corpus with as many tokens, its
 * untrained twin first. Pure code.
 */
import type { RecordingRow } from '../../store/db';

export interface CompareTarget {
  id: number;
  label: string;
}

export function compareTargets(rows: readonly RecordingRow[], rec: RecordingRow): CompareTarget[] {
  const out: CompareTarget[] = [];
  if (rec.streams.length > 1) out.push({ id: rec.id!, label: 'itself (two of its streams)' });
  const others = rows.filter(
    (r) =>
      r.id !== rec.id &&
      r.status === 'complete' &&
      r.corpusSha === rec.corpusSha &&
      r.tokens === rec.tokens
  );
  const twinFirst = (r: RecordingRow) => (r.twinOf === rec.id || rec.twinOf === r.id ? 0 : 1);
  others.sort((x, y) => twinFirst(x) - twinFirst(y) || y.createdAt - x.createdAt);
  for (const r of others) out.push({ id: r.id!, label: r.name });
  return out;
}
