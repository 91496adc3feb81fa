/**
 * A time-series corpus's columns as candidate tracks for the atlas, in place of the text
 * built-ins: each numeric column as it is, each labelled column as one 0/1 track per label
 * ("regime is storm"). The document column is not a track.
 */
import { columnValues, parseSeriesCsv } from '../tokenize/series';
import type { AtlasTrack } from './runAtlas';

export function seriesAtlasTracks(text: string, name: string): AtlasTrack[] {
  const table = parseSeriesCsv(text, name);
  return table.columns
    .filter((_, k) => k !== table.docColumn)
    .flatMap((column) => {
      const c = columnValues(table, column);
      if (c.kind === 'numeric') return [{ name: column, values: c.values }];
      return (c.categories ?? []).map((label, i) => ({
        name: `${column} is ${label}`,
        values: c.values.map((v) => (Number.isNaN(v) ? NaN : v === i ? 1 : 0))
      }));
    });
}
