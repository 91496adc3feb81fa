/**
 * Rankings and atlases kept with their recording: saved when computed, listed newest first,
 * deleted with the recording (recordings.ts). Reports are stored as computed (plain data).
 */
import type { Atlas } from '../analysis/atlas';
import type { RankReport } from '../analysis/rankReport';
import type { AnalysisRow, CellscopeDB } from './db';

/** A ranking, with the same track ranked on the untrained twin when there was one. */
export type StoredRanking = RankReport & { twin?: RankReport | null };

export interface KeptRanking extends AnalysisRow {
  kind: 'rank';
  report: StoredRanking;
}
export interface KeptAtlas extends AnalysisRow {
  kind: 'atlas';
  report: Atlas;
}

/** How many rankings a recording keeps; older ones go first. */
export const KEPT_RANKINGS = 20;

export async function saveRanking(
  db: CellscopeDB,
  recordingId: number,
  label: string,
  report: StoredRanking
): Promise<KeptRanking> {
  const row: KeptRanking = { recordingId, kind: 'rank', label, report, createdAt: Date.now() };
  await db.transaction('rw', db.analyses, async () => {
    row.id = await db.analyses.add(row);
    const all = await db.analyses.where({ recordingId, kind: 'rank' }).sortBy('createdAt');
    const old = all.slice(0, Math.max(0, all.length - KEPT_RANKINGS)).map((r) => r.id!);
    await db.analyses.bulkDelete(old);
  });
  return row;
}

export async function listRankings(db: CellscopeDB, recordingId: number): Promise<KeptRanking[]> {
  const rows = await db.analyses.where({ recordingId, kind: 'rank' }).sortBy('createdAt');
  return rows.reverse() as KeptRanking[];
}

export async function deleteAnalysis(db: CellscopeDB, id: number): Promise<void> {
  await db.analyses.delete(id);
}

/** The recording's atlas (one per recording: a new one replaces it). */
export async function saveAtlas(
  db: CellscopeDB,
  recordingId: number,
  label: string,
  report: Atlas
): Promise<KeptAtlas> {
  const row: KeptAtlas = { recordingId, kind: 'atlas', label, report, createdAt: Date.now() };
  await db.transaction('rw', db.analyses, async () => {
    await db.analyses.where({ recordingId, kind: 'atlas' }).delete();
    row.id = await db.analyses.add(row);
  });
  return row;
}

export async function loadAtlas(
  db: CellscopeDB,
  recordingId: number
): Promise<KeptAtlas | undefined> {
  const row = await db.analyses.where({ recordingId, kind: 'atlas' }).first();
  return row as KeptAtlas | undefined;
}
