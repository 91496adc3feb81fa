/**
 * Colours of the atlas's tracks: the seven Okabe–Ito hues (colour-blind safe) for the seven
 * tracks that explain most units, one dark grey for the rest (the table and the tooltip name
 * them), light grey for units no track explains.
 */
import { CATEGORICAL } from '../palette';

export const UNEXPLAINED = '#d9d9d9';
export const OTHER_TRACKS = '#5a5a5a';
const HUES = CATEGORICAL.slice(0, 7);

/** `tracks` most-explaining first. */
export function trackColours(tracks: readonly string[]): Map<string, string> {
  return new Map(tracks.map((t, i) => [t, HUES[i] ?? OTHER_TRACKS]));
}

/** How many units each track explains, most first. */
export function explainedCounts(atlas: { units: { track: string | null }[] }): [string, number][] {
  const n = new Map<string, number>();
  for (const u of atlas.units) if (u.track) n.set(u.track, (n.get(u.track) ?? 0) + 1);
  return [...n].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}
