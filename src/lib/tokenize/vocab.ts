/**
 * Vocabulary files, for models without cellscope.tokenizer metadata: an LSTMVis `.dict`
 * (`token id` per line; a line starting with a space maps the space token), a JSON array, or one
 * token per line (id = line number - 1). UTF-8 only.
 *
 * Refused, with the line: a token given twice (two ids for one token), an id given twice, an id
 * that is not a whole number, gaps in the ids, and tokens no tokenizer can produce (whitespace
 * inside a token longer than one character). Allowed: ids from 1 instead of 0 (LSTMVis writes
 * them so; id 0 is then an id no text maps to), and empty tokens ("" in JSON, an empty line) as
 * placeholders for such ids (padding).
 */
import { decodeUtf8Text } from './textBytes';
import { TokenizerError, type TokenizerSpec } from './tokenizer';

const UNK_NAMES = ['<unk>', '<UNK>', '[UNK]', 'UNK', '<oov>'];

/** A .dict line: the token, one space, the id. */
const DICT_LINE = /^(.*) (\S+)$/;
/** How a .dict line looks even when its id is wrong (negative, a fraction). */
const DICT_LIKE = /^.* [-+]?[\d.]+$/;

function guessType(vocab: string[]): 'char' | 'word' {
  const real = vocab.filter((v) => v && !UNK_NAMES.includes(v));
  return real.every((v) => [...v].length === 1) ? 'char' : 'word';
}

interface Entry {
  token: string;
  /** Where it is in the file, for messages: "line 4", "entry 3". */
  at: string;
}

/** Refuse a token no tokenizer can produce: whitespace in a token longer than one character. */
function checkToken(e: Entry, name: string): void {
  if ([...e.token].length > 1 && /\s/.test(e.token)) {
    throw new TokenizerError(
      `"${name}", ${e.at}: the token ${JSON.stringify(e.token)} contains whitespace, so no text ` +
        'maps to it (word tokens are split at whitespace, char tokens are one character). ' +
        'Give one token per line, or an LSTMVis .dict ("token id" per line).'
    );
  }
}

/** Refuse a token that appears twice (empty placeholders aside). `vocab[id]` is the token. */
function checkRepeats(vocab: string[], at: (id: number) => Entry['at'], name: string): void {
  const first = new Map<string, number>();
  vocab.forEach((token, id) => {
    if (token === '') return;
    const before = first.get(token);
    if (before === undefined) {
      first.set(token, id);
      return;
    }
    throw new TokenizerError(
      `"${name}": the token ${JSON.stringify(token)} appears twice (${at(before)} and ${at(id)}), ` +
        'so text could only ever map to one of its ids. Give each token once.'
    );
  });
}

