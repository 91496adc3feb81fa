/**
 * What tells two recordings of the same model and corpus apart, in a few words: when each was
 * made and which streams it holds. Pure code.
 */

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false
});

/** "1 Dec 2026, 16:07" (local time). */
export const recordedOn = (ms: number) => DATE.format(new Date(ms));

/** The kinds of state recorded, in order: "h, c" (short, for a title). */
export function kindsOf(streams: readonly { kind: string }[]): string {
  return [...new Set(streams.map((s) => s.kind))].join(', ');
}

/**
 * The streams as kinds and places: "h, c of L0.fwd, L1.fwd", and picked tensors by their stream
 * id ("+ tensor:/embed/Gather_output_0"), in the recording's order.
 */
export function streamsSummary(
  streams: readonly { id: string; kind: string; layer: number; dir: string }[]
): string {
  const states = streams.filter((s) => s.kind !== 'tensor');
  const kinds = [...new Set(states.map((s) => s.kind))];
  const places = [...new Set(states.map((s) => `L${s.layer}.${s.dir}`))];
  const parts = states.length ? [`${kinds.join(', ')} of ${places.join(', ')}`] : [];
  for (const s of streams) if (s.kind === 'tensor') parts.push(s.id);
  return parts.join(' + ') || 'no streams';
}
