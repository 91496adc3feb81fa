import { describe, expect, it } from 'vitest';
import { forgetOpenCounts, progressText } from './spaceText';

describe('Space tab words', () => {
  it('progress lines per job and phase', () => {
    expect(progressText(null)).toBe('Starting…');
    expect(progressText({ done: 1200, total: 34689, of: 'tokens' })).toBe(
      'Recomputing the gates (the recording kept none): 1,200 / 34,689 tokens'
    );
    expect(progressText({ done: 1, total: 4, of: 'values' })).toBe('Reading the stored gates… 25%');
    expect(progressText({ done: 2048, total: 4096, phase: 'reading' })).toBe(
      'Reading the steps… 50%'
    );
    expect(progressText({ done: 0, total: 0, phase: 'umap' })).toBe(
      'UMAP: finding each step’s nearest neighbours…'
    );
    expect(progressText({ done: 11, total: 500, phase: 'umap' })).toBe('UMAP: epoch 11 of 500');
  });

  it('long memory: LSTM forget gates, GRU update gates, open > half of the steps', () => {
    const g = (stream: string, right: number[]) => ({
      stream,
      steps: 10,
      left: new Float64Array(right.length),
      right: Float64Array.from(right)
    });
    const counts = forgetOpenCounts({
      source: 'stored',
      steps: 10,
      ms: 0,
      layers: [
        {
          layer: 'L0.fwd',
          op: 'LSTM',
          gates: [g('L0.fwd.i', [0.9, 0.9]), g('L0.fwd.f', [0.6, 0.5])]
        },
        {
          layer: 'L1.bwd',
          op: 'GRU',
          gates: [g('L1.bwd.z', [0.7, 0.8, 0.1]), g('L1.bwd.r', [1, 1, 1])]
        }
      ]
    });
    expect(counts).toEqual([
      { layer: 'L0.fwd', op: 'LSTM', gate: 'f', units: 2, open: 1 },
      { layer: 'L1.bwd', op: 'GRU', gate: 'z', units: 3, open: 2 }
    ]);
  });
});
