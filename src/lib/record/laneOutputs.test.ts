import { describe, expect, it } from 'vitest';
import { laneTensor, outputLaneAxes, type LaneAxes } from './laneOutputs';

/** A tensor whose every value encodes its index: value = Σ index[i]·10^(rank-1-i). */
function indexed(dims: number[]) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let flat = 0; flat < n; flat++) {
    let rest = flat;
    let v = 0;
    for (let i = dims.length - 1, scale = 1; i >= 0; i--, scale *= 10) {
      v += (rest % dims[i]) * scale;
      rest = Math.floor(rest / dims[i]);
    }
    data[flat] = v;
  }
  return { data, dims };
}

/** The reference: every index of the lane's part, read element by element. */
function naive(dims: number[], axes: LaneAxes, lane: number, length: number): number[] {
  const out = dims.map((d, i) => (i === axes.batch ? 1 : i === axes.time ? length : d));
  const values: number[] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === out.length) {
      const src = prefix.map((v, i) => (i === axes.batch ? lane : v));
      values.push(src.reduce((a, v) => a * 10 + v, 0));
      return;
    }
    for (let k = 0; k < out[prefix.length]; k++) walk([...prefix, k]);
  };
  walk([]);
  return values;
}

describe('one lane of a batched output', () => {
  const cases: [string, number[], LaneAxes][] = [
    ['[batch, seq, vocab]', [3, 5, 4], { batch: 0, time: 1 }],
    ['[seq, batch, vocab]', [5, 3, 4], { batch: 1, time: 0 }],
    ['[batch, classes]', [3, 6], { batch: 0, time: null }],
    ['[layers, batch, hidden]', [2, 3, 4], { batch: 1, time: null }],
    ['[seq, dirs, batch, hidden]', [5, 1, 3, 2], { batch: 2, time: 0 }]
  ];
  for (const [name, dims, axes] of cases)
    it(name, () => {
      for (const lane of [0, 2]) {
        const length = axes.time === null ? dims[0] : 3;
        const t = laneTensor(indexed(dims), axes, lane, length);
        expect(Array.from(t.data as Float32Array)).toEqual(naive(dims, axes, lane, length));
        expect(t.dims[axes.batch]).toBe(1);
        if (axes.time !== null) expect(t.dims[axes.time]).toBe(length);
      }
    });

  it("finds the axes from the token input's named dims, or says which output has none", () => {
    const tokenInput = { name: 'tokens', elemType: 'int64', rank: 2, seqAxis: 1 };
    const inputs = [{ name: 'tokens', elemType: 'int64', dims: ['batch', 'seq'] }];
    const outputs = [
      { name: 'logits', elemType: 'float', dims: ['seq', 'batch', 98] },
      { name: 'hn', elemType: 'float', dims: [2, 'batch', 8] },
      { name: 'fixed', elemType: 'float', dims: [1, 3] }
    ];
    expect(outputLaneAxes({ inputs, outputs }, tokenInput, ['logits', 'hn'])).toEqual({
      axes: { logits: { batch: 1, time: 0 }, hn: { batch: 1, time: null } }
    });
    expect(outputLaneAxes({ inputs, outputs }, tokenInput, ['fixed'])).toEqual({
      refusal: 'the output fixed has no batch axis "batch" declared'
    });
    const oneD = { ...tokenInput, rank: 1, seqAxis: 0 };
    expect(outputLaneAxes({ inputs: [{ ...inputs[0], dims: ['T'] }], outputs }, oneD, [])).toEqual({
      refusal: 'the token input tokens has no named batch axis'
    });
  });
});
