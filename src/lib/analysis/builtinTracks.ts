/**
 * Built-in tracks for common patterns (issue 12 §2), so they need no regular expression: C-like
 * code (cLexer.ts) and prose (proseTracks.ts). Each family reads the corpus text once, character
 * by character, causally; a token takes the value after reading its own last character (its text
 * is [offsets[t], offsets[t + 1]) minus trailing whitespace, as in tracks.ts). All reader state
 * resets at each document start.
 */
import { C_FIELDS, CLexer } from './cLexer';
import { PROSE_FIELDS, ProseLexer } from './proseTracks';
import type { Track } from './tracks';

export interface BuiltinTrackInfo {
  id: string;
  name: string;
  family: 'code' | 'prose';
  kind: 'binary' | 'numeric';
  /** a nesting depth: the ranker also scores depth > k for each level k */
  depthLike: boolean;
  description: string;
}

const info = (
  id: string,
  name: string,
  kind: BuiltinTrackInfo['kind'],
  description: string,
  depthLike = false
): BuiltinTrackInfo => ({
  id,
  name,
  family: id.startsWith('c.') ? 'code' : 'prose',
  kind,
  depthLike,
  description
});

export const BUILTIN_TRACKS: BuiltinTrackInfo[] = [
  info(
    'c.string',
    'in string',
    'binary',
    'Inside a "…" literal: from the opening quote up to the closing one (backslash escapes).'
  ),
  info(
    'c.char',
    'in char literal',
    'binary',
    "Inside a '…' literal: from the opening quote up to the closing one (backslash escapes)."
  ),
  info(
    'c.comment',
    'in comment',
    'binary',
    'Inside a /* */ or // comment, from the * or second / on; the closing / and the ending newline are 0.'
  ),
  info(
    'c.preprocessor',
    'preprocessor line',
    'binary',
    'On a # directive line (with backslash continuations), from the #; the ending newline is 0.'
  ),
  info(
    'c.paren',
    'paren depth',
    'numeric',
    'Open ( outside strings, char literals and comments; an opener counts at itself, a closer already decrements.',
    true
  ),
  info(
    'c.brace',
    'brace depth',
    'numeric',
    'Open { outside strings, char literals and comments; an opener counts at itself, a closer already decrements.',
    true
  ),
  info(
    'c.bracket',
    'bracket depth',
    'numeric',
    'Open [ outside strings, char literals and comments; an opener counts at itself, a closer already decrements.',
    true
  ),
  info(
    'c.column',
    'column',
    'numeric',
    '0-based index of the character in its line; a newline gets the length of the line it ends.'
  ),
  info(
    'c.indent',
    'indentation',
    'numeric',
    'Leading blanks of the current line read so far (grows through the indentation, then stays); 0 at a newline.'
  ),
  info(
    'prose.quotes',
    'in quotes',
    'binary',
    'Inside "…" or “…”, from the opening quote up to the closing one; reset at a paragraph break.'
  ),
  info(
    'prose.parens',
    'in parentheses',
    'binary',
    'Inside (…), from the ( up to the closing ); reset at a paragraph break.'
  ),
  info(
    'prose.wordpos',
    'position in word',
    'numeric',
    '0-based index of the character in its word (letters, digits, an apostrophe after a letter); missing outside words.'
  ),
  info(
    'prose.sentencepos',
    'position in sentence',
    'numeric',
    "Index of the word in its sentence (between words: the next word's); a sentence ends at whitespace after . ! ?"
  ),
  info(
    'prose.capitalised',
    'capitalised word',
    'binary',
    'On the characters of a word that starts with an uppercase letter.'
  ),
  info('prose.punct', 'punctuation', 'binary', 'On punctuation characters (Unicode category P).')
];

interface CharReader {
  readonly fields: readonly string[];
  reset(): void;
  step(codePoint: number): void;
  write(out: Float32Array[], k: number): void;
}

const isLowSurrogate = (u: number) => u >= 0xdc00 && u <= 0xdfff;
const isHighSurrogate = (u: number) => u >= 0xd800 && u <= 0xdbff;

/**
 * Runs a reader over text once and samples it: values[f][k] is field f after reading the
 * character at UTF-16 index at[k] (ascending; NaN when past the text). The low half of a
 * surrogate pair repeats its character's values. The reader resets before each index in
 * `resets` (ascending).
 */
