import { describe, expect, it } from 'vitest';
import { predictionsFromLogits } from './predictions';

/** Brute force in float64: softmax, then sort. */
function reference(logits: number[], next: number) {
  const max = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - max));
  const z = e.reduce((a, b) => a + b, 0);
  const p = e.map((x) => x / z);
  const order = p.map((x, i) => [x, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return { loss: next >= 0 ? -Math.log(p[next]) : NaN, top: order.slice(0, 5) };
}

describe('LM-head predictions', () => {
  it('top-5 and loss equal a float64 softmax, per step; no next token gives NaN loss', () => {
    const vocab = 37;
    const steps = 6;
    let seed = 3;
    const logits = Float32Array.from({ length: steps * vocab }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed / 2 ** 32) * 12 - 6;
    });
    const next = Int32Array.from([4, 0, 36, 17, 9, -1]);
    const p = predictionsFromLogits(logits, steps, vocab, next);
    expect(p.k).toBe(5);
    for (let t = 0; t < steps; t++) {
      const ref = reference(Array.from(logits.subarray(t * vocab, (t + 1) * vocab)), next[t]);
      if (next[t] < 0) expect(p.loss[t]).toBeNaN();
      else expect(p.loss[t]).toBeCloseTo(ref.loss, 5);
      for (let i = 0; i < 5; i++) {
        expect(p.topIds[t * 5 + i]).toBe(ref.top[i][1]);
        expect(p.topProbs[t * 5 + i]).toBeCloseTo(ref.top[i][0], 6);
      }
    }
  });

  it('refuses logits of the wrong size', () => {
    expect(() => predictionsFromLogits(new Float32Array(10), 3, 4, new Int32Array(3))).toThrow(
      /not 3 × 4/
    );
  });
});
