/**
 * Vocabulary files, for models without cellscope.tokenizer metadata: an LSTMVis `.dict`
 * (`token id` per line; a line starting with a space maps the space token), a JSON array, or one
 * token per line (id = line number).
 */
import { TokenizerError, type TokenizerSpec } from './tokenizer';

const UNK_NAMES = ['<unk>', '<UNK>', '[UNK]', 'UNK', '<oov>'];

function guessType(vocab: string[]): 'char' | 'word' {
  const real = vocab.filter((v) => v && !UNK_NAMES.includes(v));
  return real.every((v) => [...v].length === 1) ? 'char' : 'word';
}

function dictFile(lines: string[], name: string): string[] {
  const vocab: string[] = [];
  lines.forEach((line, n) => {
    const m = line.match(/^(.*) (-?\d+)$/);
    if (!m)
      throw new TokenizerError(
        `${name}, line ${n + 1}: expected "token id", got ${JSON.stringify(line)}.`
      );
    // LSTMVis writes the space token as a line that starts with a space: " 5".
    const token = m[1] === '' ? ' ' : m[1];
    const id = Number(m[2]);
    if (vocab[id] !== undefined && vocab[id] !== token) {
      throw new TokenizerError(`${name}, line ${n + 1}: id ${id} is given twice.`);
    }
    vocab[id] = token;
  });
  const holes = vocab.findIndex((v) => v === undefined);
  if (holes >= 0)
    throw new TokenizerError(
      `${name}: no token has id ${holes}; ids must run from 0 without gaps.`
    );
  return vocab;
}

/** Parse a vocabulary file into a tokenizer spec. `mode` overrides the char/word guess. */
export function parseVocabFile(text: string, name: string, mode?: 'char' | 'word'): TokenizerSpec {
  const trimmed = text.trim();
  if (!trimmed)
    throw new TokenizerError(`${name} is empty: a vocabulary needs at least one token.`);
  let vocab: string[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new TokenizerError(
        `${name} starts like a JSON array but is not valid JSON (${(e as Error).message}).`
      );
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
      throw new TokenizerError(`${name} must be a JSON array of strings.`);
    }
    vocab = parsed;
  } else {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    vocab = lines.every((l) => / -?\d+$/.test(l)) ? dictFile(lines, name) : lines;
  }
  const unk = vocab.find((v) => UNK_NAMES.includes(v)) ?? null;
  return { type: mode ?? guessType(vocab), vocab, unk };
}
