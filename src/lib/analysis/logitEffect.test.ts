/**
 * The head of the bundled model, found in its ONNX graph, against the weights onnx.numpy_helper
 * reads (tests/fixtures/unit/make_unit_fixtures.py): each unit's promoted and suppressed tokens.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findLinearHead } from '../onnx/lmHead';
import { decodeModel } from '../onnx/proto';
import { logitEffect, type TokenWeight } from './logitEffect';

const fx = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/unit/logitEffect.json', import.meta.url), 'utf8')
) as {
  weightName: string;
  hidden: number;
  vocab: number;
  units: Record<
    string,
    { promoted: TokenWeight[]; suppressed: TokenWeight[]; mean: number; std: number }
  >;
};

describe('logit effect of a unit of the bundled model', () => {
  const model = decodeModel(
    readFileSync(new URL('../../../models/code-lstm.onnx', import.meta.url))
  );
  const found = findLinearHead(model);

  for (const [unit, want] of Object.entries(fx.units))
    it(`unit ${unit}: the ten promoted and suppressed tokens as numpy reads them`, () => {
      if (!('head' in found)) throw new Error(found.reason);
      const e = logitEffect(found.head, Number(unit));
      // float32 weights: exact
      expect(e.promoted).toEqual(want.promoted);
      expect(e.suppressed).toEqual(want.suppressed);
      expect(e.mean).toBeCloseTo(want.mean, 12);
      expect(e.std).toBeCloseTo(want.std, 12);
    });

  it('refuses a unit the head does not read', () => {
    if (!('head' in found)) throw new Error(found.reason);
    expect(() => logitEffect(found.head, 256)).toThrow(/not one of the head's 256 inputs/);
  });
});
