import { describe, expect, it } from 'vitest';
import type { FixedWindow } from '../onnx/fixedWindow';
import { planChunks } from './core';
import { checkWindowDocuments, windowChunkSize, windowNote } from './windowPlan';

const carried: FixedWindow = {
  steps: 16,
  stateInputs: [
    { input: 'h0', layer: 0, kind: 'h', dims: [1, 8] },
    { input: 'c0', layer: 0, kind: 'c', dims: [1, 8] }
  ],
  carried: true
};
const reset: FixedWindow = { steps: 16, stateInputs: [], carried: false };

describe('windowPlan', () => {
  it('chunks hold whole windows, so only a document’s last window is padded', () => {
    expect(windowChunkSize(carried, 2048)).toBe(2048);
    expect(windowChunkSize(carried, 100)).toBe(96);
    expect(windowChunkSize(carried, 5)).toBe(16);
    expect(windowChunkSize(reset, 2048)).toBe(16);
    // Documents of 41, 16 and 8 tokens: every chunk starts at a document start or a window edge.
    const chunks = planChunks(65, windowChunkSize(carried, 32), [0, 41, 57]);
    expect(chunks.map((c) => [c.start, c.length, c.reset])).toEqual([
      [0, 32, true],
      [32, 9, false],
      [41, 16, true],
      [57, 8, true]
    ]);
  });

  it('says what the recording does with the length', () => {
    expect(windowNote(carried)).toBe(
      "The model's graph takes exactly 16 tokens per run: each document is recorded in windows of 16, each starting from the state the one before ended in (fed to h0 and c0)."
    );
    expect(windowNote(reset)).toMatch(/builds its initial state inside.*at most 16 tokens\.$/);
  });

  it('without a carried state, refuses a document longer than one window, naming it', () => {
    expect(() => checkWindowDocuments(reset, [0, 10, 26], 30)).not.toThrow();
    expect(() => checkWindowDocuments(reset, [0, 10, 27], 30, { names: ['a', 'b', 'c'] })).toThrow(
      'Document 2 ("b") has 17 tokens, but this model\'s graph takes exactly 16 tokens per run and builds its initial state inside (no state inputs), so a document longer than 16 tokens cannot be recorded exactly. Split the corpus into documents of at most 16 tokens, or export the model with its initial state as inputs (h0, c0) or a dynamic time axis.'
    );
    expect(() => checkWindowDocuments(reset, [0], 40)).toThrow(/^Document 1 has 40 tokens/);
    expect(() => checkWindowDocuments(carried, [0], 100_000)).not.toThrow();
  });

  it('refuses a backward direction in windows (it would read the padding)', () => {
    expect(() => checkWindowDocuments(carried, [0], 4, { bidirectional: true })).toThrow(
      /has a backward direction, which would read the padding/
    );
  });
});