function dictFile(lines: string[], name: string): string[] {
  const byId = new Map<number, { token: string; line: number }>();
  const byToken = new Map<string, { id: number; line: number }>();
  lines.forEach((line, n) => {
    const at = `line ${n + 1}`;
    const m = line.match(DICT_LINE);
    if (!m) {
      throw new TokenizerError(
        `"${name}", ${at}: expected "token id" (an LSTMVis .dict line), got ${JSON.stringify(line)}.`
      );
    }
    // LSTMVis writes the space token as a line that starts with a space: " 5".
    const token = m[1] === '' ? ' ' : m[1];
    if (!/^\d+$/.test(m[2]) || !Number.isSafeInteger(Number(m[2]))) {
      throw new TokenizerError(
        `"${name}", ${at}: the id ${JSON.stringify(m[2])} of ${JSON.stringify(token)} is not a ` +
          'whole number ≥ 0. Each line of a .dict is "token id", with ids 0, 1, 2, … (or from 1).'
      );
    }
    const id = Number(m[2]);
    checkToken({ token, at }, name);
    const sameId = byId.get(id);
    if (sameId) {
      throw new TokenizerError(
        sameId.token === token
          ? `"${name}", lines ${sameId.line} and ${n + 1}: "${token} ${id}" is given twice. Give each token once.`
          : `"${name}", lines ${sameId.line} and ${n + 1}: id ${id} is given to ${JSON.stringify(sameId.token)} ` +
              `and to ${JSON.stringify(token)}. Give each id one token.`
      );
    }
    const sameToken = byToken.get(token);
    if (sameToken) {
      throw new TokenizerError(
        `"${name}", lines ${sameToken.line} and ${n + 1}: the token ${JSON.stringify(token)} has two ids ` +
          `(${sameToken.id} and ${id}), so text could only ever map to one of them. Give each token one id.`
      );
    }
    byId.set(id, { token, line: n + 1 });
    byToken.set(token, { id, line: n + 1 });
  });
  const ids = [...byId.keys()].sort((a, b) => a - b);
  // Ids from 0, or from 1 as LSTMVis writes them, without gaps.
  const start = ids[0] === 0 ? 0 : 1;
  if (ids[0] > 1) {
    throw new TokenizerError(
      `"${name}": the smallest id is ${ids[0]}. Ids must start at 0 (or 1, as LSTMVis writes them) ` +
        'and run without gaps.'
    );
  }
  const gap = ids.findIndex((id, i) => id !== start + i);
  if (gap >= 0) {
    throw new TokenizerError(
      `"${name}": no token has id ${start + gap}, though the ids run up to ${ids[ids.length - 1]}. ` +
        'Ids must run without gaps.'
    );
  }
  const vocab = start === 1 ? [''] : [];
  for (const id of ids) vocab.push(byId.get(id)!.token);
  return vocab;
}

function lineFile(lines: string[], name: string): string[] {
  lines.forEach((token, n) => checkToken({ token, at: `line ${n + 1}` }, name));
  checkRepeats(lines, (id) => `line ${id + 1}`, name);
  return lines;
}

function jsonArray(trimmed: string, name: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    throw new TokenizerError(
      `"${name}" starts like a JSON array but is not valid JSON (${(e as Error).message}).`
    );
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
    throw new TokenizerError(`"${name}" must be a JSON array of strings (the tokens in id order).`);
  }
  parsed.forEach((token, id) => checkToken({ token, at: `entry ${id} (id ${id})` }, name));
  checkRepeats(parsed, (id) => `id ${id}`, name);
  return parsed;
}

/** Decode vocabulary bytes (UTF-8 only) and parse them; see parseVocabFile. */
export function readVocabFile(
  bytes: Uint8Array,
  name: string,
  mode?: 'char' | 'word'
): TokenizerSpec {
  const decoded = decodeUtf8Text(bytes, name);
  if ('problem' in decoded) throw new TokenizerError(decoded.problem);
  return parseVocabFile(decoded.text, name, mode);
}

/** Parse a vocabulary file into a tokenizer spec. `mode` overrides the char/word guess. */
export function parseVocabFile(text: string, name: string, mode?: 'char' | 'word'): TokenizerSpec {
  const trimmed = text.trim();
  if (!trimmed)
    throw new TokenizerError(`"${name}" is empty: a vocabulary needs at least one token.`);
  let vocab: string[];
  if (trimmed.startsWith('[')) {
    vocab = jsonArray(trimmed, name);
  } else if (trimmed.startsWith('{')) {
    throw new TokenizerError(
      `"${name}" looks like a JSON object. Give the vocabulary as a JSON array of tokens in id ` +
        'order, an LSTMVis .dict ("token id" per line), or one token per line.'
    );
  } else {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    const dictLike = lines.filter((l) => DICT_LIKE.test(l)).length;
    // Read as a .dict when at least half the lines end in a space and a number: no token a
    // tokenizer produces holds a space, so such lines cannot be one token each.
    vocab = dictLike * 2 >= lines.length ? dictFile(lines, name) : lineFile(lines, name);
  }
  if (vocab.every((v) => v === '')) {
    throw new TokenizerError(`"${name}" holds no tokens: a vocabulary needs at least one.`);
  }
  const unk = vocab.find((v) => UNK_NAMES.includes(v)) ?? null;
  return { type: mode ?? guessType(vocab), vocab, unk };
}
