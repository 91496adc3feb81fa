/**
 * LSTMVis `.dict` files: one `token id` pair per line, split on whitespace; a line that starts
 * with a space and holds one field maps the space character; LSTMVis drops every other line. The
 * TensorFlow state reader writes `token, id`: when every pair's token ends in a comma, the comma
 * is dropped. Unlike LSTMVis (which keeps the last), an id given twice is refused: the word
 * sequence would silently show the wrong token.
 */
import { LstmvisError } from './config';

export interface ParsedDict {
  /** id → token */
  tokens: Map<number, string>;
  warnings: string[];
}

export function parseDict(text: string, file: string): ParsedDict {
  const pairs: { token: string; id: string; line: number }[] = [];
  const dropped: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const fields = line.split(/\s+/).filter(Boolean);
    if (fields.length === 2) pairs.push({ token: fields[0], id: fields[1], line: i + 1 });
    else if (fields.length === 1 && line[0] === ' ')
      pairs.push({ token: ' ', id: fields[0], line: i + 1 });
    else if (line.trim()) dropped.push(i + 1);
  });
  const commas = pairs.length > 0 && pairs.every((p) => p.token === ' ' || /.,$/.test(p.token));
  const tokens = new Map<number, string>();
  const lineOf = new Map<number, number>();
  for (const p of pairs) {
    if (!/^[-+]?\d+$/.test(p.id) || !Number.isSafeInteger(Number(p.id)))
      throw new LstmvisError(
        `${file}, line ${p.line}: the id "${p.id}" of "${p.token}" is not a whole number (each line is "token id").`
      );
    const id = Number(p.id);
    const token = commas && p.token !== ' ' ? p.token.slice(0, -1) : p.token;
    const before = tokens.get(id);
    if (before !== undefined)
      throw new LstmvisError(
        `${file}, lines ${lineOf.get(id)} and ${p.line}: id ${id} is given to ${JSON.stringify(before)} and to ${JSON.stringify(token)}. Give each id one token (LSTMVis would silently keep the last).`
      );
    tokens.set(id, token);
    lineOf.set(id, p.line);
  }
  if (!tokens.size)
    throw new LstmvisError(`${file} holds no "token id" lines: it is not an LSTMVis dictionary.`);
  const warnings = dropped.length
    ? [
        `${file}: ${dropped.length === 1 ? 'line' : 'lines'} ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? '…' : ''} ${dropped.length === 1 ? 'is' : 'are'} not "token id" and ${dropped.length === 1 ? 'was' : 'were'} skipped, as LSTMVis skips them.`
      ]
    : [];
  return { tokens, warnings };
}

/**
 * A `.dict` file LSTMVis reads back: `token id` per line, the space token as " id". Tokens must
 * hold no other whitespace (lstmvis/text.ts dictToken escapes it).
 */
export function formatDict(entries: Iterable<[id: number, token: string]>): string {
  const lines: string[] = [];
  for (const [id, token] of entries) {
    if (token !== ' ' && (!token || /\s/.test(token)))
      throw new Error(`Token ${JSON.stringify(token)} cannot be written to a .dict file.`);
    lines.push(token === ' ' ? ` ${id}` : `${token} ${id}`);
  }
  return lines.join('\n') + '\n';
}
