/**
 * Which graphs have a fixed length and whether they expose their state, on torch exports
 * (tests/fixtures/unrolled, made by make_unrolled.py; tests/fixtures/loop) and on edits of them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedSteps } from './fixedWindow';
import { inspectModel } from './inspect';
import { decodeModel, ModelFormatError, type ModelProto } from './proto';
import { prepareForRecording } from './surgery';

const fixture = (path: string) =>
  decodeModel(
    new Uint8Array(readFileSync(new URL(`../../../tests/fixtures/${path}`, import.meta.url)))
  );
const windowOf = (m: ModelProto) => prepareForRecording(m).window;
const withState = (m: ModelProto, value: string) => {
  m.metadataProps = [...(m.metadataProps ?? []), { key: 'cellscope.state', value }];
  return m;
};

describe('fixedWindow', () => {
  it('an LSTM cell traced with h0, c0 inputs: 16 steps, its state carried through h0 and c0', () => {
    expect(windowOf(fixture('unrolled/state_lstm.onnx'))).toEqual({
      steps: 16,
      stateInputs: [
        { input: 'h0', layer: 0, kind: 'h', dims: [1, 8] },
        { input: 'c0', layer: 0, kind: 'c', dims: [1, 8] }
      ],
      carried: true
    });
  });

  it('a GRU cell that builds its zero state inside: 16 steps, nothing carried', () => {
    expect(windowOf(fixture('unrolled/reset_gru.onnx'))).toEqual({
      steps: 16,
      stateInputs: [],
      carried: false
    });
  });

  it('an LSTM op over a fixed length: carried (surgery exposes the op state)', () => {
    expect(windowOf(fixture('unrolled/op_lstm.onnx'))).toEqual({
      steps: 16,
      stateInputs: [],
      carried: true
    });
  });

  it('a dynamic time axis has no window', () => {
    const loop = fixture('loop/loop_lm.onnx');
    expect(fixedSteps(inspectModel(loop))).toBeNull();
    expect(windowOf(loop)).toBeNull();
  });

  it('a cell reading only h from a graph input (c built inside) is not carried', () => {
    // c0 becomes an initializer: the first step now reads a constant as its c.
    const m = fixture('unrolled/state_lstm.onnx');
    const g = m.graph!;
    g.input = g.input!.filter((i) => i.name !== 'c0');
    g.initializer!.push({ name: 'c0', dims: [1, 8], dataType: 1, floatData: Array(8).fill(0) });
    const w = windowOf(m)!;
    expect(w.stateInputs.map((s) => s.input)).toEqual(['h0']);
    expect(w.carried).toBe(false);
  });

  it('cellscope.state names the state inputs, and a wrong entry is refused, naming it', () => {
    const named = withState(fixture('unrolled/state_lstm.onnx'), '{"c0": "L0.c", "h0": "L0.h"}');
    expect(windowOf(named)!.stateInputs.map((s) => `${s.input}→L${s.layer}.${s.kind}`)).toEqual([
      'c0→L0.c',
      'h0→L0.h'
    ]);
    // Only h named: c is then not carried.
    expect(
      windowOf(withState(fixture('unrolled/state_lstm.onnx'), '{"h0": "L0.h"}'))!.carried
    ).toBe(false);
    const refused = (value: string) => () =>
      windowOf(withState(fixture('unrolled/state_lstm.onnx'), value));
    expect(refused('{"hx": "L0.h"}')).toThrow(
      /cellscope.state metadata names "hx", which is not a float input of the graph/
    );
    expect(refused('{"h0": "L1.h"}')).toThrow(/maps "h0" to "L1.h", which is no cell's h or c/);
    expect(refused('[1]')).toThrow(ModelFormatError);
    expect(refused('{')).toThrow(/is not JSON/);
  });
});
