/** The findings library: import (one finding or a bundle), export all, open. */
import type { CellscopeDB, FindingRow } from '../store/db';
import { findingQuery, locateFinding } from './make';
import { MAX_FINDING_BYTES, parseFinding, type Finding } from './schema';

const BUNDLE_FORMAT = 'cellscope-findings/1';
// A bundle of typical findings (~10 KB each) holds thousands; a 50 MB file is not one.
const MAX_BUNDLE_BYTES = 10 * MAX_FINDING_BYTES;

/** Findings in a file: a single finding, or a bundle of them. Throws with a message. */
export function readFindingFile(text: string, fileName: string): Finding[] {
  if (text.length > MAX_BUNDLE_BYTES)
    throw new Error(
      `${fileName} is ${(text.length / 1e6).toFixed(0)} MB: too large to be cellscope findings.`
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON (${(e as Error).message}).`, { cause: e });
  }
  const bundle = data as { format?: unknown; findings?: unknown };
  if (bundle?.format === BUNDLE_FORMAT) {
    if (!Array.isArray(bundle.findings))
      throw new Error(`${fileName}: a findings bundle needs a "findings" list.`);
    return bundle.findings.map((f, i) =>
      parseFinding(JSON.stringify(f), `${fileName}, finding ${i + 1},`)
    );
  }
  return [parseFinding(text, fileName)];
}

export async function importFindings(db: CellscopeDB, findings: Finding[]): Promise<number[]> {
  const now = Date.now();
  return db.transaction('rw', db.findings, () =>
    Promise.all(
      findings.map((f) =>
        db.findings.add({
          title: f.title,
          finding: f,
          thumbnail: null,
          createdAt: now,
          updatedAt: now
        })
      )
    )
  );
}

export function bundle(rows: FindingRow[]): string {
  return JSON.stringify({ format: BUNDLE_FORMAT, findings: rows.map((r) => r.finding) }, null, 2);
}

/** The explorer query that shows a finding here, or why it cannot be shown. */
export async function openFinding(
  db: CellscopeDB,
  f: Finding
): Promise<{ query: string } | { problems: string[] }> {
  const where = await locateFinding(db, f);
  if ('problems' in where) return where;
  return { query: findingQuery(where.recordingId, f).toString() };
}
