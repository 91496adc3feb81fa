/**
 * A time-series corpus's columns for the explorer: the table parsed once, the columns the model
 * takes (drawn as small multiples under the heatmap) and every column as a track (numeric, or
 * categorical when a cell is not a number — e.g. a regime label).
 */
import type { Track } from '../../analysis/tracks';
import type { FeatureInput } from '../../onnx/featureInput';
import type { LoadedCorpus } from '../../store/db';
import {
  columnValues,
  featureColumns,
  numericColumn,
  parseSeriesCsv,
  type SeriesTable
} from '../../tokenize/series';

export interface SeriesColumns {
  table: SeriesTable;
  /** the columns the model is fed, in order */
  features: string[];
  /** the columns its forecast output predicts (a subset of the table's), if it has one */
  targets: string[];
  /** the columns offered as tracks: all but the document column */
  trackable: string[];
  /** numeric values per column (null: categorical) */
  values: Map<string, Float64Array | null>;
}

export function seriesColumns(
  corpus: LoadedCorpus,
  input: FeatureInput | null
): SeriesColumns | null {
  if (!corpus.series) return null;
  const table = parseSeriesCsv(corpus.text, corpus.name);
  const features = featureColumns(table, input?.columns ?? null, input?.width ?? null);
  const values = new Map(table.columns.map((c) => [c, numericColumn(table, c)] as const));
  return {
    table,
    features,
    targets: (input?.targets ?? []).filter((c) => table.columns.includes(c)),
    trackable: table.columns.filter((_, k) => k !== table.docColumn),
    values
  };
}

/** A column of the series as a track (see tokenize/series.ts columnValues). */
export function columnTrack(s: SeriesColumns, column: string): Track {
  return { name: column, ...columnValues(s.table, column) };
}
