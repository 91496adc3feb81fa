/**
 * The browser's path (Dexie over fake-indexeddb, h5wasm's Node build standing in for the worker's
 * file system): an imported project exported from the library and imported again is the same
 * recording — the same tiles (codes), tokens, corpus and tracks; and a recording with a model's
 * LM head exports its vocabulary and top-k predictions.
 */
import 'fake-indexeddb/auto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeH5 } from '../../src/cli/lstmvisFiles';
import { writeLstmvisProject } from '../../src/lib/lstmvis/write';
import { CellscopeDB } from '../../src/lib/store/db';
import { lstmvisExportInput } from '../../src/lib/store/lstmvisExport';
import { storeLstmvisProject } from '../../src/lib/store/lstmvisImport';
import { addModel } from '../../src/lib/store/library';
import { expected, fixtureProject, openDir } from '../helpers/lstmvisFixture';
import { loadAsLstmvis, loaderMissing } from '../helpers/lstmvisLoader';
import { loadDemoModel } from '../helpers/modelFixture';

let db: CellscopeDB;
let n = 0;
afterEach(() => db?.close());

async function importDir(dir: string): Promise<number> {
  const p = await openDir(dir);
  try {
    return await storeLstmvisProject(db, p);
  } finally {
    p.close();
  }
}

async function exportTo(id: number): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'lstmvis-rt-')), 'project');
  const { input } = await lstmvisExportInput(db, id);
  mkdirSync(dir);
  await writeLstmvisProject(await nodeH5(), input, {
    h5Path: (name) => join(dir, name),
    writeText: (name, text) => writeFileSync(join(dir, name), text)
  });
  return dir;
}

const rows = async (id: number) => ({
  rec: (await db.recordings.get(id))!,
  tiles: await db.tiles.where('recordingId').equals(id).sortBy('block'),
  tokens: await db.tokens.where('recordingId').equals(id).toArray(),
  tracks: await db.tracks.where('recordingId').equals(id).toArray()
});

describe('LSTMVis export from the library', () => {
  it('import → export → import stores the same recording (tiles, tokens, corpus, tracks)', async () => {
    db = new CellscopeDB(`lstmvis-rt-${n++}`);
    for (const name of ['words', 'chars'] as const) {
      const a = await rows(await importDir(fixtureProject(name)));
      const b = await rows(await importDir(await exportTo(a.rec.id!)));
      const same = <T extends object>(r: T) => {
        const { id: _i, createdAt: _c, updatedAt: _u, ...rest } = r as T & Record<string, unknown>;
        return rest;
      };
      expect(same(b.rec)).toEqual(same(a.rec));
      expect(b.tokens.map(({ recordingId: _r, ...t }) => t)).toEqual(
        a.tokens.map(({ recordingId: _r, ...t }) => t)
      );
      expect(b.tracks.map(({ id: _i, recordingId: _r, createdAt: _c, ...t }) => t)).toEqual(
        a.tracks.map(({ id: _i, recordingId: _r, createdAt: _c, ...t }) => t)
      );
      expect(b.tiles).toHaveLength(a.tiles.length);
      a.tiles.forEach((ta, i) => {
        const tb = b.tiles[i];
        expect([tb.stream, tb.chunk, tb.block]).toEqual([ta.stream, ta.chunk, ta.block]);
        // The same 8-bit codes; each unit's offset and step again, to float32 rounding.
        expect(tb.tile.q).toEqual(ta.tile.q);
        ta.tile.lo!.forEach((lo, u) => {
          expect(tb.tile.lo![u]).toBeCloseTo(lo, 6);
          expect(tb.tile.step![u]).toBeCloseTo(ta.tile.step![u], 7);
        });
      });
    }
  });

  it("writes a model's vocabulary as train.dict and its LM head's top-k as a wordvec meta", async () => {
    db = new CellscopeDB(`lstmvis-rt-${n++}`);
    const id = await importDir(fixtureProject('chars'));
    const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
    const vocab = model.tokenizer!.vocab;
    const rec = (await db.recordings.get(id))!;
    const T = rec.tokens;
    // Predictions as the recorder stores them, one row per chunk: the k = 5 ids after each token.
    const k = 5;
    const topIds = Int32Array.from({ length: T * k }, (_, i) => (i * 7) % vocab.length);
    const topProbs = Float32Array.from({ length: T * k }, (_, i) => 1 / (2 + (i % k)));
    await db.recordings.update(id, { modelSha: model.sha256, logits: 'logits' });
    await db.predictions.put({
      recordingId: id,
      chunk: 0,
      loss: new Float32Array(T),
      topIds,
      topProbs,
      k
    });
    const { input, fileName } = await lstmvisExportInput(db, id);
    expect(fileName).toMatch(/^code-lstm_parens-LSTMVis_\d{4}-\d\d-\d\d_lstmvis\.zip$/);
    expect(input.predictions).toEqual({ k, ids: topIds, probs: topProbs });
    expect(input.tokenOf(3)).toBe(vocab[3]);
    const missing = loaderMissing();
    if (missing) return console.warn(missing);
    const dir = await exportTo(id);
    const seen = loadAsLstmvis(dir);
    expect(seen.words).toEqual(expected.chars.ids.map((i) => vocab[i]).map(dictForm));
    expect(seen.meta.predictions.words![3]).toEqual(
      [...topIds.subarray(3 * k, 4 * k)].map((i) => dictForm(vocab[i]))
    );
    expect(seen.meta.predictions.weights![3]).toEqual([...topProbs.subarray(3 * k, 4 * k)]);
  });
});

/** A token as train.dict holds it (lstmvis/text.ts dictToken), for the few the demo vocab has. */
const dictForm = (t: string) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[t] ?? t;
