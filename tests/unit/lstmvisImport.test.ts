/**
 * Importing the h5py-made LSTMVis fixture projects into the library (Dexie over fake-indexeddb),
 * checked against expected.json (computed by the fixture script from the arrays it wrote): the
 * tokens and text, every state value (within the 8-bit tile codec's step), every meta track; and
 * that a failure half-way stores nothing.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { LstmvisProject } from '../../src/lib/lstmvis/project';
import { tokenAt } from '../../src/lib/lstmvis/text';
import { CellscopeDB } from '../../src/lib/store/db';
import { storeLstmvisProject } from '../../src/lib/store/lstmvisImport';
import { RecordingReader } from '../../src/lib/store/reader';
import { expected, fixtureProject, openDir } from '../helpers/lstmvisFixture';

let db: CellscopeDB;
let n = 0;
afterEach(() => db?.close());
const fresh = () => (db = new CellscopeDB(`lstmvis-${n++}`));

async function imported(name: 'words' | 'chars', ids?: string[]) {
  const p = await openDir(fixtureProject(name));
  try {
    const id = await storeLstmvisProject(fresh(), p, ids);
    return { id, p };
  } finally {
    p.close();
  }
}

/** Largest |stored − true| over a stream, and the codec's bound (half a step per tile unit). */
async function streamError(reader: RecordingReader, id: string, truth: number[], units: number) {
  const T = reader.length;
  const got = await reader.window(id, 0, T);
  let worst = 0;
  const lo = new Array(units).fill(Infinity);
  const hi = new Array(units).fill(-Infinity);
  truth.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(got[i] - v));
    lo[i % units] = Math.min(lo[i % units], v);
    hi[i % units] = Math.max(hi[i % units], v);
  });
  const bound = Math.max(...hi.map((h, u) => (h - lo[u]) / 510)) + 1e-6;
  return { worst, bound };
}

describe('LSTMVis import into the library', () => {
  it('stores the word-level project: corpus, streams, tokens and meta tracks as LSTMVis shows them', async () => {
    const want = expected.words;
    const { id } = await imported('words');
    const rec = (await db.recordings.get(id))!;
    expect(rec).toMatchObject({ name: want.name, modelSha: '', status: 'complete' });
    expect(rec.tokens).toBe(want.ids.length);
    expect(rec.chunksDone).toBe(rec.chunks);
    expect(rec.streams.map((s) => [s.id, s.kind, s.layer, s.units, s.range])).toEqual([
      ['L0.fwd.c', 'c', 0, 8, null],
      ['L0.fwd.h', 'h', 0, 8, null],
      ['L1.fwd.c', 'c', 1, 6, null],
      ['L1.fwd.h', 'h', 1, 6, null]
    ]);
    const corpus = (await db.loadCorpus(rec.corpusSha))!;
    expect(corpus.name).toBe('toy sentences (LSTMVis)');
    const reader = new RecordingReader(db, rec);
    const { ids, offsets } = await reader.tokens(0, rec.tokens);
    expect([...ids]).toEqual(want.ids);
    const words = want.tokens.map((_, t) => tokenAt(corpus.text, offsets, t));
    expect(words).toEqual(want.tokens);
    expect(corpus.text.startsWith(want.tokens.slice(0, 6).join(' '))).toBe(true);
    for (const s of Object.values(want.streams)) {
      const { worst, bound } = await streamError(reader, s.id, s.values, s.shape[1]);
      expect(worst).toBeLessThanOrEqual(bound);
    }
    const tracks = await db.tracks.where('recordingId').equals(id).toArray();
    expect(tracks.map((t) => t.name)).toEqual(Object.keys(want.tracks));
    for (const t of tracks) {
      const w = want.tracks[t.name];
      expect(t.kind).toBe(w.kind);
      expect(t.categories).toEqual(w.categories);
      expect([...t.values]).toEqual(w.values.map(Math.fround));
    }
  });

  it('rebuilds a char-level text exactly (the space token included) and keeps the stream order', async () => {
    const want = expected.chars;
    const { id } = await imported('chars');
    const rec = (await db.recordings.get(id))!;
    expect(rec.streams.map((s) => s.id)).toEqual(['L0.fwd.h', 'L0.fwd.c']);
    expect((await db.loadCorpus(rec.corpusSha))!.text).toBe(want.text);
    const reader = new RecordingReader(db, rec);
    for (const s of Object.values(want.streams)) {
      const { worst, bound } = await streamError(reader, s.id, s.values, s.shape[1]);
      expect(worst).toBeLessThanOrEqual(bound);
    }
  });

  it('stores streams under the names the user gave (a Keras project with h in "states")', async () => {
    const { id } = await imported('chars', ['L0.fwd.c', 'L0.fwd.h']);
    const rec = (await db.recordings.get(id))!;
    expect(rec.streams.map((s) => `${s.id}:${s.kind}`)).toEqual(['L0.fwd.c:c', 'L0.fwd.h:h']);
    const reader = new RecordingReader(db, rec);
    // output1 (h) is now L0.fwd.c
    const { worst, bound } = await streamError(
      reader,
      'L0.fwd.c',
      expected.chars.streams.output1.values,
      5
    );
    expect(worst).toBeLessThanOrEqual(bound);
  });

  it('refuses names that are not stream ids, or taken twice, before storing anything', async () => {
    const p = await openDir(fixtureProject('chars'));
    fresh();
    await expect(storeLstmvisProject(db, p, ['L0.fwd.h', 'L0.fwd.h'])).rejects.toThrow(
      'Two streams are named L0.fwd.h: give each its own name.'
    );
    await expect(storeLstmvisProject(db, p, ['hidden', 'L0.fwd.c'])).rejects.toThrow(
      /Stream name "hidden" is not a cellscope stream id: use L\{layer\}\.fwd\.h/
    );
    p.close();
    expect(await db.recordings.count()).toBe(0);
  });

  it('stores nothing when a read fails half-way (one transaction)', async () => {
    const p = await openDir(fixtureProject('words'));
    const failing: LstmvisProject = {
      ...p,
      rows: (i, t0, t1) => {
        if (i === 3) throw new Error('disk gone');
        return p.rows(i, t0, t1);
      }
    };
    fresh();
    await expect(storeLstmvisProject(db, failing)).rejects.toThrow('disk gone');
    p.close();
    for (const table of [db.recordings, db.tiles, db.tokens, db.tracks, db.corpora])
      expect(await table.count()).toBe(0);
  });
});
