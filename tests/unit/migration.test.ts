/** A database written by schema v1 (fixture made by the v1 code) opens under the current schema intact. */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { CellscopeDB, type RecordingRow } from '../../src/lib/store/db';
import { RecordingReader } from '../../src/lib/store/reader';
import { decodeFixture, V1_STORES } from '../fixtures/db-v1/schema';
import { root } from '../helpers/modelFixture';

const fixture = JSON.parse(readFileSync(`${root}tests/fixtures/db-v1/db-v1.json`, 'utf8')) as {
  dexieVersion: number;
  tables: Record<string, Record<string, unknown>[]>;
};
const tables = decodeFixture(
  fixture.tables,
  (p) => new Uint8Array(readFileSync(root + p))
) as Record<string, Record<string, unknown>[]>;

async function writeV1(name: string) {
  const v1 = new Dexie(name);
  v1.version(1).stores(V1_STORES);
  await v1.open();
  for (const [table, rows] of Object.entries(tables)) await v1.table(table).bulkPut(rows);
  v1.close();
}

describe('schema migration v1 → v2 (and on to v3, which only adds the analyses table)', () => {
  it('keeps every row, moves corpus texts to their own table and the recording stays readable', async () => {
    expect(fixture.dexieVersion).toBe(1);
    await writeV1('migrate-1');
    const db = new CellscopeDB('migrate-1');
    await db.open();
    expect(db.verno).toBe(3);

    const [corpusV1] = tables.corpora as { sha256: string; text: string; lines: number }[];
    const corpus = (await db.corpora.get(corpusV1.sha256))!;
    expect(corpus).not.toHaveProperty('text');
    expect(corpus.preview).toBe(corpusV1.text.slice(0, 80));
    expect(corpus.lines).toBe(corpusV1.lines);
    expect(corpus.documents).toEqual((tables.corpora[0] as { documents: unknown }).documents);
    expect((await db.loadCorpus(corpusV1.sha256))!.text).toBe(corpusV1.text);

    // Every other table is unchanged, row for row (model bytes compared as bytes: deep-equal is slow).
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ bytes: _b, ...r }) => r);
    const models = await db.models.toArray();
    expect(strip(models as unknown as Record<string, unknown>[])).toEqual(strip(tables.models));
    expect(Buffer.compare(models[0].bytes, tables.models[0].bytes as Uint8Array)).toBe(0);
    for (const table of ['tiles', 'tokens'] as const) {
      expect(await db.table(table).toArray()).toEqual(tables[table]);
    }
    // Recordings gain the tile width v1 used (64); nothing else changes.
    expect(await db.recordings.toArray()).toEqual(
      tables.recordings.map((r) => ({ ...r, tileUnits: 64 }))
    );
    // The v1 recording reads back: its tokens are the corpus's characters.
    const rec = (await db.recordings.toArray())[0] as RecordingRow;
    expect(rec.status).toBe('complete');
    const reader = new RecordingReader(db, rec);
    const { offsets } = await reader.tokens(0, rec.tokens);
    expect(offsets.length).toBe(rec.tokens);
    const window = await reader.window('L1.fwd.h', 0, rec.tokens);
    expect(window.length).toBe(rec.tokens * 256);
    expect(window.some((v) => v !== 0)).toBe(true);
    expect(await db.tracks.count()).toBe(0);
    expect(await db.findings.count()).toBe(0);
    db.close();
  });

  it('a migrated database can record again (new corpus rows have no text column)', async () => {
    await writeV1('migrate-2');
    const db = new CellscopeDB('migrate-2');
    const { addCorpus } = await import('../../src/lib/store/library');
    const row = await addCorpus(db, new TextEncoder().encode('int x;\n'), 'x.c');
    expect(row).not.toHaveProperty('text');
    expect((await db.loadCorpus(row.sha256))!.text).toBe('int x;\n');
    expect(await db.corpora.count()).toBe(2);
    db.close();
  });
});
