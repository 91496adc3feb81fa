/**
 * Documents in a corpus. A corpus is one text; documents are character ranges of it. Each document
 * is tokenized on its own (no token spans two documents) and the recorder resets the state at
 * every document start.
 */
import type { Encoded, Tokenizer } from './tokenizer';

export interface DocumentSpan {
  name: string;
  /** UTF-16 offsets of the document's first character and one past its last in the corpus text. */
  start: number;
  end: number;
}

export class DocumentError extends Error {
  override name = 'DocumentError';
}

/** Split one file's text on a separator (e.g. blank lines); empty pieces are dropped. */
export function splitText(
  text: string,
  separator: RegExp,
  name: string
): { text: string; documents: DocumentSpan[] } {
  const documents: DocumentSpan[] = [];
  let at = 0;
  let n = 0;
  for (const m of text.matchAll(
    new RegExp(
      separator.source,
      separator.flags.includes('g') ? separator.flags : `${separator.flags}g`
    )
  )) {
    if (text.slice(at, m.index).trim())
      documents.push({ name: `${name} #${++n}`, start: at, end: m.index! });
    at = m.index! + m[0].length;
  }
  if (text.slice(at).trim())
    documents.push({ name: `${name} #${n + 1}`, start: at, end: text.length });
  if (!documents.length) throw new DocumentError(`"${name}" has no text between its separators.`);
  return { text, documents };
}

/** One document per JSON line, taking a string field. */
export function jsonlDocuments(
  text: string,
  field: string,
  name: string
): { text: string; documents: DocumentSpan[] } {
  const parts: string[] = [];
  const documents: DocumentSpan[] = [];
  let at = 0;
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new DocumentError(`${name}, line ${i + 1}: not valid JSON (${(e as Error).message}).`);
    }
    const value = (row as Record<string, unknown>)?.[field];
    if (typeof value !== 'string') {
      throw new DocumentError(
        `${name}, line ${i + 1}: no string field "${field}". Pick the field that holds the text.`
      );
    }
    documents.push({ name: `${name}:${i + 1}`, start: at, end: at + value.length });
    parts.push(value);
    at += value.length + 1; // documents joined by a newline that belongs to no document's tokens
  });
  if (!documents.length) throw new DocumentError(`${name} has no JSON lines.`);
  return { text: parts.join('\n'), documents };
}

/** Join several files into one corpus, one document each. */
export function joinDocuments(files: { name: string; text: string }[]): {
  text: string;
  documents: DocumentSpan[];
} {
  let at = 0;
  const documents = files.map((f) => {
    const d = { name: f.name, start: at, end: at + f.text.length };
    at += f.text.length + 1;
    return d;
  });
  return { text: files.map((f) => f.text).join('\n'), documents };
}

/** How one text file becomes documents: whole, split on blank lines, or one per JSON line (a field). */
export type DocumentSplit =
  { kind: 'whole' } | { kind: 'blank-lines' } | { kind: 'jsonl'; field: string };

/** Blank lines (only spaces or tabs on them) between documents. */
export const BLANK_LINES = /\n[ \t]*\n\s*/;

/** One file's text as documents, as `mode` says (the browser's corpus import and `record --text`). */
export function documentsOf(
  text: string,
  name: string,
  mode: DocumentSplit
): { text: string; documents: DocumentSpan[] } {
  if (mode.kind === 'blank-lines') return splitText(text, BLANK_LINES, name);
  if (mode.kind === 'jsonl') return jsonlDocuments(text, mode.field, name);
  return { text, documents: [{ name, start: 0, end: text.length }] };
}

export interface EncodedCorpus extends Encoded {
  /** Token index where each document starts. */
  documentStarts: number[];
}

/** Tokenize each document on its own; text between documents (separators) gives no tokens. */
export function encodeDocuments(
  tokenizer: Tokenizer,
  text: string,
  documents: DocumentSpan[]
): EncodedCorpus {
  const docs = documents.length ? documents : [{ name: 'all', start: 0, end: text.length }];
  const parts: Encoded[] = [];
  const documentStarts: number[] = [];
  let count = 0;
  docs.forEach((d) => {
    const e = tokenizer.encode(text.slice(d.start, d.end));
    for (let k = 0; k < e.offsets.length; k++) e.offsets[k] += d.start;
    documentStarts.push(count);
    count += e.ids.length;
    parts.push(e);
  });
  const ids = new Int32Array(count);
  const offsets = new Uint32Array(count);
  let at = 0;
  for (const p of parts) {
    ids.set(p.ids, at);
    offsets.set(p.offsets, at);
    at += p.ids.length;
  }
  const examples = [...new Set(parts.flatMap((p) => p.unknownExamples))].slice(0, 20);
  return {
    ids,
    offsets,
    unknown: parts.reduce((n, p) => n + p.unknown, 0),
    unknownExamples: examples,
    documentStarts
  };
}
