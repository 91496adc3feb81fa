import { describe, expect, it } from 'vitest';
import { formatDict, parseDict } from './dict';

describe('LSTMVis .dict files', () => {
  it('reads "token id" lines, the space line, and skips other lines as LSTMVis does (with a warning)', () => {
    const d = parseDict('a 1\n 2\nb\t3\r\nthree fields here\n\nc 4\n', 'x.dict');
    expect([...d.tokens]).toEqual([
      [1, 'a'],
      [2, ' '],
      [3, 'b'],
      [4, 'c']
    ]);
    expect(d.warnings).toEqual([
      'x.dict: line 4 is not "token id" and was skipped, as LSTMVis skips them.'
    ]);
  });

  it('tolerates the TensorFlow reader\'s "token, id" lines (every token ends in a comma)', () => {
    expect([...parseDict('the, 0\n,, 1\ncat, 2\n', 't.dict').tokens]).toEqual([
      [0, 'the'],
      [1, ','],
      [2, 'cat']
    ]);
    // one comma token among plain lines is a token, not a separator
    expect([...parseDict('the 0\n, 1\n', 't.dict').tokens]).toEqual([
      [0, 'the'],
      [1, ',']
    ]);
  });

  it('refuses an id given twice, an id that is not a whole number, and a file of no pairs', () => {
    expect(() => parseDict('a 1\nb 2\nc 1\n', 'd.dict')).toThrow(
      'd.dict, lines 1 and 3: id 1 is given to "a" and to "c". Give each id one token (LSTMVis would silently keep the last).'
    );
    expect(() => parseDict('a 1\nb 2.5\n', 'd.dict')).toThrow(
      'd.dict, line 2: the id "2.5" of "b" is not a whole number (each line is "token id").'
    );
    expect(() => parseDict('just words here\n', 'd.dict')).toThrow(
      'd.dict holds no "token id" lines: it is not an LSTMVis dictionary.'
    );
  });

  it('writes what it reads back, the space token as " id"', () => {
    const entries: [number, string][] = [
      [0, 'a'],
      [1, ' '],
      [2, '\\n'],
      [3, '<unk>']
    ];
    const text = formatDict(entries);
    expect(text).toBe('a 0\n 1\n\\n 2\n<unk> 3\n');
    expect([...parseDict(text, 'r.dict').tokens]).toEqual(entries);
    expect(() => formatDict([[0, 'two words']])).toThrow(/cannot be written/);
  });
});
