/**
 * Per-token annotation tracks (LSTMVis "meta" tracks): built-in ones computed from the corpus
 * text and each token's UTF-16 start offset, and user tracks read from CSV or JSON files.
 * Missing values are NaN. A token's text is [offsets[t], offsets[t + 1]) minus trailing
 * whitespace (word tokens start at a word and run to the next one).
 */
import { lastAtOrBefore } from '../bisect';

export interface Track {
  name: string;
  kind: 'numeric' | 'categorical';
  /** numbers, or indices into `categories` */
  values: Float32Array;
  categories?: string[];
}

export const CHAR_CLASSES = ['letter', 'digit', 'space', 'newline', 'punct', 'other'];

function classOf(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (cp === 10 || cp === 13 || cp === 0x2028 || cp === 0x2029) return 3;
  if (/\p{L}/u.test(ch)) return 0;
  if (/\p{Nd}/u.test(ch)) return 1;
  if (/\s/u.test(ch)) return 2;
  if (/[\p{P}\p{S}]/u.test(ch)) return 4;
  return 5;
}
const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, cp) => classOf(cp));

/** Class of each token's first character: letter, digit, space, newline, punct(uation/symbol), other. */
export function charClassTrack(text: string, offsets: Uint32Array): Track {
  const values = new Float32Array(offsets.length);
  for (let t = 0; t < offsets.length; t++) {
    const cp = text.codePointAt(offsets[t]);
    values[t] = cp === undefined ? NaN : cp < 128 ? ASCII_CLASS[cp] : classOf(cp);
  }
  return { name: 'character class', kind: 'categorical', values, categories: [...CHAR_CLASSES] };
}

/** 0-based column (in UTF-16 units) of each token's first character within its line. */
export function positionInLineTrack(text: string, offsets: Uint32Array): Track {
  const values = new Float32Array(offsets.length);
  let lineStart = 0;
  let scanned = 0; // newlines before `scanned` are accounted for in lineStart
  for (let t = 0; t < offsets.length; t++) {
    const o = offsets[t];
    if (o < scanned) lineStart = text.lastIndexOf('\n', o - 1) + 1;
    else
      for (let i = text.indexOf('\n', scanned); i >= 0 && i < o; i = text.indexOf('\n', i + 1))
        lineStart = i + 1;
    scanned = o;
    values[t] = o - lineStart;
  }
  return { name: 'position in line', kind: 'numeric', values };
}

/**
 * Bracket depth at each token: opening and closing brackets of a pair get the outer depth, what
 * is between them one more. A pair with the same open and close character (a quote) toggles.
 * Inside quotes, other brackets are ignored. A stray closer is ignored; one closing an outer
 * bracket also closes the unclosed inner ones.
 * With `docStarts` (token indices), the depth resets to 0 at each document.
 */
export function nestingDepthTrack(
  text: string,
  offsets: Uint32Array,
  pairs: [string, string][],
  docStarts: ArrayLike<number> = []
): Track {
  const role = new Map<string, { pair: number; open: boolean; close: boolean }>();
  pairs.forEach(([open, close], pair) => {
    if (open.length !== 1 || close.length !== 1)
      throw new Error(`Bracket pairs must be single characters, not "${open}" and "${close}".`);
    if (!role.has(open)) role.set(open, { pair, open: true, close: open === close });
    if (!role.has(close)) role.set(close, { pair, open: open === close, close: true });
  });
  const quote = pairs.map(([open, close]) => open === close);
  const stack: number[] = [];
  /** Applies a character (only if it closes, with closeOnly); true if it closed a bracket. */
  const apply = (ch: string, closeOnly: boolean): boolean => {
    const r = role.get(ch);
    const top = stack.length ? stack[stack.length - 1] : -1;
    if (top >= 0 && quote[top]) {
      // inside quotes only the closing quote counts (escapes are not understood)
      if (r?.pair !== top) return false;
      return (stack.pop(), true);
    }
    if (!r) return false;
    if (r.close && !r.open) {
      const at = stack.lastIndexOf(r.pair);
      if (at >= 0) stack.length = at;
      return at >= 0;
    }
    if (!closeOnly) stack.push(r.pair);
    return false;
  };
  const starts = new Set(Array.from(docStarts));
  const values = new Float32Array(offsets.length);
  let pos = 0;
  for (let t = 0; t < offsets.length; t++) {
    const o = offsets[t];
    for (; pos < o; pos++) apply(text[pos], false);
    if (starts.has(t)) stack.length = 0;
    if (o < text.length && apply(text[o], true)) pos = o + 1;
    values[t] = stack.length;
  }
  return {
    name: `nesting depth ${pairs.map((p) => p.join('')).join(' ')}`,
    kind: 'numeric',
    values
  };
}

/** End of token t's own text: the next token's start, minus trailing whitespace. */
function tokenEnd(text: string, offsets: Uint32Array, t: number, textLength: number): number {
  const start = offsets[t];
  let end = t + 1 < offsets.length ? offsets[t + 1] : textLength;
  const first = start + (text.codePointAt(start)! > 0xffff ? 2 : 1);
  while (end > first && /\s/.test(text[end - 1])) end--;
  return end;
}

