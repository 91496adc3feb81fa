/**
 * The atlas: every unit's best explanation among many candidate tracks. Each track has been
 * ranked against every unit (rankReport.ts); a unit is explained by a track when its score
 * beats the best score any unit reaches against the shifted copies of that track (the chance
 * baseline, which already pays for picking the best of all units) and its held-out score stays
 * at or above the chance's 95th percentile. Among the tracks that explain it, the unit takes the
 * one it beats chance by most, measured as the fraction of the way from chance to a perfect
 * score — comparable across AUC and |r|. A unit no track explains says so. Pure code.
 */
import type { RankReport } from './rankReport';

export interface AtlasEntry {
  stream: string;
  unit: number;
  /** the explaining track, or null when no track beats chance */
  track: string | null;
  /** the best candidate (the explaining track, or the closest miss) */
  candidate: string | null;
  metric: RankReport['metric'] | null;
  score: number | null;
  sign: number;
  heldout: number | null;
  /** the candidate's chance baseline (best score of any unit against its shifted copies) */
  chance: number | null;
  /** (score − chance) / (1 − chance): 1 is perfect, ≤ 0 is no better than chance */
  margin: number | null;
}

export interface Atlas {
  tracks: string[];
  units: AtlasEntry[];
  /** tracks left out, with why (constant in this recording, wrong length…) */
  skipped: { track: string; reason: string }[];
}

const key = (stream: string, unit: number) => `${stream}\u0000${unit}`;

export function buildAtlas(
  reports: RankReport[],
  skipped: { track: string; reason: string }[] = []
): Atlas {
  const best = new Map<string, AtlasEntry>();
  const order: string[] = [];
  for (const rep of reports) {
    const chance = rep.chance.best;
    const p95 = rep.chance.p95 ?? chance;
    for (const u of rep.units) {
      const k = key(u.stream, u.unit);
      if (!best.has(k)) {
        order.push(k);
        best.set(k, empty(u.stream, u.unit));
      }
      if (u.score === null || chance === null) continue;
      const margin = chance < 1 ? (u.score - chance) / (1 - chance) : 0;
      const explains = margin > 0 && u.heldout !== null && p95 !== null && u.heldout >= p95;
      const cur = best.get(k)!;
      const better =
        (explains && (cur.track === null || margin > cur.margin!)) ||
        (!explains && cur.track === null && (cur.margin === null || margin > cur.margin));
      if (!better) continue;
      best.set(k, {
        stream: u.stream,
        unit: u.unit,
        track: explains ? rep.track : null,
        candidate: rep.track,
        metric: rep.metric,
        score: u.score,
        sign: u.sign,
        heldout: u.heldout,
        chance,
        margin
      });
    }
  }
  return { tracks: reports.map((r) => r.track), units: order.map((k) => best.get(k)!), skipped };
}

function empty(stream: string, unit: number): AtlasEntry {
  return {
    stream,
    unit,
    track: null,
    candidate: null,
    metric: null,
    score: null,
    sign: 0,
    heldout: null,
    chance: null,
    margin: null
  };
}
