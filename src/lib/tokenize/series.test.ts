import { describe, expect, it } from 'vitest';
import {
  CsvError,
  columnValues,
  featureColumns,
  featureMatrix,
  numericColumn,
  parseSeriesCsv,
  seriesDocuments
} from './series';

const csv = 'doc,load,temp,regime\nA,1,2,calm\nA,3,4,calm\n\nB,5,6,storm\nB,"7",8,storm\n';

describe('a CSV time series', () => {
  it('reads the header, the rows, their line offsets and the documents', () => {
    const t = parseSeriesCsv(csv, 'x.csv');
    expect(t.columns).toEqual(['doc', 'load', 'temp', 'regime']);
    expect(t.rows).toBe(4);
    expect(t.docColumn).toBe(0);
    expect(t.documentStarts).toEqual([0, 2]);
    expect(t.documentNames).toEqual(['A', 'B']);
    // each row's offset is its line's first character; the blank line is skipped
    expect(Array.from(t.rowStarts, (o) => csv.slice(o, csv.indexOf('\n', o)))).toEqual([
      'A,1,2,calm',
      'A,3,4,calm',
      'B,5,6,storm',
      'B,"7",8,storm'
    ]);
    const docs = seriesDocuments(t, csv);
    expect(docs.map((d) => csv.slice(d.start, d.end))).toEqual([
      'A,1,2,calm\nA,3,4,calm\n\n',
      'B,5,6,storm\nB,"7",8,storm\n'
    ]);
  });

  it('feeds the metadata-named columns in their order, else the first numeric ones', () => {
    const t = parseSeriesCsv(csv, 'x.csv');
    expect(featureColumns(t, ['temp', 'load'], 2)).toEqual(['temp', 'load']);
    expect(Array.from(featureMatrix(t, ['temp', 'load']))).toEqual([2, 1, 4, 3, 6, 5, 8, 7]);
    expect(featureColumns(t, null, 2)).toEqual(['load', 'temp']);
    expect(featureColumns(t, null, null)).toEqual(['load', 'temp']);
    expect(numericColumn(t, 'regime')).toBeNull();
    expect(Array.from(numericColumn(t, 'load')!)).toEqual([1, 3, 5, 7]);
  });

  it('gives a labelled column as categories in order of first appearance', () => {
    const t = parseSeriesCsv('x,regime\n1,storm\n2,calm\n3,\n4,storm\n', 'r.csv');
    const c = columnValues(t, 'regime');
    expect(c.kind).toBe('categorical');
    expect(c.categories).toEqual(['storm', 'calm']);
    expect(Array.from(c.values)).toEqual([0, 1, NaN, 0]);
    expect(columnValues(t, 'x')).toEqual({
      kind: 'numeric',
      values: Float32Array.from([1, 2, 3, 4])
    });
    expect(() => columnValues(t, 'y')).toThrow(/r\.csv has no column "y"/);
  });

  it('reads a file without a header as numbered columns, one document', () => {
    const t = parseSeriesCsv('1;2\r\n3;4\r\n', 'n.csv');
    expect(t.header).toBe(false);
    expect(t.columns).toEqual(['column 1', 'column 2']);
    expect(t.documentStarts).toEqual([0]);
    expect(Array.from(featureMatrix(t, featureColumns(t, null, 2)))).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['', /x\.csv is empty/],
    ['a,b\n', /has a header but no rows/],
    ['a,b\n1,2\n3\n', /x\.csv, row 3: 1 values, but the header has 2/],
    ['a,a\n1,2\n', /names column "a" twice/]
  ])('refuses %j with a message that names the problem', (text, message) => {
    expect(() => parseSeriesCsv(text, 'x.csv')).toThrow(CsvError);
    expect(() => parseSeriesCsv(text, 'x.csv')).toThrow(message);
  });

  it('refuses feature cells that are not numbers, and columns the model names but the file lacks', () => {
    const t = parseSeriesCsv('a,b\n1,2\n3,n/a\n', 'x.csv');
    expect(() => featureMatrix(t, ['a', 'b'])).toThrow(/row 3, column "b": "n\/a" is not a number/);
    expect(() => featureColumns(t, ['a', 'c'], 2)).toThrow(
      /has no column "c", which the model takes/
    );
    expect(() => featureColumns(t, ['a'], 2)).toThrow(
      /names 1 feature columns but its input takes 2/
    );
    expect(() => featureColumns(parseSeriesCsv('a,b\n1,x\n', 'y.csv'), null, 2)).toThrow(
      /has 1 numeric columns but the model takes 2/
    );
  });
});
