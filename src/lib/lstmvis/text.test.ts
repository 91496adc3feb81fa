import { describe, expect, it } from 'vitest';
import { dictToken, isCharLevel, sequenceText, tokenAt } from './text';

describe('word sequence ↔ corpus text', () => {
  it('tells char-level dicts (characters, <specials>, escapes) from word-level ones', () => {
    expect(isCharLevel(['a', ' ', '(', '<unk>', '\\n'])).toBe(true);
    expect(isCharLevel(['the', 'a'])).toBe(false);
    expect(isCharLevel(['<s>', '<unk>'])).toBe(false);
  });

  it('joins characters as they are (escapes back to the characters) and words with spaces', () => {
    const dict = new Map([
      [0, 'a'],
      [1, ' '],
      [2, '\\n'],
      [3, 'cat']
    ]);
    const chars = sequenceText(Int32Array.from([0, 1, 0, 2, 0]), dict, true);
    expect(chars.text).toBe('a a\na');
    expect([...chars.offsets]).toEqual([0, 1, 2, 3, 4]);
    const words = sequenceText(Int32Array.from([3, 0, 3]), dict, false);
    expect(words.text).toBe('cat a cat');
    expect([...words.offsets]).toEqual([0, 4, 6]);
    expect([0, 1, 2].map((t) => tokenAt(words.text, words.offsets, t))).toEqual([
      'cat',
      'a',
      'cat'
    ]);
    expect([0, 1, 2, 3].map((t) => tokenAt(chars.text, chars.offsets, t))).toEqual([
      'a',
      ' ',
      'a',
      '\n'
    ]);
  });

  it('escapes whitespace a .dict line cannot hold', () => {
    expect(dictToken(' ')).toBe(' ');
    expect(dictToken('\n')).toBe('\\n');
    expect(dictToken('\t')).toBe('\\t');
    expect(dictToken('New York')).toBe('New\\u{20}York');
    expect(dictToken('')).toBe('<empty>');
  });
});
