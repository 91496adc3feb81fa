import { describe, expect, it } from 'vitest';
import { CorpusError, validateCorpusText } from './corpus';
import { createTokenizer } from './tokenizer';
import { firstInvalidUtf8 } from './corpus';

const enc = (s: string) => new TextEncoder().encode(s);

describe('corpus validation', () => {
  it('refuses an empty file with a message naming it', () => {
    expect(() => validateCorpusText(new Uint8Array(), 'empty.txt')).toThrow(/"empty.txt" is empty/);
  });
  it('refuses whitespace-only text', () => {
    expect(() => validateCorpusText(enc(' \n\t\n'), 'blank.txt')).toThrow(CorpusError);
  });
  it('refuses a binary file (PNG header with NUL bytes)', () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82
    ]);
    expect(() => validateCorpusText(png, 'image.png')).toThrow(/binary file/);
  });
  it('refuses non-UTF-8 text and says which byte at which offset', () => {
    // "café" in Latin-1: the é is a lone 0xE9.
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('int caf'),
      0xe9,
      0x20,
      0x3d,
      0x20,
      0x31,
      0x3b
    ]);
    expect(() => validateCorpusText(latin1, 'latin1.c')).toThrow(
      /"latin1.c" is not UTF-8 text: byte 0xE9 at offset 7/
    );
    expect(firstInvalidUtf8(new TextEncoder().encode('ok ✓ 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // surrogate
  });
  it('names UTF-16 as UTF-16 (byte order mark either way, or none), not as binary', () => {
    const text = 'int x;\n';
    const le = Uint8Array.from([...text].flatMap((c) => [c.charCodeAt(0), 0]));
    const be = Uint8Array.from([...text].flatMap((c) => [0, c.charCodeAt(0)]));
    for (const [bytes, from] of [
      [Uint8Array.from([0xff, 0xfe, ...le]), 'UTF-16LE'],
      [Uint8Array.from([0xfe, 0xff, ...be]), 'UTF-16BE'],
      [le, 'UTF-16LE'],
      [be, 'UTF-16BE']
    ] as const) {
      expect(() => validateCorpusText(bytes, 'wide.c')).toThrow(
        new RegExp(`"wide.c" is UTF-16 text, not UTF-8\\. Save it as UTF-8 .*iconv -f ${from}`)
      );
    }
    const utf32 = Uint8Array.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]);
    expect(() => validateCorpusText(utf32, 'w.c')).toThrow(/is UTF-32 text/);
  });
  it('names the line of the first byte that is not UTF-8', () => {
    expect(() => validateCorpusText(Uint8Array.from([0x61, 0x0a, 0x0a, 0x62, 0xff]), 'x')).toThrow(
      /byte 0xFF at offset 4 \(line 3\)/
    );
  });
  it('drops a UTF-8 byte order mark', () => {
    expect(validateCorpusText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]), 'bom.txt')).toBe('a');
  });
  it('accepts text and returns it decoded', () => {
    expect(validateCorpusText(enc('int x = 1; // ok ✓'), 'a.c')).toBe('int x = 1; // ok ✓');
  });
});

describe('char tokenizer', () => {
  const t = createTokenizer({ type: 'char', vocab: ['a', 'b', '\n', '<unk>'], unk: '<unk>' });
  it('maps characters to ids with UTF-16 offsets, one token per code point', () => {
    const e = t.encode('ab\n😀a');
    expect(Array.from(e.ids)).toEqual([0, 1, 2, 3, 0]);
    expect(Array.from(e.offsets)).toEqual([0, 1, 2, 3, 5]);
    expect(e.unknown).toBe(1);
    expect(e.unknownExamples).toEqual(['😀']);
  });
  it('throws when a character is unknown and there is no unknown token', () => {
    const strict = createTokenizer({ type: 'char', vocab: ['a'] });
    expect(() => strict.encode('ab')).toThrow(/"b" is not in the model's vocabulary/);
  });
});

import { lineCol, lineStarts } from './lines';
describe('line/column lookup', () => {
  it('finds 1-based line and column of offsets', () => {
    const starts = lineStarts('ab\ncd\n\nef');
    expect(lineCol(starts, 0)).toEqual({ line: 1, col: 1 });
    expect(lineCol(starts, 2)).toEqual({ line: 1, col: 3 });
    expect(lineCol(starts, 3)).toEqual({ line: 2, col: 1 });
    expect(lineCol(starts, 6)).toEqual({ line: 3, col: 1 });
    expect(lineCol(starts, 8)).toEqual({ line: 4, col: 2 });
  });
});

import { encodeDocuments, joinDocuments, jsonlDocuments, splitText } from './documents';
import { planChunks } from '../record/core';
describe('documents', () => {
  const tok = createTokenizer({ type: 'char', vocab: [...'abcdefghij\n '], unk: null });
  it('splits on blank lines, tokenizes each document alone and reports where each starts', () => {
    const { text, documents } = splitText('ab\ncd\n\n\nef\n\n', /\n\s*\n/, 'f.txt');
    expect(documents.map((d) => text.slice(d.start, d.end))).toEqual(['ab\ncd', 'ef']);
    const e = encodeDocuments(tok, text, documents);
    expect(e.documentStarts).toEqual([0, 5]);
    expect(Array.from(e.offsets)).toEqual([0, 1, 2, 3, 4, 8, 9]);
  });
  it('takes a field of each JSON line, and names the line when it is missing', () => {
    const { text, documents } = jsonlDocuments(
      '{"text":"abc"}\n{"text":"de"}\n',
      'text',
      'd.jsonl'
    );
    expect(documents.map((d) => text.slice(d.start, d.end))).toEqual(['abc', 'de']);
    expect(() => jsonlDocuments('{"text":"a"}\n{"body":"b"}', 'text', 'd.jsonl')).toThrow(
      /line 2: no string field "text"/
    );
    expect(() => jsonlDocuments('{"text":"a"}\nnot json', 'text', 'd.jsonl')).toThrow(
      /line 2: not valid JSON/
    );
  });
  it('joins several files, one document each', () => {
    const j = joinDocuments([
      { name: 'a', text: 'ab' },
      { name: 'b', text: 'c' }
    ]);
    expect(encodeDocuments(tok, j.text, j.documents).documentStarts).toEqual([0, 2]);
  });
  it('plans chunks that never cross a document boundary and reset at each start', () => {
    expect(planChunks(10, 4, [0, 6])).toEqual([
      { start: 0, length: 4, reset: true },
      { start: 4, length: 2, reset: false },
      { start: 6, length: 4, reset: true }
    ]);
  });
});
