/** Float features for models without a token input: a CSV with one row per timestep. */
export class CsvError extends Error {
  override name = 'CsvError';
}

export interface FeatureTable {
  rows: number;
  cols: number;
  /** [rows, cols] row-major */
  data: Float32Array;
  header: string[] | null;
}

export function parseFeatureCsv(text: string, name: string): FeatureTable {
  const lines = text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (!lines.length)
    throw new CsvError(`${name} is empty: it needs one row of numbers per timestep.`);
  const split = (l: string) => l.split(/[,;\t]/).map((c) => c.trim());
  let header: string[] | null = null;
  if (split(lines[0]).some((c) => c !== '' && Number.isNaN(Number(c))))
    header = split(lines.shift()!);
  if (!lines.length) throw new CsvError(`${name} has a header but no rows.`);
  const cols = split(lines[0]).length;
  const data = new Float32Array(lines.length * cols);
  lines.forEach((line, r) => {
    const cells = split(line);
    if (cells.length !== cols) {
      throw new CsvError(
        `${name}, row ${r + 1 + (header ? 1 : 0)}: ${cells.length} values, but the first row has ${cols}. Every row must have the same number of columns.`
      );
    }
    cells.forEach((c, k) => {
      const v = Number(c);
      if (c === '' || Number.isNaN(v)) {
        throw new CsvError(
          `${name}, row ${r + 1 + (header ? 1 : 0)}, column ${k + 1}: "${c}" is not a number.`
        );
      }
      data[r * cols + k] = v;
    });
  });
  return { rows: lines.length, cols, data, header };
}
