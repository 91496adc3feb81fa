import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TRACKS, builtinTracks, suggestFamily } from './builtinTracks';

const wordOffsets = (text: string) =>
  Uint32Array.from([...text.matchAll(/\S+/g)].map((m) => m.index!));
const charOffsets = (text: string) => Uint32Array.from({ length: text.length }, (_, i) => i);
const values = (tracks: Map<string, { values: Float32Array }>, id: string) =>
  Array.from(tracks.get(id)!.values);

describe('BUILTIN_TRACKS', () => {
  it('lists the code and prose tracks, the three depths depth-like', () => {
    expect(BUILTIN_TRACKS.map((b) => b.id)).toEqual([
      'c.string',
      'c.char',
      'c.comment',
      'c.preprocessor',
      'c.paren',
      'c.brace',
      'c.bracket',
      'c.column',
      'c.indent',
      'prose.quotes',
      'prose.parens',
      'prose.wordpos',
      'prose.sentencepos',
      'prose.capitalised',
      'prose.punct'
    ]);
    expect(BUILTIN_TRACKS.filter((b) => b.depthLike).map((b) => b.id)).toEqual([
      'c.paren',
      'c.brace',
      'c.bracket'
    ]);
    expect(BUILTIN_TRACKS.filter((b) => b.family === 'prose').length).toBe(6);
    expect(new Set(BUILTIN_TRACKS.map((b) => b.name)).size).toBe(BUILTIN_TRACKS.length);
  });
});

describe('builtinTracks', () => {
  it('returns every track by default, numeric, one value per token, binary ones 0/1', () => {
    const text = 'int main(void) { return "x"; } // The end.';
    const offsets = charOffsets(text);
    const tracks = builtinTracks(text, offsets);
    expect([...tracks.keys()]).toEqual(BUILTIN_TRACKS.map((b) => b.id));
    for (const b of BUILTIN_TRACKS) {
      const tr = tracks.get(b.id)!;
      expect(tr.name).toBe(b.name);
      expect(tr.kind).toBe('numeric');
      expect(tr.values.length).toBe(offsets.length);
      if (b.kind === 'binary') expect(tr.values.every((v) => v === 0 || v === 1)).toBe(true);
    }
  });

  it('computes only the requested ids, in BUILTIN_TRACKS order', () => {
    const tracks = builtinTracks('a(b)', charOffsets('a(b)'), { ids: ['prose.punct', 'c.paren'] });
    expect([...tracks.keys()]).toEqual(['c.paren', 'prose.punct']);
    expect(values(tracks, 'c.paren')).toEqual([0, 1, 1, 0]);
    expect(values(tracks, 'prose.punct')).toEqual([0, 1, 0, 1]);
  });

  it('names an unknown id and the known ones', () => {
    expect(() => builtinTracks('a', charOffsets('a'), { ids: ['c.strings'] })).toThrow(
      /Unknown built-in track "c.strings"; known ones are c.string, c.char, .*prose.punct\./
    );
  });

  it('maps word tokens: a token takes the value after its own last character, not its trailing space', () => {
    const text = 'int f(x) {  return "a b"; }';
    const tracks = builtinTracks(text, wordOffsets(text));
    // tokens: int | f(x) | { | return | "a | b"; | }
    expect(values(tracks, 'c.string')).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(values(tracks, 'c.paren')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(values(tracks, 'c.brace')).toEqual([0, 0, 1, 1, 1, 1, 0]);
    expect(values(tracks, 'c.column')).toEqual([2, 7, 9, 17, 20, 24, 26]);
  });

  it('maps word tokens of prose', () => {
    const text = 'He said "hi there." Then';
    const tracks = builtinTracks(text, wordOffsets(text));
    expect(values(tracks, 'prose.quotes')).toEqual([0, 0, 1, 0, 0]);
    expect(values(tracks, 'prose.sentencepos')).toEqual([0, 1, 2, 4, 0]);
    expect(values(tracks, 'prose.wordpos')).toEqual([1, 3, 1, NaN, 3]);
    expect(values(tracks, 'prose.capitalised')).toEqual([1, 0, 0, 0, 1]);
  });

  it('resets all reader state at each document start', () => {
    // two documents "((/*x" and "(y\"" joined by a space that is no token
    const text = '((/*x (y"';
    const offsets = Uint32Array.from([0, 1, 2, 3, 4, 6, 7, 8]);
    const joined = builtinTracks(text, offsets);
    const split = builtinTracks(text, offsets, { docStarts: [0, 5] });
    expect(values(joined, 'c.paren')).toEqual([1, 2, 2, 2, 2, 2, 2, 2]);
    expect(values(split, 'c.paren')).toEqual([1, 2, 2, 2, 2, 1, 1, 1]);
    expect(values(joined, 'c.comment')).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(values(split, 'c.comment')).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect(values(split, 'c.string')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(values(split, 'c.column')).toEqual([0, 1, 2, 3, 4, 0, 1, 2]);
    expect(values(joined, 'prose.parens')).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(values(split, 'prose.parens')).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(values(split, 'prose.quotes')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(values(joined, 'prose.wordpos')).toEqual([NaN, NaN, NaN, NaN, 0, NaN, 0, NaN]);
  });

  it('handles characters outside the BMP in word and char tokens', () => {
    const text = '"😀 é" x';
    const words = builtinTracks(text, wordOffsets(text)); // "😀 | é" | x
    expect(values(words, 'c.string')).toEqual([1, 0, 0]);
    expect(values(words, 'c.column')).toEqual([1, 4, 6]);
    const chars = builtinTracks(text, Uint32Array.from([0, 1, 3, 4, 5, 6, 7]));
    expect(values(chars, 'c.column')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(values(chars, 'c.string')).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect(values(chars, 'prose.wordpos')).toEqual([NaN, NaN, NaN, 0, NaN, NaN, 0]);
  });

  it('gives empty tracks for an empty text', () => {
    const tracks = builtinTracks('', new Uint32Array(0));
    expect(tracks.size).toBe(BUILTIN_TRACKS.length);
    expect([...tracks.values()].every((t) => t.values.length === 0)).toBe(true);
  });

  it('rejects token offsets out of order', () => {
    expect(() => builtinTracks('abc', Uint32Array.from([2, 1]))).toThrow(
      /ascending token offsets; token 1 is out of order/
    );
  });
});

describe('suggestFamily', () => {
  const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

  it('says code for C and TypeScript sources', () => {
    expect(suggestFamily(read('static/corpora/stb_c_lexer.h.txt'))).toBe('code');
    expect(suggestFamily(read('src/lib/analysis/tracks.ts'))).toBe('code');
    expect(suggestFamily('for (i = 0; i < n; i++) { a[i] = 0; }')).toBe('code');
  });

  it('says prose for prose and Markdown, and for an empty text', () => {
    expect(suggestFamily(read('README.md'))).toBe('prose');
    expect(
      suggestFamily('It was the best of times; it was the worst of times. “Who?” she asked.')
    ).toBe('prose');
    expect(suggestFamily('')).toBe('prose');
  });
});
