/**
 * Vocabulary files: the three formats are read as they say, and every file that would be misread
 * is refused with a message naming the file, the line and the problem.
 */
import { describe, expect, it } from 'vitest';
import { parseVocabFile, readVocabFile } from './vocab';
import { TokenizerError } from './tokenizer';

const utf8 = (s: string) => new TextEncoder().encode(s);
const utf16le = (s: string, bom = true) => {
  const b = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  if (bom) b.set([0xff, 0xfe]);
  for (let i = 0; i < s.length; i++) b[(bom ? 2 : 0) + 2 * i] = s.charCodeAt(i);
  return b;
};
const refused = (text: string, name: string) => () => parseVocabFile(text, name);

describe('vocabulary files that are read', () => {
  it('one token per line: id = line number - 1, char tokens guessed, the unknown token found', () => {
    expect(parseVocabFile('a\nb\n \n<unk>\n', 'v.txt')).toEqual({
      type: 'char',
      vocab: ['a', 'b', ' ', '<unk>'],
      unk: '<unk>'
    });
    expect(parseVocabFile('the\r\ncat\r\n', 'v.txt').type).toBe('word');
  });
  it('an LSTMVis .dict, the space token as a line that starts with a space, in any line order', () => {
    expect(parseVocabFile('b 1\na 0\n 2\n', 'v.dict').vocab).toEqual(['a', 'b', ' ']);
  });
  it('a .dict with ids from 1 (as LSTMVis writes them): id 0 is an id no text maps to', () => {
    const spec = parseVocabFile('<s> 1\n<unk> 2\nthe 3\n', 'words.targ.dict');
    expect(spec.vocab).toEqual(['', '<s>', '<unk>', 'the']);
    expect(spec.unk).toBe('<unk>');
  });
  it('a JSON array; empty strings are placeholders (padding) and may repeat', () => {
    expect(parseVocabFile('["", "", "a", "b"]', 'v.json').vocab).toEqual(['', '', 'a', 'b']);
  });
  it('UTF-8 bytes, with or without a byte order mark', () => {
    expect(readVocabFile(utf8('é\nü\n'), 'v.txt').vocab).toEqual(['é', 'ü']);
    expect(
      readVocabFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0x62]), 'v.txt').vocab
    ).toEqual(['a', 'b']);
  });
});

describe('vocabulary files that are refused', () => {
  it('a repeated token in a token-per-line file names both lines', () => {
    expect(refused('a\nb\nc\na\n', 'v.txt')).toThrow(
      /"v.txt": the token "a" appears twice \(line 1 and line 4\).*Give each token once/
    );
  });
  it('a repeated token in a JSON array names both ids', () => {
    expect(refused('["a", "b", "a"]', 'v.json')).toThrow(/"a" appears twice \(id 0 and id 2\)/);
  });
  it('bytes that are not UTF-8 (Latin-1) say where and how to convert', () => {
    const latin1 = new Uint8Array([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]);
    expect(() => readVocabFile(latin1, 'v.txt')).toThrow(
      /"v.txt" is not UTF-8 text: byte 0xE9 at offset 5 \(line 2\).*Convert the file to UTF-8/
    );
  });
  it('UTF-16, with a byte order mark or without, is named as UTF-16', () => {
    for (const bytes of [utf16le('a\nb\n'), utf16le('a\nb\n', false)]) {
      expect(() => readVocabFile(bytes, 'v.txt')).toThrow(
        /"v.txt" is UTF-16 text, not UTF-8\. Save it as UTF-8/
      );
    }
  });
  it('a binary file', () => {
    expect(() => readVocabFile(new Uint8Array([1, 2, 0, 0, 0, 3, 0, 9]), 'v.bin')).toThrow(
      /binary file/
    );
  });
  it('a .dict whose ids are not whole numbers ≥ 0', () => {
    for (const id of ['-1', '1.5', 'x', '1e3']) {
      expect(refused(`a 0\nb ${id}\n`, 'v.dict')).toThrow(
        new RegExp(
          `"v.dict", line 2: the id "${id.replace('.', '\\.')}" of "b" is not a whole number`
        )
      );
    }
  });
  it('a file whose lines mostly end in a number is a .dict even when its name is not', () => {
    expect(refused('a 0\nb 1\nc -2\n', 'vocab.txt')).toThrow(/line 3: the id "-2"/);
    expect(refused('a 0\nb 1\nc\n', 'vocab.txt')).toThrow(/line 3: expected "token id"/);
  });
  it('a .dict that gives one token two ids', () => {
    expect(refused('a 0\nb 1\na 2\n', 'v.dict')).toThrow(
      /"v.dict", lines 1 and 3: the token "a" has two ids \(0 and 2\).*Give each token one id/
    );
  });
  it('a .dict that gives one id to two tokens, or a line twice', () => {
    expect(refused('a 0\nb 0\n', 'v.dict')).toThrow(
      /lines 1 and 2: id 0 is given to "a" and to "b"\. Give each id one token/
    );
    expect(refused('a 0\na 0\n', 'v.dict')).toThrow(/lines 1 and 2: "a 0" is given twice/);
  });
  it('gaps in the ids', () => {
    expect(refused('a 0\nb 1\nc 3\n', 'v.dict')).toThrow(
      /no token has id 2, though the ids run up to 3/
    );
    expect(refused('a 5\nb 6\n', 'v.dict')).toThrow(/the smallest id is 5/);
    // A count instead of an id: refused without allocating a billion entries.
    expect(refused('a 0\nb 999999999999\n', 'v.dict')).toThrow(/no token has id 1/);
  });
  it('a token with whitespace inside (no tokenizer can produce it)', () => {
    expect(refused('a\nhello world\n', 'v.txt')).toThrow(
      /"v.txt", line 2: the token "hello world" contains whitespace/
    );
    expect(refused('["a", "b c"]', 'v.json')).toThrow(/entry 1 \(id 1\): the token "b c"/);
  });
  it('a JSON object, an empty file, a file with only placeholders', () => {
    expect(refused('{"a": 0}', 'v.json')).toThrow(/looks like a JSON object/);
    expect(() => readVocabFile(new Uint8Array(), 'v.txt')).toThrow(/"v.txt" is empty/);
    expect(refused('["", ""]', 'v.json')).toThrow(/holds no tokens/);
  });
  it('every refusal is a TokenizerError (shown as a message, never a stack trace)', () => {
    expect(refused('a 0\na 1\n', 'v.dict')).toThrow(TokenizerError);
    expect(() => readVocabFile(utf16le('a'), 'v.txt')).toThrow(TokenizerError);
  });
});