/** 1 where a token's text overlaps a match of the regular expression, else 0. */
export function regexTrack(text: string, offsets: Uint32Array, pattern: string, flags = ''): Track {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags.includes('g') ? flags : `${flags}g`);
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '');
    throw new Error(`Invalid regular expression /${pattern}/${flags}: ${why}`, { cause: e });
  }
  const covered = new Uint8Array(text.length);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '')
      re.lastIndex++; // an empty match would never advance
    else covered.fill(1, m.index, m.index + m[0].length);
  }
  const values = new Float32Array(offsets.length);
  for (let t = 0; t < offsets.length; t++) {
    const end = tokenEnd(text, offsets, t, text.length);
    for (let c = offsets[t]; c < end && !values[t]; c++) values[t] = covered[c];
  }
  return { name: `/${pattern}/${flags}`, kind: 'numeric', values };
}

export class TrackFileError extends Error {
  override name = 'TrackFileError';
}

const fail = (message: string): never => {
  throw new TrackFileError(message);
};

const fmtInt = (n: number) => n.toLocaleString('en-US');

function lengthMismatch(values: number, tokens: number): string {
  const d = tokens - values;
  return `the track has ${fmtInt(values)} values but the recording has ${fmtInt(tokens)} tokens (${fmtInt(Math.abs(d))} ${d > 0 ? 'fewer' : 'more'})`;
}

type Cell = string | number | null;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const present = (c: Cell): c is string | number => c !== null && c !== '';
const numberLike = (c: string | number) =>
  typeof c === 'number' || Number.isFinite(Number(c)) || NON_FINITE.test(c);

/** Numeric if every present cell is a number (non-finite ones are an error), else categorical. */
function toTrack(name: string, cells: Cell[], where: (i: number) => string): Track {
  const values = new Float32Array(cells.length).fill(NaN);
  if (cells.every((c) => !present(c) || numberLike(c))) {
    cells.forEach((c, i) => {
      if (!present(c)) return;
      values[i] = Number(c);
      if (!Number.isFinite(values[i]))
        throw new TrackFileError(
          `${where(i)}: ${typeof c === 'string' ? `"${c}"` : c} is not a finite number.`
        );
    });
    return { name, kind: 'numeric', values };
  }
  const categories: string[] = [];
  const index = new Map<string, number>();
  cells.forEach((c, i) => {
    if (!present(c)) return;
    const key = String(c);
    if (!index.has(key)) index.set(key, categories.push(key) - 1);
    values[i] = index.get(key)!;
  });
  return { name, kind: 'categorical', values, categories };
}

/** Splits one CSV line; double quotes may wrap a cell ("" is a quote). No multi-line cells. */
function splitCsv(line: string, sep: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') cell += line[i++];
    else if (quoted && ch === '"') quoted = false;
    else if (!quoted && ch === '"' && cell.trim() === '') [quoted, cell] = [true, ''];
    else if (!quoted && ch === sep) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

interface Ctx {
  file: string;
  tokens: number;
  offsets: Uint32Array;
  textLength: number;
}

/**
 * Puts values given per character offset onto tokens: a token takes the value at its lowest
 * offset; tokens without one are missing, offsets before the first token are dropped.
 */
function byOffset<V>(
  ctx: Ctx,
  at: number[],
  cells: V[],
  where: (i: number) => string
): (V | null)[] {
  const out: (V | null)[] = new Array(ctx.tokens).fill(null);
  const best = new Float64Array(ctx.tokens).fill(Infinity);
  at.forEach((o, i) => {
    if (!Number.isInteger(o) || o < 0 || o >= ctx.textLength)
      fail(
        `${where(i)}: offset ${o} is not a character offset in 0…${fmtInt(ctx.textLength - 1)}.`
      );
    const t = lastAtOrBefore(ctx.offsets, o);
    if (t >= 0 && o < best[t]) [best[t], out[t]] = [o, cells[i]];
  });
  return out;
}

function parseJson(text: string, ctx: Ctx): Track[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(`${ctx.file} is not valid JSON: ${(e as Error).message}`);
  }
  const specs = Array.isArray(data) ? data : [data];
  if (!specs.length) fail(`${ctx.file} holds an empty list: no tracks.`);
  return specs.map((spec, k) => {
    const label = specs.length > 1 ? `${ctx.file}, track ${k + 1}` : ctx.file;
    const s = spec as Record<string, unknown>;
    if (!s || typeof s !== 'object' || !Array.isArray(s.values))
      fail(`${label}: expected {"name": ..., "values": [...]} (optionally with "offsets": [...]).`);
    const extra = Object.keys(s).filter((key) => !['name', 'values', 'offsets'].includes(key));
    if (extra.length)
      fail(
        `${label}: unknown key ${JSON.stringify(extra[0])}; expected name, values and optionally offsets.`
      );
    const name =
      typeof s.name === 'string' && s.name
        ? s.name
        : `${ctx.file.replace(/\.[^.]*$/, '')}${specs.length > 1 ? ` ${k + 1}` : ''}`;
    const values = s.values as (string | number | null)[];
    const where = (i: number) => `${label}, value ${i + 1}`;
    values.forEach((v, i) => {
      if (v === null)
        fail(
          `${where(i)} is null: non-finite numbers are not allowed (JSON writes NaN and Infinity as null).`
        );
    });
    if (s.offsets !== undefined) {
      if (!Array.isArray(s.offsets) || s.offsets.length !== values.length)
        fail(`${label}: "offsets" must be a list as long as "values" (${fmtInt(values.length)}).`);
      return toTrack(
        name,
        byOffset(ctx, s.offsets as number[], values, where),
        (i) => `${label}, token ${i}`
      );
    }
    if (values.length !== ctx.tokens)
      fail(`${label}: ${lengthMismatch(values.length, ctx.tokens)}.`);
    return toTrack(name, values, where);
  });
}

