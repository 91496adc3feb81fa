import { describe, expect, it } from 'vitest';
import { exportName, isoDay, nameSourceOf, viewExportName } from './fileName';

const demo = {
  model: 'code-lstm.onnx',
  corpus: 'stb_c_lexer.h',
  recorded: new Date(2026, 11, 1, 16, 7)
};
const view = { stream: 'L1.fwd.h', t0: 1671, steps: 124, hoverT: 1695 };

describe('exported file names', () => {
  it('model, corpus, stream, window (first–last step), recording date', () => {
    expect(exportName(demo, { stream: 'L1.fwd.h', window: [1671, 1795], ext: 'npy' })).toBe(
      'code-lstm_stb_c_lexer_L1.fwd.h_t1671-1794_2026-12-01.npy'
    );
    expect(isoDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('every explorer export names what it holds', () => {
    const name = (kind: string | null, ext: string) => viewExportName(demo, view, kind, ext);
    const stem = 'code-lstm_stb_c_lexer_L1.fwd.h';
    expect(name(null, 'npy')).toBe(`${stem}_t1671-1794_2026-12-01.npy`);
    expect(name(null, 'png')).toBe(`${stem}_t1671-1794_2026-12-01.png`);
    expect(name('select', 'svg')).toBe(`${stem}_t1671-1794_2026-12-01_select.svg`);
    expect(name('units', 'csv')).toBe(`${stem}_t1671-1794_2026-12-01_units.csv`);
    expect(name('inspector', 'png')).toBe(`${stem}_t1695_2026-12-01_inspector.png`);
    expect(name('matches', 'csv')).toBe(`${stem}_2026-12-01_matches.csv`);
    expect(name('rank-is-newline', 'csv')).toBe(`${stem}_2026-12-01_rank-is-newline.csv`);
    expect(name('finding', 'json')).toBe(`${stem}_t1671-1794_2026-12-01.finding.json`);
  });

  it('odd names become safe file names; nothing known still names a file', () => {
    expect(
      exportName(
        { model: 'my model (v2).onnx', corpus: 'a/b:c.txt', recorded: null },
        { stream: 'tap./rnn/Y', ext: 'csv', kind: 'units' }
      )
    ).toBe('my-model-v2_a-b-c_tap.-rnn-Y_units.csv');
    expect(exportName({ model: '', corpus: '' }, { ext: 'json' })).toBe('cellscope.json');
  });

  it("a recording's names: as given, else from its own name", () => {
    const rec = { name: 'code-lstm.onnx × stb_c_lexer.h', createdAt: 5 };
    expect(nameSourceOf(rec)).toEqual({
      model: 'code-lstm.onnx',
      corpus: 'stb_c_lexer.h',
      recorded: 5
    });
    expect(nameSourceOf(rec, 'm.onnx', 'c.txt').model).toBe('m.onnx');
    expect(nameSourceOf({ name: 'code-lstm.onnx · rec.zarr' }).corpus).toBe('rec.zarr');
  });
});
