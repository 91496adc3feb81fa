/** What the unit page's components share: series, the colour extent, token texts, split choices. */
import { format } from 'd3';
import type { UnitProfile } from '../../analysis/unitProfile';
import type { UnitContext } from '../../query/runUnitProfile';
import { tokenTexts } from '../../tokenize/tokenText';
import { visibleToken } from '../format';
import type { ShownTrack } from '../explorer/tracks.svelte';

/** One histogram series: counts on the profile's bin edges. */
export interface Series {
  label: string;
  counts: number[];
  colour: string;
}

/** A unit's values as text: 3 significant decimals, a true minus sign. */
export const fmtValue = (v: number): string =>
  Number.isFinite(v) ? format('.3f')(v).replace('-', '−') : '–';

/** The diverging scale's extent: the unit's largest |value|, rounded up (0 stays white). */
export function colourExtent(p: UnitProfile): number {
  const m = Math.max(Math.abs(p.min), Math.abs(p.max));
  if (!(m > 0)) return 1;
  const k = 10 ** (Math.floor(Math.log10(m)) - 1);
  // Two significant digits, without float residue (97 × 0.1 is 9.700000000000001).
  return Number((Math.ceil(m / k) * k).toPrecision(2));
}

/** The display text of each token of a context (whitespace made visible). */
export function contextTokens(c: UnitContext, text: string): string[] {
  return tokenTexts(text, c.offsets, c.to - c.from).map((s) => visibleToken(s) || ' ');
}

/** A token id as text: the model's vocabulary, else the corpus text where it first occurs. */
export function tokenLabel(
  id: number,
  vocab: string[] | null,
  spans: Record<number, [number, number]>,
  text: string
): string {
  const raw =
    vocab?.[id] ??
    (spans[id] ? text.slice(spans[id][0], spans[id][1] < 0 ? undefined : spans[id][1]) : null);
  return raw === null ? `#${id}` : visibleToken(raw) || ' ';
}

/** A split the inside/outside histograms can use: a shown track, or one category of it. */
export interface SplitChoice {
  key: string;
  label: string;
  track: ShownTrack;
  category?: number;
}

export function splitChoices(tracks: readonly ShownTrack[]): SplitChoice[] {
  return tracks.flatMap((track) =>
    track.kind === 'categorical'
      ? (track.categories ?? []).map((c, category) => ({
          key: `${track.key}#${category}`,
          label: `${track.name} is ${c}`,
          track,
          category
        }))
      : [{ key: track.key, label: track.name, track }]
  );
}
