/**
 * What `npm run analyze` prints for people: a short header and a table. (For scripts it prints
 * the JSON objects the browser exports: export/rankJson.ts, export/atlasExport.ts.)
 */
import type { RankReport } from '../lib/analysis/rankReport';
import type { AtlasResult } from '../lib/query/runAtlas';

const int = (n: number) => n.toLocaleString('en-US');
const fix = (x: number | null, d = 3) => (x === null ? '—' : x.toFixed(d));
const signed = (x: number | null, d = 3) =>
  x === null ? '—' : `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(d)}`;

/** Columns padded to their widest cell: left-aligned text, right-aligned numbers. */
function table(header: string[], rows: string[][], left: number[]): string[] {
  const width = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((x, c) => (left.includes(c) ? x.padEnd(width[c]) : x.padStart(width[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function rankText(r: RankReport, top = 20): string[] {
  const metric =
    r.metric === 'auc' ? 'AUC' : r.metric === 'pearson' ? 'Pearson |r|' : 'Spearman |ρ|';
  const split =
    r.split.by === 'documents'
      ? 'even documents / odd documents'
      : 'first half of the steps / second half';
  const out = [
    `track     ${r.track}`,
    `metric    ${metric} over ${int(r.steps)} steps${r.levels.length ? ` (depth levels > ${r.levels.join(', ')})` : ''}`
  ];
  if (r.baseRate)
    out.push(
      `base rate ${int(r.baseRate.positiveSteps)} positive steps of ${int(r.baseRate.steps)} (${((100 * r.baseRate.positiveSteps) / r.baseRate.steps).toFixed(1)}%) in ${int(r.baseRate.positiveRuns)} runs`
    );
  out.push(
    `held out  pick on ${split}: ${int(r.split.pickSteps)} / ${int(r.split.heldoutSteps)} steps`,
    `chance    best ${fix(r.chance.best)}, 95th percentile ${fix(r.chance.p95)} (best unit against ${r.chance.shifts} shifted copies of the track)`
  );
  const p = r.heldoutPick;
  out.push(
    p
      ? `pick      ${p.stream} unit ${p.unit}: ${fix(p.scorePick)} on the pick part, ${fix(p.scoreHeldout)} held out`
      : 'pick      none (no unit has a score on the pick part)'
  );
  for (const w of r.warnings) out.push(`warning   ${w}`);
  const shown = r.units.slice(0, top);
  out.push(
    '',
    ...table(
      ['stream', 'unit', 'score', 'sign', 'held-out', 'auc', 'r', 'spearman'],
      shown.map((u) => [
        u.stream,
        String(u.unit),
        fix(u.score),
        u.sign > 0 ? '+' : u.sign < 0 ? '−' : '0',
        fix(u.heldout),
        fix(u.auc),
        signed(u.r),
        signed(u.spearman)
      ]),
      [0]
    )
  );
  if (r.units.length > shown.length)
    out.push(`… ${int(r.units.length - shown.length)} more units (--top N, or --json)`);
  return out;
}

export function atlasText(a: AtlasResult, top = 20): string[] {
  const explained = a.units.filter((u) => u.track !== null);
  const byTrack = new Map<string, number>();
  for (const u of explained) byTrack.set(u.track!, (byTrack.get(u.track!) ?? 0) + 1);
  const out = [
    `${int(a.units.length)} units, ${int(a.steps)} steps, ${a.tracks.length} candidate tracks: ${int(explained.length)} units beat chance on one of them`
  ];
  for (const t of a.tracks) out.push(`  ${t}: ${int(byTrack.get(t) ?? 0)} units`);
  for (const s of a.skipped) out.push(`skipped   ${s.track}: ${s.reason}`);
  const best = [...explained].sort((x, y) => (y.margin ?? 0) - (x.margin ?? 0)).slice(0, top);
  if (best.length)
    out.push(
      '',
      ...table(
        ['stream', 'unit', 'track', 'score', 'held-out', 'chance', 'margin'],
        best.map((u) => [
          u.stream,
          String(u.unit),
          `${u.track}${u.sign < 0 ? ' (−)' : ''}`,
          fix(u.score),
          fix(u.heldout),
          fix(u.chance),
          fix(u.margin)
        ]),
        [0, 2]
      )
    );
  if (explained.length > best.length)
    out.push(`… ${int(explained.length - best.length)} more explained units (--top N, or --json)`);
  return out;
}
