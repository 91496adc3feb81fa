import { describe, expect, it } from 'vitest';
import {
  CHAR_CLASSES,
  charClassTrack,
  nestingDepthTrack,
  parseTrackFile,
  positionInLineTrack,
  regexTrack,
  TrackFileError
} from './tracks';

/** Char tokens by code point, as the char tokenizer makes them. */
function charOffsets(text: string): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += String.fromCodePoint(text.codePointAt(i)!).length)
    out.push(i);
  return Uint32Array.from(out);
}
const wordOffsets = (text: string) =>
  Uint32Array.from([...text.matchAll(/\S+/g)].map((m) => m.index!));
const arr = (v: Float32Array) => Array.from(v);

describe('built-in tracks', () => {
  it('classifies characters', () => {
    const text = 'aZ9 \n,+é😀\u0007';
    const tr = charClassTrack(text, charOffsets(text));
    expect(tr.kind).toBe('categorical');
    expect(arr(tr.values).map((i) => CHAR_CLASSES[i])).toEqual([
      'letter',
      'letter',
      'digit',
      'space',
      'newline',
      'punct',
      'punct',
      'letter',
      'punct',
      'other'
    ]);
  });

  it('gives the column in the line', () => {
    const text = 'ab\ncde\n\nf';
    expect(arr(positionInLineTrack(text, charOffsets(text)).values)).toEqual([
      0, 1, 2, 0, 1, 2, 3, 0, 0
    ]);
    const words = 'one two\n  three';
    expect(arr(positionInLineTrack(words, wordOffsets(words)).values)).toEqual([0, 4, 2]);
  });

  it('tracks nesting depth; brackets of a pair share the outer depth', () => {
    const text = 'a(b{c}d)e)f';
    const pairs: [string, string][] = [
      ['(', ')'],
      ['{', '}']
    ];
    expect(arr(nestingDepthTrack(text, charOffsets(text), pairs).values)).toEqual([
      0, 0, 1, 1, 2, 1, 1, 0, 0, 0, 0
    ]);
  });

  it('ignores brackets inside quotes and closes unclosed inner brackets', () => {
    const text = '("(")x(()';
    const pairs: [string, string][] = [
      ['(', ')'],
      ['"', '"']
    ];
    expect(arr(nestingDepthTrack(text, charOffsets(text), pairs).values)).toEqual([
      0, 1, 2, 1, 0, 0, 0, 1, 1
    ]);
    const curly: [string, string][] = [
      ['(', ')'],
      ['{', '}']
    ];
    expect(arr(nestingDepthTrack('({)x', charOffsets('({)x'), curly).values)).toEqual([0, 1, 0, 0]);
  });

  it('resets nesting at document starts', () => {
    const text = '((a((b';
    const depth = nestingDepthTrack(text, charOffsets(text), [['(', ')']], [0, 3]);
    expect(arr(depth.values)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('rejects multi-character brackets', () => {
    expect(() => nestingDepthTrack('x', charOffsets('x'), [['begin', 'end']])).toThrow(/single/);
  });

  it('marks tokens inside regex matches (a string literal)', () => {
    const text = 'x = "a\\"b" + y';
    const tr = regexTrack(text, charOffsets(text), String.raw`"(?:[^"\\]|\\.)*"`);
    expect(arr(tr.values).join('')).toBe('00001111110000');
    const words = 'the cat sat  on';
    expect(arr(regexTrack(words, wordOffsets(words), 'at', 'i').values)).toEqual([0, 1, 1, 0]);
    expect(arr(regexTrack(words, wordOffsets(words), '\\s+').values)).toEqual([0, 0, 0, 0]);
    expect(arr(regexTrack(words, wordOffsets(words), 'x*').values)).toEqual([0, 0, 0, 0]);
  });

  it('throws a clear error for an invalid regex', () => {
    expect(() => regexTrack('abc', charOffsets('abc'), 'a(b')).toThrow(
      /Invalid regular expression \/a\(b\/: .*(unterminated|\))/i
    );
  });
});

describe('parseTrackFile', () => {
  const text = 'ab cd ef gh';
  const offsets = wordOffsets(text); // 0 3 6 9
  const parse = (body: string, name = 'meta.csv') =>
    parseTrackFile(body, name, 4, offsets, text.length);

  it('reads CSV by token index, one track per value column', () => {
    const [pos, score] = parse(
      'token,pos,score\n2,NOUN,0.5\n0,DET,1\n1,NOUN,-2\n3,"VERB, past",3e-1\n'
    );
    expect(pos).toMatchObject({ name: 'pos', kind: 'categorical' });
    expect(pos.categories).toEqual(['DET', 'NOUN', 'VERB, past']);
    expect(arr(pos.values)).toEqual([0, 1, 1, 2]);
    expect(score.kind).toBe('numeric');
    expect(arr(score.values)).toEqual([1, -2, 0.5, 0.3].map(Math.fround));
  });

  it('reads CSV by character offset, onto the token holding it', () => {
    const [tr] = parse('char\tdepth\n4\t7\n3\t5\n10\t1\n');
    expect(arr(tr.values)).toEqual([NaN, 5, NaN, 1]);
  });

  it('reads JSON by token and by offset', () => {
    const one = parse('{"name": "x", "values": [1, 2, 3, 4]}', 'x.json');
    expect(one).toHaveLength(1);
    expect(arr(one[0].values)).toEqual([1, 2, 3, 4]);
    const two = parse(
      '[{"values": ["a","b","a","c"]}, {"name": "o", "offsets": [6], "values": [9]}]',
      'm.json'
    );
    expect(two.map((t) => [t.name, t.kind])).toEqual([
      ['m 1', 'categorical'],
      ['o', 'numeric']
    ]);
    expect(arr(two[1].values)).toEqual([NaN, NaN, 9, NaN]);
  });

  it('says by how much the length is off', () => {
    const big = new Uint32Array(10_000);
    const err = () =>
      parseTrackFile(
        JSON.stringify({ values: new Array(9_998).fill(1) }),
        'a.json',
        10_000,
        big,
        10_000
      );
    expect(err).toThrow(TrackFileError);
    expect(err).toThrow('the track has 9,998 values but the recording has 10,000 tokens (2 fewer)');
    expect(() => parse('token,v\n0,1\n1,1\n2,1\n3,1\n4,1')).toThrow(
      /5 values .* 4 tokens \(1 more\)/
    );
  });

  it('reports bad JSON with the parser message', () => {
    expect(() => parse('{"values": [1,', 'bad.json')).toThrow(/bad\.json is not valid JSON: .+/);
  });

  it('reports unknown columns and keys', () => {
    expect(() => parse('word,value\na,1')).toThrow(
      /needs a "token" column .* it has "word", "value"/
    );
    expect(() => parse('{"values": [1,2,3,4], "colour": "red"}', 'c.json')).toThrow(
      /unknown key "colour"/
    );
    expect(() => parse('token,char,v\n0,0,1')).toThrow(/both/);
    expect(() => parse('token\n0\n1\n2\n3')).toThrow(/no value columns/);
  });

  it('rejects non-finite numbers', () => {
    expect(() => parse('token,v\n0,1\n1,NaN\n2,3\n3,4')).toThrow(
      /line 3, column "v": "NaN" is not a finite number/
    );
    expect(() => parse('token,v\n0,1\n1,-inf\n2,3\n3,4')).toThrow(/"-inf" is not a finite number/);
    expect(() => parse('{"values": [1, null, 3, 4]}', 'n.json')).toThrow(/value 2 is null/);
    expect(() => parse('{"values": [1, 1e999, 3, 4]}', 'n.json')).toThrow(
      /Infinity is not a finite/
    );
  });

  it('rejects bad indices and ragged rows', () => {
    expect(() => parse('token,v\n0,1\n0,1\n2,1\n3,1')).toThrow(/line 3: token 0 appears twice/);
    expect(() => parse('token,v\n0,1\n1,1\n2,1\n9,1')).toThrow(/token 9 is past the last token/);
    expect(() => parse('token,v\n0,1\nx,1\n2,1\n3,1')).toThrow(
      /line 3: token "x" is not a whole number/
    );
    expect(() => parse('token,v\n0,1,2')).toThrow(/line 2: 3 cells, but the header has 2/);
    expect(() => parse('char,v\n99,1')).toThrow(/offset 99 is not a character offset/);
  });
});
