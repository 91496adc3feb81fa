/**
 * Between LSTMVis's word sequence (ids and a dict of tokens without whitespace) and cellscope's
 * corpus (a text, and each token's start offset in it).
 *
 * Import: a char-level project (every token one character, or a `<special>`, or one of the
 * escapes below) is joined as it is, so the text is the original one; a word-level project is
 * joined with single spaces. Export: a token's text loses its trailing whitespace (cellscope's
 * word tokens run to the next word), and whitespace a .dict cannot hold is escaped.
 */

/** Escapes for whitespace characters a .dict line cannot hold (the space has its own line form). */
const ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
const UNESCAPES = new Map(Object.entries(ESCAPES).map(([k, v]) => [v, k]));

const isSpecial = (t: string) => /^<[^<>\s]+>$/.test(t);

/** Whether a dict's tokens are characters (joined without separator), not words. */
export function isCharLevel(tokens: Iterable<string>): boolean {
  let any = false;
  for (const t of tokens) {
    if ([...t].length !== 1 && !isSpecial(t) && !UNESCAPES.has(t)) return false;
    any ||= [...t].length === 1;
  }
  return any;
}

/**
 * The corpus of a word sequence: its text and each token's start offset. Char-level tokens are
 * joined as they are (the escapes turned back into the characters they stand for), words with a
 * space between.
 */
export function sequenceText(
  ids: Int32Array,
  dict: ReadonlyMap<number, string>,
  charLevel: boolean
): { text: string; offsets: Uint32Array } {
  const offsets = new Uint32Array(ids.length);
  const parts: string[] = [];
  let at = 0;
  for (let t = 0; t < ids.length; t++) {
    const token = dict.get(ids[t])!;
    const shown = charLevel ? (UNESCAPES.get(token) ?? token) : token;
    const part = charLevel || t === ids.length - 1 ? shown : `${shown} `;
    offsets[t] = at;
    parts.push(part);
    at += part.length;
  }
  return { text: parts.join(''), offsets };
}

/**
 * A token as a .dict line can hold it: the space stays (LSTMVis's " id" line), newline, tab and
 * carriage return become \n \t \r, any other whitespace \u{…}; an empty token becomes <empty>.
 */
export function dictToken(token: string): string {
  if (token === ' ') return ' ';
  if (token === '') return '<empty>';
  if (ESCAPES[token]) return ESCAPES[token];
  return token.replace(
    /\s/gu,
    (c) => ESCAPES[c] ?? `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`
  );
}

/**
 * Token t's own text in a corpus: from its offset to the next token's, without trailing
 * whitespace unless it is nothing but whitespace (a space or newline token of a char model).
 */
export function tokenAt(text: string, offsets: ArrayLike<number>, t: number): string {
  const end = t + 1 < offsets.length ? offsets[t + 1] : text.length;
  const raw = text.slice(offsets[t], end);
  const trimmed = raw.trimEnd();
  return trimmed || raw;
}
