import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinTracks, sampleReader } from './builtinTracks';
import { C_FIELDS, CLexer } from './cLexer';

/** Each field after every UTF-16 unit of the text. */
function fields(text: string): Float32Array[] {
  return sampleReader(
    new CLexer(),
    text,
    Array.from({ length: text.length }, (_, i) => i)
  );
}
/** Each field after every UTF-16 unit, as a digit string (values < 10), keyed without "c.". */
const perChar = (text: string): Record<string, string> =>
  Object.fromEntries(
    fields(text).map((values, f) => [C_FIELDS[f].slice(2), Array.from(values).join('')])
  );
const numbers = (text: string, id: (typeof C_FIELDS)[number]) =>
  Array.from(fields(text)[C_FIELDS.indexOf(id)]);

describe('C lexer: literals', () => {
  it('marks a string from its opening quote to before its closing one, with escapes', () => {
    expect(perChar('x="a\\"b";').string).toBe('001111100');
    expect(perChar('"a\\\\"b"').string).toBe('1111001'); // \\ then the closing quote
  });

  it('marks char literals the same way, and neither opens inside the other', () => {
    const t = perChar("c='\\'';");
    expect(t.char).toBe('0011100');
    expect(t.string).toBe('0000000');
    const mixed = perChar('\'"\'"x\'"');
    expect(mixed.char).toBe('1100000');
    expect(mixed.string).toBe('0001110');
  });

  it('ends an unterminated literal at an unescaped newline, continues at an escaped one', () => {
    expect(perChar('"ab\ncd"').string).toBe('1110001');
    expect(perChar("'a\n'").char).toBe('1101');
    expect(perChar('"a\\\nb"c').string).toBe('1111100');
  });

  it('keeps a backslash at the very end inside the literal', () => {
    expect(perChar('"a\\').string).toBe('111');
  });
});

describe('C lexer: comments', () => {
  it('marks a block comment from its * through the closing *, quotes inside open nothing', () => {
    const t = perChar('/* "it\'s" */x');
    expect(t.comment).toBe('0111111111100');
    expect(t.string).toBe('0000000000000');
    expect(t.char).toBe('0000000000000');
  });

  it('ignores comment markers inside strings', () => {
    const t = perChar('"/* // */"x');
    expect(t.string).toBe('11111111100');
    expect(t.comment).toBe('00000000000');
  });

  it('spans lines, does not close at /*/, and does not reopen at */*', () => {
    const t = perChar('a/*b\nc*/d');
    expect(t.comment).toBe('001111100');
    expect(t.column).toBe('012340123');
    expect(perChar('/*/ x */').comment).toBe('01111110');
    expect(perChar('/**/*').comment).toBe('01100');
  });

  it('marks a line comment from its second / to the newline, and at the end of the text', () => {
    expect(perChar('a//b\nc').comment).toBe('001100');
    expect(perChar('x;// hi').comment).toBe('0001111');
    expect(perChar('//*/x\ny').comment).toBe('0111100');
  });

  it('continues a line comment over a newline after a backslash', () => {
    expect(perChar('//a\\\nb\nc').comment).toBe('01111100');
  });

  it('leaves the slash before a comment as code', () => {
    const t = perChar('a/b/*c*/');
    expect(t.comment).toBe('00001110');
  });
});

describe('C lexer: preprocessor lines', () => {
  it('marks a directive from # to the newline, following backslash continuations', () => {
    expect(perChar('#define A \\\n  1\nB').preprocessor).toBe('1'.repeat(15) + '00');
  });

  it('needs only blanks before the #', () => {
    expect(perChar('x # y\n \t# z').preprocessor).toBe('00000000111');
  });

  it('runs through a block comment spanning lines, but not from a # in a comment', () => {
    const t = perChar('#if /*\n*/ 1\nx');
    expect(t.preprocessor).toBe('1'.repeat(11) + '00');
    expect(t.comment).toBe('0000011100000');
    expect(perChar('/*\n#x */').preprocessor).toBe('00000000');
    expect(perChar('"a\\\n#b"').preprocessor).toBe('0000000');
  });

  it('ends with a line comment, allows \\r before a continued newline', () => {
    const t = perChar('#x // y\nz');
    expect(t.preprocessor).toBe('111111100');
    expect(t.comment).toBe('000011100');
    expect(perChar('#a \\\r\nb\r\nc').preprocessor).toBe('1111111100');
    expect(perChar('#e "x\ny').preprocessor).toBe('1111100');
  });
});

describe('C lexer: depths', () => {
  it('counts parens outside literals and comments; opener at itself, closer already down', () => {
    const t = perChar('f(g("(", (x)))');
    expect(t.paren).toBe('01122222233210');
    expect(perChar("(')'/*)*/)").paren).toBe('1111111110');
  });

  it('never goes below 0 and counts the three kinds separately', () => {
    expect(perChar('))(').paren).toBe('001');
    const t = perChar('{[}]');
    expect(t.brace).toBe('1100');
    expect(t.bracket).toBe('0110');
    expect(t.paren).toBe('0000');
  });
});

describe('C lexer: column and indentation', () => {
  it('gives the column, a newline the length of its line', () => {
    expect(numbers('  ab\n\tc\n\n x', 'c.column')).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 0, 0, 1]);
    expect(numbers('0123456789ab\nc', 'c.column')).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0
    ]);
  });

  it('grows the indentation through the leading blanks, then keeps it; 0 at a newline', () => {
    expect(perChar('  ab\n\tc\n\n x').indent).toBe('12220110011');
    expect(perChar('  \n a b').indent).toBe('1201111');
  });

  it('counts a character outside the BMP once', () => {
    const t = perChar('"😀"x');
    expect(t.string).toBe('11100');
    expect(t.column).toBe('01123');
  });
});

interface Case {
  name: string;
  text?: string;
  source?: string;
  chars?: number;
  tracks: Record<string, [number, number][]>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/tracks/c-tracks.json', import.meta.url), 'utf8')
) as { cases: Case[] };

/** Char tokens by code point, as the char tokenizer makes them. */
function codePointOffsets(text: string): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += text.codePointAt(i)! > 0xffff ? 2 : 1) out.push(i);
  return Uint32Array.from(out);
}

describe('C lexer against the independent Python reference (make_c_tracks.py)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const text =
      c.text ??
      readFileSync(new URL(`../../../${c.source}`, import.meta.url), 'utf8').slice(0, c.chars);
    const offsets = codePointOffsets(text);
    const tracks = builtinTracks(text, offsets, { ids: Object.keys(c.tracks) });
    for (const [id, runs] of Object.entries(c.tracks)) {
      const expected = new Float32Array(offsets.length);
      runs.forEach(([start, value], r) =>
        expected.fill(value, start, r + 1 < runs.length ? runs[r + 1][0] : offsets.length)
      );
      const got = tracks.get(id)!.values;
      const first = got.findIndex((v, i) => v !== expected[i]);
      expect(first, `${id} differs first at code point ${first}`).toBe(-1);
    }
  });
});