export function sampleReader(
  reader: CharReader,
  text: string,
  at: ArrayLike<number>,
  resets: ArrayLike<number> = []
): Float32Array[] {
  const out = reader.fields.map(() => new Float32Array(at.length));
  reader.reset();
  let k = 0;
  let r = 0;
  const end = at.length ? Math.min(text.length, at[at.length - 1] + 1) : 0;
  for (let i = 0; i < end; i++) {
    let reset = false;
    for (; r < resets.length && resets[r] <= i; r++) reset ||= resets[r] === i;
    if (reset) reader.reset();
    const u = text.charCodeAt(i);
    if (reset || !isLowSurrogate(u) || i === 0 || !isHighSurrogate(text.charCodeAt(i - 1)))
      reader.step(isHighSurrogate(u) ? text.codePointAt(i)! : u);
    for (; k < at.length && at[k] === i; k++) reader.write(out, k);
    if (k < at.length && at[k] < i)
      throw new Error(`Built-in tracks need ascending token offsets; token ${k} is out of order.`);
  }
  for (const values of out) values.fill(NaN, k); // samples past the end of the text
  return out;
}

/** Index of the last UTF-16 unit of each token's own text (trailing whitespace excluded). */
function lastCharOfTokens(text: string, offsets: Uint32Array): Uint32Array {
  const last = new Uint32Array(offsets.length);
  for (let t = 0; t < offsets.length; t++) {
    const start = offsets[t];
    if (t > 0 && start <= offsets[t - 1])
      throw new Error(`Built-in tracks need ascending token offsets; token ${t} is out of order.`);
    let end = t + 1 < offsets.length ? offsets[t + 1] : text.length;
    const first = start + (isHighSurrogate(text.charCodeAt(start)) ? 2 : 1);
    while (end > first && /\s/.test(text[end - 1])) end--;
    last[t] = Math.max(start, end - 1);
  }
  return last;
}

const FAMILIES = {
  code: { fields: C_FIELDS as readonly string[], reader: () => new CLexer() },
  prose: { fields: PROSE_FIELDS as readonly string[], reader: () => new ProseLexer() }
};

/**
 * Built-in tracks for tokens with the given UTF-16 start offsets: all of BUILTIN_TRACKS, or
 * only `ids` (in BUILTIN_TRACKS order). `docStarts` are the token indices where documents start.
 */
export function builtinTracks(
  text: string,
  offsets: Uint32Array,
  opts: { docStarts?: ArrayLike<number>; ids?: string[] } = {}
): Map<string, Track> {
  const wanted = new Set(opts.ids ?? BUILTIN_TRACKS.map((b) => b.id));
  for (const id of wanted)
    if (!BUILTIN_TRACKS.some((b) => b.id === id))
      throw new Error(
        `Unknown built-in track "${id}"; known ones are ${BUILTIN_TRACKS.map((b) => b.id).join(', ')}.`
      );
  const at = lastCharOfTokens(text, offsets);
  const resets = Float64Array.from(opts.docStarts ?? [], (t) => offsets[t] ?? text.length).sort();
  const values = new Map<string, Float32Array>();
  for (const family of Object.values(FAMILIES)) {
    if (!family.fields.some((id) => wanted.has(id))) continue;
    const out = sampleReader(family.reader(), text, at, resets);
    family.fields.forEach((id, f) => values.set(id, out[f]));
  }
  const tracks = new Map<string, Track>();
  for (const b of BUILTIN_TRACKS)
    if (wanted.has(b.id))
      tracks.set(b.id, { name: b.name, kind: 'numeric', values: values.get(b.id)! });
  return tracks;
}

const CODE_MARKS = new Set([...';{}#/*'].map((c) => c.charCodeAt(0)));

/**
 * Code or prose, from the first 100,000 characters: C-like code has many of ; { } # / * per
 * letter (C and JavaScript sources 0.04–0.09, English prose and Markdown under 0.025).
 */
export function suggestFamily(text: string): 'code' | 'prose' {
  let marks = 0;
  let letters = 0;
  const n = Math.min(text.length, 100_000);
  for (let i = 0; i < n; i++) {
    const u = text.charCodeAt(i);
    if (CODE_MARKS.has(u)) marks++;
    else if ((u | 32) >= 97 && (u | 32) <= 122) letters++;
    else if (u >= 128 && /\p{L}/u.test(text[i])) letters++;
  }
  return marks > 0.035 * Math.max(letters, 1) ? 'code' : 'prose';
}
