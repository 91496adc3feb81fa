/**
 * Whether two recordings (or two streams of one) can be compared step by step: the same corpus
 * (by SHA-256), the same number of tokens, both complete, and the asked streams present. A
 * refusal says exactly what differs, naming the recordings, corpora and counts.
 */

export interface ComparedSide {
  /** the recording's name */
  name: string;
  corpusSha: string;
  /** the corpus's name in the library, when it is still there */
  corpusName: string | null;
  tokens: number;
  /** steps readable now (tokens once complete) */
  recorded: number;
  streams: string[];
}

export class CompareRefusal extends Error {
  override name = 'CompareRefusal';
  constructor(readonly differences: string[]) {
    super(`These cannot be compared: ${differences.join(' ')}`);
  }
}

const fmt = (n: number) => n.toLocaleString('en');
const corpusLabel = (s: ComparedSide) =>
  `${s.corpusName === null ? 'a corpus no longer in the library' : `"${s.corpusName}"`} (SHA-256 ${s.corpusSha.slice(0, 12)}…)`;

/** Throws CompareRefusal listing every difference that rules the comparison out. */
export function checkComparable(
  a: ComparedSide,
  b: ComparedSide,
  streamA: string,
  streamB: string
) {
  const out: string[] = [];
  if (a.corpusSha !== b.corpusSha)
    out.push(
      `The corpora differ: "${a.name}" was recorded on ${corpusLabel(a)} and "${b.name}" on ${corpusLabel(b)}; a comparison needs the same text on both sides.`
    );
  if (a.tokens !== b.tokens)
    out.push(
      `The token counts differ: "${a.name}" has ${fmt(a.tokens)} tokens and "${b.name}" ${fmt(b.tokens)} (${fmt(Math.abs(a.tokens - b.tokens))} ${a.tokens > b.tokens ? 'fewer' : 'more'}), so their steps do not line up.`
    );
  for (const s of [a, b])
    if (s.recorded < s.tokens)
      out.push(
        `"${s.name}" is still in progress (${fmt(s.recorded)} of ${fmt(s.tokens)} steps): finish it (Resume) first.`
      );
  for (const [s, stream] of [
    [a, streamA],
    [b, streamB]
  ] as const)
    if (!s.streams.includes(stream))
      out.push(`"${s.name}" has no stream ${stream}; it has ${s.streams.join(', ')}.`);
  if (out.length) throw new CompareRefusal(out);
}
