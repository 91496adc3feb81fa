/**
 * Time-series corpora: a CSV with a header row and one row per step. A column named `doc` or
 * `document` marks documents (a change of value starts one); the model's feature columns are fed;
 * every other column is a track. Rows are "tokens": row r's text is its line of the CSV.
 */
import { dsvFormat } from 'd3-dsv';
import type { DocumentSpan } from './documents';

export class CsvError extends Error {
  override name = 'CsvError';
}

export interface SeriesTable {
  name: string;
  /** Column names (from the header, or "column 1"… when the first row is all numbers). */
  columns: string[];
  header: boolean;
  rows: number;
  /** UTF-16 offset of each data row's first character in the text. */
  rowStarts: Uint32Array;
  /** The cells, column by column, as written. */
  cells: string[][];
  /** Index of the document column, or null. */
  docColumn: number | null;
  /** Row index where each document starts, and its name. */
  documentStarts: number[];
  documentNames: string[];
}

const DOC_COLUMNS = new Set(['doc', 'document']);
const isNumber = (c: string) => c.trim() !== '' && Number.isFinite(Number(c));

function separatorOf(line: string): string {
  for (const s of [',', ';', '\t']) if (line.includes(s)) return s;
  return ',';
}

/** Parse a CSV corpus; throws CsvError naming the file, row and column of what is wrong. */
export function parseSeriesCsv(text: string, name: string): SeriesTable {
  const lineStarts: number[] = [];
  const lines: string[] = [];
  const re = /[^\r\n]*(\r\n|\n|\r|$)/g;
  for (let m = re.exec(text); m && m.index < text.length; m = re.exec(text)) {
    const line = m[0].replace(/[\r\n]+$/, '');
    if (line.trim() !== '') {
      lineStarts.push(m.index);
      lines.push(line);
    }
    if (!m[0].length) break;
  }
  if (!lines.length)
    throw new CsvError(`${name} is empty: it needs a header row and one row per step.`);
  const parse = dsvFormat(separatorOf(lines[0]));
  const first = parse.parseRows(lines[0])[0] ?? [];
  const header = first.some((c) => !isNumber(c));
  const columns = header
    ? first.map((c, i) => c.trim() || `column ${i + 1}`)
    : first.map((_, i) => `column ${i + 1}`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup)
    throw new CsvError(
      `${name}: the header names column "${dup}" twice; give each column its own name.`
    );
  const body = header ? 1 : 0;
  const rows = lines.length - body;
  if (rows < 1) throw new CsvError(`${name} has a header but no rows: add one row per step.`);
  const cells = columns.map(() => Array<string>(rows));
  for (let r = 0; r < rows; r++) {
    const line = lines[r + body];
    const parsed = parse.parseRows(line);
    const row = parsed[0] ?? [];
    if (parsed.length !== 1 || row.length !== columns.length) {
      throw new CsvError(
        `${name}, row ${r + body + 1}: ${row.length} values, but the header has ${columns.length}. Every row must have the same number of columns (quoted fields may not span lines).`
      );
    }
    for (let k = 0; k < columns.length; k++) cells[k][r] = row[k].trim();
  }
  const docColumn = columns.findIndex((c) => DOC_COLUMNS.has(c.toLowerCase()));
  const documentStarts: number[] = [0];
  const documentNames: string[] = [];
  if (docColumn >= 0) {
    const docs = cells[docColumn];
    documentNames.push(docs[0]);
    for (let r = 1; r < rows; r++) {
      if (docs[r] !== docs[r - 1]) {
        documentStarts.push(r);
        documentNames.push(docs[r]);
      }
    }
  } else documentNames.push(name);
  return {
    name,
    columns,
    header,
    rows,
    rowStarts: Uint32Array.from(lineStarts.slice(body)),
    cells,
    docColumn: docColumn >= 0 ? docColumn : null,
    documentStarts,
    documentNames
  };
}

/** The documents as character ranges of the CSV text (each a run of rows). */
export function seriesDocuments(table: SeriesTable, text: string): DocumentSpan[] {
  return table.documentStarts.map((s, i) => {
    const next = table.documentStarts[i + 1];
    return {
      name: table.documentNames[i],
      start: table.rowStarts[s],
      end: next === undefined ? text.length : table.rowStarts[next]
    };
  });
}

/** The columns a model takes: named by its metadata, or the first `width` numeric columns. */
export function featureColumns(
  table: SeriesTable,
  named: string[] | null,
  width: number | null
): string[] {
  if (named) {
    const missing = named.filter((c) => !table.columns.includes(c));
    if (missing.length) {
      throw new CsvError(
        `${table.name} has no column ${missing.map((m) => `"${m}"`).join(', ')}, which the model takes as features (its columns: ${table.columns.join(', ')}).`
      );
    }
    if (width !== null && named.length !== width) {
      throw new CsvError(
        `The model names ${named.length} feature columns but its input takes ${width} per step.`
      );
    }
    return named;
  }
  const numeric = table.columns.filter(
    (c, k) => k !== table.docColumn && table.cells[k].every(isNumber)
  );
  const n = width ?? numeric.length;
  if (numeric.length < n) {
    throw new CsvError(
      `${table.name} has ${numeric.length} numeric columns but the model takes ${n} features per step.`
    );
  }
  return numeric.slice(0, n);
}

/** The named columns as a [rows, columns] float32 matrix; every cell must be a number. */
export function featureMatrix(table: SeriesTable, columns: string[]): Float32Array {
  const F = columns.length;
  const data = new Float32Array(table.rows * F);
  columns.forEach((c, f) => {
    const k = table.columns.indexOf(c);
    const col = table.cells[k];
    for (let r = 0; r < table.rows; r++) {
      if (!isNumber(col[r])) {
        throw new CsvError(
          `${table.name}, row ${r + (table.header ? 2 : 1)}, column "${c}": "${col[r]}" is not a number; every feature cell must be one.`
        );
      }
      data[r * F + f] = Number(col[r]);
    }
  });
  return data;
}

/** A column's values as numbers when every cell is one, else null (a categorical column). */
export function numericColumn(table: SeriesTable, column: string): Float64Array | null {
  const col = table.cells[table.columns.indexOf(column)];
  if (!col || !col.every(isNumber)) return null;
  return Float64Array.from(col, Number);
}

/**
 * A column's values per step, as a track holds them: numbers when every cell is one, else indices
 * into its labels in order of first appearance (an empty cell: NaN, not counted).
 */
export function columnValues(
  table: SeriesTable,
  column: string
): { kind: 'numeric' | 'categorical'; values: Float32Array; categories?: string[] } {
  const k = table.columns.indexOf(column);
  if (k < 0) throw new CsvError(`${table.name} has no column "${column}".`);
  const numeric = numericColumn(table, column);
  if (numeric) return { kind: 'numeric', values: Float32Array.from(numeric) };
  const categories: string[] = [];
  const index = new Map<string, number>();
  const values = Float32Array.from(table.cells[k], (c) => {
    if (c === '') return NaN;
    let i = index.get(c);
    if (i === undefined) {
      i = categories.push(c) - 1;
      index.set(c, i);
    }
    return i;
  });
  return { kind: 'categorical', values, categories };
}