/** Header and rows of a track CSV, checked; `at` is each row's token index or char offset. */
function readCsv(text: string, file: string) {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ l, n: i + 1 }))
    .filter((x) => x.l.trim());
  if (!lines.length) fail(`${file} is empty.`);
  const sep = !lines[0].l.includes(',') && lines[0].l.includes('\t') ? '\t' : ',';
  const header = splitCsv(lines[0].l, sep);
  const lower = header.map((h) => h.toLowerCase());
  const tokenCol = lower.indexOf('token');
  const charCol = lower.findIndex((h) => h === 'char' || h === 'offset');
  const names = header.map((h) => `"${h}"`).join(', ');
  if (tokenCol < 0 && charCol < 0)
    fail(
      `${file}: the header needs a "token" column (token index) or a "char" or "offset" column (character offset); it has ${names}.`
    );
  if (tokenCol >= 0 && charCol >= 0)
    fail(`${file}: the header has both "token" and "${header[charCol]}"; keep one.`);
  const indexCol = tokenCol >= 0 ? tokenCol : charCol;
  header.forEach((h, c) => {
    if (!h) fail(`${file}: column ${c + 1} of the header has no name.`);
    if (header.indexOf(h) !== c) fail(`${file}: two columns are called "${h}".`);
  });
  if (header.length < 2) fail(`${file}: no value columns besides "${header[indexCol]}".`);
  const rows = lines.slice(1).map(({ l, n }) => {
    const cells = splitCsv(l, sep);
    if (cells.length !== header.length)
      fail(`${file}, line ${n}: ${cells.length} cells, but the header has ${header.length}.`);
    const at = Number(cells[indexCol]);
    if (cells[indexCol] === '' || !Number.isInteger(at) || at < 0)
      fail(
        `${file}, line ${n}: ${header[indexCol]} "${cells[indexCol]}" is not a whole number ≥ 0.`
      );
    return { cells, at, n };
  });
  const valueCols = header.map((_, c) => c).filter((c) => c !== indexCol);
  return { header, byToken: tokenCol >= 0, valueCols, rows };
}

function parseCsv(text: string, ctx: Ctx): Track[] {
  const { file, tokens } = ctx;
  const { header, byToken, valueCols, rows } = readCsv(text, file);
  const where = (c: number) => (i: number) => `${file}, line ${rows[i].n}, column "${header[c]}"`;
  if (!byToken) {
    const at = rows.map((r) => r.at);
    return valueCols.map((c) => {
      const cells = byOffset(
        ctx,
        at,
        rows.map((r) => r.cells[c]),
        where(c)
      );
      return toTrack(header[c], cells, (t) => `${file}, token ${t}, column "${header[c]}"`);
    });
  }
  if (rows.length !== tokens) fail(`${file}: ${lengthMismatch(rows.length, tokens)}.`);
  const order = new Array<number>(tokens).fill(-1); // row of each token
  rows.forEach((r, i) => {
    if (r.at >= tokens)
      fail(`${file}, line ${r.n}: token ${r.at} is past the last token (${tokens - 1}).`);
    if (order[r.at] >= 0) fail(`${file}, line ${r.n}: token ${r.at} appears twice.`);
    order[r.at] = i;
  });
  return valueCols.map((c) =>
    toTrack(
      header[c],
      order.map((i) => rows[i].cells[c]),
      (t) => where(c)(order[t])
    )
  );
}

/**
 * User tracks from a file: CSV (a header with a "token" or "char"/"offset" column, each other
 * column a track) or JSON ({name, values} aligned by token, {name, offsets, values} aligned by
 * character offset, or a list of them). Throws TrackFileError with a message for the user.
 */
export function parseTrackFile(
  text: string,
  fileName: string,
  tokens: number,
  offsets: Uint32Array,
  textLength: number
): Track[] {
  const ctx = { file: fileName, tokens, offsets, textLength };
  const json = /\.json$/i.test(fileName) || /^\s*[[{]/.test(text);
  return json ? parseJson(text, ctx) : parseCsv(text, ctx);
}
