import { describe, expect, it } from 'vitest';
import { kindsOf, recordedOn, streamsSummary } from './recordingLabel';

const lstm = (kinds: string[], layers = 2) =>
  Array.from({ length: layers }, (_, layer) =>
    kinds.map((kind) => ({ id: `L${layer}.fwd.${kind}`, kind, layer, dir: 'fwd' }))
  ).flat();

describe('telling recordings apart', () => {
  it('the date and time it was made', () => {
    expect(recordedOn(new Date(2026, 11, 1, 16, 7).getTime())).toBe('1 Dec 2026, 16:07');
  });

  it('its streams as kinds of layers', () => {
    expect(streamsSummary(lstm(['h']))).toBe('h of L0.fwd, L1.fwd');
    expect(streamsSummary(lstm(['h', 'c']))).toBe('h, c of L0.fwd, L1.fwd');
    expect(streamsSummary(lstm(['h', 'c', 'i', 'f', 'o', 'g'], 1))).toBe(
      'h, c, i, f, o, g of L0.fwd'
    );
    expect(
      streamsSummary([
        { id: 'L0.bwd.h', kind: 'h', layer: 0, dir: 'bwd' },
        { id: 'tensor:/a', kind: 'tensor', layer: 0, dir: 'fwd' },
        { id: 'tensor:/b', kind: 'tensor', layer: 0, dir: 'fwd' }
      ])
    ).toBe('h of L0.bwd + tensor:/a + tensor:/b');
    expect(streamsSummary([])).toBe('no streams');
    expect(kindsOf(lstm(['h', 'c']))).toBe('h, c');
  });
});
