/**
 * A small causal lexer for C-like code, one character at a time: after each character its
 * fields say what is known having read the text up to and including it (no lookahead). It feeds
 * the built-in code tracks (builtinTracks.ts drives it over the text and samples it at tokens).
 *
 * Semantics, per character (a code point; columns count code points):
 * - string / char literal: 1 from the opening `"` (`'`) through the last character before the
 *   closing one; the closing quote is 0. A backslash escapes the next character (so `\"` and an
 *   escaped newline stay inside). An unescaped newline ends an unterminated literal (C allows no
 *   raw newline in one) and is 0.
 * - comment: for a block comment the `/` is 0 (not yet known), the `*` is 1, and so on through
 *   the closing `*`; the closing `/` is 0 (a `/` right after the opening `*` does not close
 *   it). For a line comment the first `/` is 0, the second 1, and so on to the newline,
 *   which is 0, unless the line ends in a backslash (C line splicing): then the newline is 1 and
 *   the comment goes on. Quotes in comments open nothing, comment markers in literals open nothing.
 * - preprocessor: 1 from a `#` read as code with only blanks (space, tab, \f, \v) before it on
 *   its line, up to the newline that ends the directive, which is 0: the first newline read as
 *   code (not inside a block comment or an escaped one inside a literal) whose line does not end
 *   in a backslash (a `\r` before the newline is allowed).
 * - paren / brace / bracket depth: how many `(` / `{` / `[` read as code are open after the
 *   character: an opener counts at itself, a closer decrements at itself, never below 0. The
 *   three are counted separately (a `)` does not close a `{`).
 * - column: 0-based index of the character in its line; a newline gets the length of the line
 *   it ends.
 * - indentation: how many blanks (space, tab, \f, \v; a tab counts 1) start the current line,
 *   counting only characters read so far: it grows by one at each leading blank, then stays at
 *   the line's indentation for the rest of the line. A newline is 0: the new line has no
 *   indentation yet.
 */

export const C_FIELDS = [
  'c.string',
  'c.char',
  'c.comment',
  'c.preprocessor',
  'c.paren',
  'c.brace',
  'c.bracket',
  'c.column',
  'c.indent'
] as const;

/** Where the lexer is (plain numbers: the switch in step() is the hot path). */
const CODE = 0;
const STRING = 1;
const CHAR = 2;
const LINE_COMMENT = 3;
const BLOCK_COMMENT = 4;

const NL = 10;
const CR = 13;
const BACKSLASH = 92;
const SLASH = 47;
const STAR = 42;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;

/** Space, tab, vertical tab, form feed. */
const isBlank = (c: number) => c === 32 || c === 9 || c === 11 || c === 12;

export class CLexer {
  readonly fields = C_FIELDS;
  private mode: number = CODE;
  /** in a literal: the previous character was an unescaped backslash */
  private escape = false;
  /** in code: the previous character was a `/` that may open a comment */
  private slash = false;
  /** in a block comment: the previous character was a `*` that may close it */
  private star = false;
  /** the line so far ends in a backslash (possibly followed by `\r`) */
  private backslash = false;
  private onlyBlanks = true;
  private directive = false;
  private paren = 0;
  private brace = 0;
  private bracket = 0;
  private column = 0;
  private nextColumn = 0;
  private indent = 0;
  private inIndent = true;

  reset(): void {
    this.mode = CODE;
    this.escape = this.slash = this.star = this.backslash = this.directive = false;
    this.onlyBlanks = this.inIndent = true;
    this.paren = this.brace = this.bracket = 0;
    this.column = this.nextColumn = this.indent = 0;
  }

  /** Reads one character, given as its code point. */
  step(c: number): void {
    this.column = this.nextColumn;
    this.nextColumn = c === NL ? 0 : this.column + 1;
    if (c === NL) {
      this.indent = 0;
      this.inIndent = true;
    } else if (this.inIndent && isBlank(c)) this.indent++;
    else this.inIndent = false;

    switch (this.mode) {
      case CODE:
        this.code(c);
        break;
      case STRING:
      case CHAR:
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === (this.mode === STRING ? DQUOTE : SQUOTE) || c === NL) this.mode = CODE;
        break;
      case LINE_COMMENT:
        if (c === NL && !this.backslash) this.mode = CODE;
        break;
      case BLOCK_COMMENT:
        if (this.star && c === SLASH) this.mode = CODE;
        this.star = c === STAR;
        break;
    }
    if (c === NL && this.mode === CODE && !this.backslash) this.directive = false;
    this.onlyBlanks = c === NL || (this.onlyBlanks && isBlank(c));
    this.backslash = c === BACKSLASH || (c === CR && this.backslash);
  }

  private code(c: number): void {
    if (this.slash && (c === STAR || c === SLASH)) {
      this.slash = this.star = false;
      this.mode = c === STAR ? BLOCK_COMMENT : LINE_COMMENT;
      return;
    }
    this.slash = c === SLASH;
    switch (c) {
      case DQUOTE:
        this.mode = STRING;
        this.escape = false;
        break;
      case SQUOTE:
        this.mode = CHAR;
        this.escape = false;
        break;
      case HASH:
        if (this.onlyBlanks) this.directive = true;
        break;
      case 40: // (
        this.paren++;
        break;
      case 41: // )
        if (this.paren > 0) this.paren--;
        break;
      case 123: // {
        this.brace++;
        break;
      case 125: // }
        if (this.brace > 0) this.brace--;
        break;
      case 91: // [
        this.bracket++;
        break;
      case 93: // ]
        if (this.bracket > 0) this.bracket--;
        break;
    }
  }

  /** Writes the current values, in C_FIELDS order, at index k of each output array. */
  write(out: Float32Array[], k: number): void {
    const m = this.mode;
    out[0][k] = m === STRING ? 1 : 0;
    out[1][k] = m === CHAR ? 1 : 0;
    out[2][k] = m === LINE_COMMENT || m === BLOCK_COMMENT ? 1 : 0;
    out[3][k] = this.directive ? 1 : 0;
    out[4][k] = this.paren;
    out[5][k] = this.brace;
    out[6][k] = this.bracket;
    out[7][k] = this.column;
    out[8][k] = this.indent;
  }
}
