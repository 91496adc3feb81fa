import { describe, expect, it } from 'vitest';
import { tokenTexts } from './tokenText';

describe('tokenTexts', () => {
  const text = 'ab c\nd';
  const offsets = Uint32Array.of(0, 2, 3, 4, 5);

  it('slices each token up to the next start, the last one to the end of the text', () => {
    expect(tokenTexts(text, offsets, 5)).toEqual(['ab', ' ', 'c', '\n', 'd']);
  });

  it('takes the end of a window from the start one past it', () => {
    expect(tokenTexts(text, offsets.subarray(1, 4), 2)).toEqual([' ', 'c']);
  });
});
