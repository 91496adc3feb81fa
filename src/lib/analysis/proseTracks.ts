/**
 * A causal reader of prose, one character (code point) at a time, for the built-in prose
 * tracks: after each character its fields say what is known having read the text so far.
 * builtinTracks.ts drives it over the text and samples it at tokens.
 *
 * Words are runs of letters, combining marks and digits (\p{L}\p{M}\p{N}); an apostrophe (' or
 * ’) right after one of those is read as part of the word (don't, dogs'), so a closing single
 * quote after a word counts as a word character too. A paragraph break (a newline after a
 * newline, with only blanks between) ends the sentence and closes open quotes and parentheses,
 * so one unmatched mark does not run through the rest of the text.
 *
 * Fields, per character:
 * - in quotes: 1 from an opening quote through the last character before the closing one, the
 *   closing quote 0. A straight " toggles; curly “ opens and ” closes (nesting counted); quotes
 *   of either kind inside the other keep it 1. Single quotes are not tracked (’ is also the
 *   apostrophe).
 * - in parentheses: 1 while a `(` is open (the `(` itself is 1, the `)` closing the outermost
 *   one is 0); a stray `)` is ignored.
 * - position in word: 0-based index of the character in its word; NaN on characters outside
 *   words (spaces, punctuation other than a word's apostrophe, symbols).
 * - position in sentence: on a word character, the 0-based index of its word in the sentence;
 *   on other characters, how many words the sentence has so far (the index the next word will
 *   get). A sentence ends at whitespace after . ! or ? (closing quotes or brackets may come
 *   between: `."` then a space), so that whitespace is already 0. Abbreviations (Mr. Smith)
 *   end sentences too.
 * - capitalised word: 1 on the characters of a word whose first character is an uppercase or
 *   titlecase letter, else 0.
 * - punctuation: 1 on punctuation characters (\p{P}, including an apostrophe in a word), else 0.
 */

export const PROSE_FIELDS = [
  'prose.quotes',
  'prose.parens',
  'prose.wordpos',
  'prose.sentencepos',
  'prose.capitalised',
  'prose.punct'
] as const;

const WORD = 1;
const UPPER = 2;
const PUNCT = 4;
const SPACE = 8;
/** `.`, `!`, `?` */
const TERMINAL = 16;
/** closing quotes and brackets that may sit between a sentence's terminal mark and the space */
const CLOSER = 32;
const APOSTROPHE = 64;

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let k = 0;
  if (/[\p{L}\p{M}\p{N}]/u.test(ch)) k |= WORD;
  if (/[\p{Lu}\p{Lt}]/u.test(ch)) k |= UPPER;
  if (/\p{P}/u.test(ch)) k |= PUNCT;
  if (/\s/u.test(ch)) k |= SPACE;
  if ('.!?'.includes(ch)) k |= TERMINAL;
  if (`"'”’)]`.includes(ch)) k |= CLOSER;
  if (ch === "'" || ch === '’') k |= APOSTROPHE;
  return k;
}
const ASCII = Uint8Array.from({ length: 128 }, (_, cp) => classify(cp));
const cache = new Map<number, number>();
function classOf(cp: number): number {
  if (cp < 128) return ASCII[cp];
  let k = cache.get(cp);
  if (k === undefined) cache.set(cp, (k = classify(cp)));
  return k;
}

const NL = 10;

export class ProseLexer {
  readonly fields = PROSE_FIELDS;
  private straight = false;
  private curly = 0;
  private parens = 0;
  /** index of the current character in its word, -1 outside words */
  private wordPos = -1;
  private capitalised = false;
  /** the previous character was a word character other than an apostrophe */
  private afterLetter = false;
  private sentenceWords = 0;
  /** a terminal mark (then maybe closers) was read: whitespace now ends the sentence */
  private ending = false;
  /** newlines since the last non-blank character */
  private newlines = 0;
  private punct = false;

  reset(): void {
    this.straight = this.capitalised = this.afterLetter = this.ending = this.punct = false;
    this.curly = this.parens = this.sentenceWords = this.newlines = 0;
    this.wordPos = -1;
  }

  /** Reads one character, given as its code point. */
  step(c: number): void {
    const k = classOf(c);
    const inWord = (k & WORD) !== 0 || ((k & APOSTROPHE) !== 0 && this.afterLetter);
    if (!inWord) this.wordPos = -1;
    else if (this.wordPos >= 0) this.wordPos++;
    else {
      this.wordPos = 0;
      this.capitalised = (k & UPPER) !== 0;
      this.sentenceWords++;
    }
    this.afterLetter = (k & WORD) !== 0;
    this.punct = (k & PUNCT) !== 0;

    if (c === 34) this.straight = !this.straight;
    else if (c === 0x201c) this.curly++;
    else if (c === 0x201d && this.curly > 0) this.curly--;
    else if (c === 40) this.parens++;
    else if (c === 41 && this.parens > 0) this.parens--;

    if (k & SPACE && this.ending) this.sentenceWords = 0;
    if (k & TERMINAL) this.ending = true;
    else if (!(k & CLOSER)) this.ending = false;

    if (c === NL) this.newlines++;
    else if (!(k & SPACE)) this.newlines = 0;
    if (this.newlines >= 2) {
      this.straight = false;
      this.curly = this.parens = this.sentenceWords = 0;
    }
  }

  /** Writes the current values, in PROSE_FIELDS order, at index k of each output array. */
  write(out: Float32Array[], k: number): void {
    const inWord = this.wordPos >= 0;
    out[0][k] = this.straight || this.curly > 0 ? 1 : 0;
    out[1][k] = this.parens > 0 ? 1 : 0;
    out[2][k] = inWord ? this.wordPos : NaN;
    out[3][k] = inWord ? this.sentenceWords - 1 : this.sentenceWords;
    out[4][k] = inWord && this.capitalised ? 1 : 0;
    out[5][k] = this.punct ? 1 : 0;
  }
}
