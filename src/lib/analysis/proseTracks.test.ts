import { describe, expect, it } from 'vitest';
import { sampleReader } from './builtinTracks';
import { PROSE_FIELDS, ProseLexer } from './proseTracks';

/**
 * Each field after every UTF-16 unit of the text as a digit string (values < 10, NaN as "."),
 * keyed without "prose.".
 */
function perChar(text: string): Record<string, string> {
  const out = sampleReader(
    new ProseLexer(),
    text,
    Array.from({ length: text.length }, (_, i) => i)
  );
  return Object.fromEntries(
    out.map((values, f) => [
      PROSE_FIELDS[f].slice(6),
      Array.from(values, (v) => (Number.isNaN(v) ? '.' : String(v))).join('')
    ])
  );
}

describe('prose: in quotes', () => {
  it('toggles at straight quotes: the opening one is 1, the closing one 0', () => {
    expect(perChar('a "b c" d').quotes).toBe('001111000');
  });

  it('opens at “ and closes at ”, with straight quotes nested inside', () => {
    expect(perChar('“a ”b').quotes).toBe('11100');
    expect(perChar('“a "b" c”').quotes).toBe('111111110');
  });

  it('closes open quotes at a paragraph break, not at a single newline', () => {
    expect(perChar('"a\n\nb').quotes).toBe('11100');
    expect(perChar('"a\n \nb').quotes).toBe('111100');
    expect(perChar('"a\nb"').quotes).toBe('11110');
  });
});

describe('prose: in parentheses', () => {
  it('is 1 from the outermost ( up to its ); stray ) ignored; reset at a paragraph', () => {
    expect(perChar('a (b (c) d) e)').parens).toBe('00111111110000');
    expect(perChar(')(x\n\ny').parens).toBe('011100');
  });
});

describe('prose: position in word', () => {
  it('counts characters within words, NaN outside, an apostrophe after a letter inside', () => {
    expect(perChar("Hi, don't 42x!").wordpos).toBe('01..01234.012.');
    expect(perChar("rock'' 'quoted'").wordpos).toBe('01234...0123456');
    expect(perChar('it’s é-e').wordpos).toBe('0123.0.0');
  });
});

describe('prose: position in sentence', () => {
  it("gives the word's index in its sentence, between words the next word's", () => {
    expect(perChar('The cat sat. A dog! Ok?\nYes').sentencepos).toBe(
      '000111122223' + '0011112' + '00010' + '000'
    );
  });

  it('ends a sentence at whitespace after a terminal mark, closing quotes allowed between', () => {
    expect(perChar('Hi." Yo').sentencepos).toBe('0011000');
    expect(perChar('3.5 x').sentencepos).toBe('01122');
    expect(perChar('a.b c').sentencepos).toBe('01122');
  });

  it('starts a sentence at a paragraph break and before the first word', () => {
    expect(perChar('a b\n\nc').sentencepos).toBe('011200');
    expect(perChar(' a').sentencepos).toBe('00');
  });
});

describe('prose: capitalised word and punctuation', () => {
  it('marks every character of a word starting with an uppercase letter', () => {
    expect(perChar("The cAT O'Neil é É").capitalised).toBe('111000001111110001');
  });

  it('marks punctuation (category P) but not symbols', () => {
    expect(perChar('a, b-c! (d) $5 ’').punct).toBe('0100101010100001');
  });
});

describe('prose: characters outside the BMP', () => {
  it('gives both halves of a surrogate pair the values of their character', () => {
    const t = perChar('😀 𝐀b'); // 𝐀 is U+1D400, an uppercase letter
    expect(t.wordpos).toBe('...001');
    expect(t.capitalised).toBe('000111');
    expect(t.sentencepos).toBe('000000');
    expect(t.punct).toBe('000000');
  });
});
