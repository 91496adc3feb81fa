/**
 * The atlas as files: JSON (the object `npm run analyze -- atlas --json` prints) and CSV, one
 * row per unit; null or an empty cell where no track explains the unit. Pure code.
 */
import type { Atlas } from '../analysis/atlas';

export function atlasJson(atlas: Atlas) {
  return {
    tracks: atlas.tracks,
    skipped: atlas.skipped,
    units: atlas.units.map((u) => ({
      stream: u.stream,
      unit: u.unit,
      track: u.track,
      score: u.score,
      heldout: u.heldout,
      chance: u.chance,
      metric: u.metric,
      sign: u.sign,
      margin: u.margin,
      candidate: u.candidate
    }))
  };
}

export function atlasCsv(atlas: Atlas): string {
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    const s = typeof v === 'number' ? String(+v.toFixed(6)) : v;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = 'stream,unit,track,score,heldout,chance,metric,sign,margin,candidate';
  const rows = atlas.units.map((u) =>
    [
      u.stream,
      u.unit,
      u.track,
      u.score,
      u.heldout,
      u.chance,
      u.metric,
      u.sign,
      u.margin,
      u.candidate
    ]
      .map(cell)
      .join(',')
  );
  return [head, ...rows].join('\n') + '\n';
}
