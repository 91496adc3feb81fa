/**
 * A unit page's data read from a stored recording (the app's tile codec, in memory): the profile
 * is the one of the decoded column, contexts stay inside their document, the token response, the
 * gates read from the recording's gate streams, the bundled model's head effect, and the errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unitProfile } from '../../src/lib/analysis/unitProfile';
import { tokenResponse } from '../../src/lib/analysis/tokenResponse';
import { runUnitProfile, UnitCache, UnitProfileError } from '../../src/lib/query/runUnitProfile';
import { memoryRecording } from '../../src/lib/store/memoryRecording';
import { RecordingReader, type ChunkSource } from '../../src/lib/store/reader';

const [T, U, CHUNK] = [9000, 20, 1024];
const DOCS = [0, 3000, 3050, 7000];
const STREAMS = ['L1.fwd.h', 'L1.fwd.i', 'L1.fwd.f', 'L1.fwd.o'];
const valueOf = (s: number, t: number, u: number) =>
  Math.tanh(
    Math.sin((t + 1) * (u + 1) * 0.013 + s) * 2 + (((t * 7919 + u * 104729) % 97) - 48) / 60
  );
const idOf = (t: number) => (t * 31 + (t >> 3)) % 41;

/** One recording of four streams (h and three gates of layer 1); tokens with ids and offsets. */
function recording(o: { status?: 'complete' | 'recording'; chunksDone?: number } = {}) {
  const parts = STREAMS.map((stream, s) =>
    memoryRecording({
      steps: T,
      units: U,
      chunkSize: CHUNK,
      stream,
      range: s === 0 ? null : [0, 1],
      documentStarts: DOCS,
      ...o,
      chunkValues: (_c, start, rows) =>
        Float32Array.from({ length: rows * U }, (_, i) => {
          const v = valueOf(s, start + Math.floor(i / U), i % U);
          return s === 0 ? v : (v + 1) / 2;
        })
    })
  );
  const source: ChunkSource = {
    tiles: (stream, c, blocks) => parts[STREAMS.indexOf(stream)].source.tiles(stream, c, blocks),
    tokens: async (c) => {
      const start = c * CHUNK;
      const n = Math.min(CHUNK, T - start);
      return {
        ids: Int32Array.from({ length: n }, (_, i) => idOf(start + i)),
        offsets: Uint32Array.from({ length: n }, (_, i) => 2 * (start + i))
      };
    }
  };
  const rec = { ...parts[0].recording, streams: parts.flatMap((p) => p.recording.streams) };
  return new RecordingReader(source, rec);
}

const model = {
  sha: 'code-lstm',
  bytes: new Uint8Array(readFileSync(new URL('../../models/code-lstm.onnx', import.meta.url)))
};

describe('runUnitProfile', () => {
  it('profiles the decoded column; contexts around each pick, inside its document', async () => {
    const reader = recording();
    const res = await runUnitProfile(reader, 'L1.fwd.h', 7, { seed: 3 });
    const values = await reader.columns('L1.fwd.h', [7], 0, T);
    const [col] = await reader.codeColumns('L1.fwd.h', [7], 0, T);
    const want = unitProfile(col, { seed: 3, docStarts: DOCS, gap: 20 });
    expect(res.profile).toEqual(want);
    expect(res.profile.overall.reduce((a, b) => a + b)).toBe(T);
    expect(res.contexts).toHaveLength(10 + 10 + 15);
    for (const c of res.contexts) {
      const doc = DOCS.filter((s) => s <= c.t).length - 1;
      expect(c.from).toBeGreaterThanOrEqual(Math.max(DOCS[doc], c.t - 20));
      expect(c.to).toBeLessThanOrEqual(Math.min(DOCS[doc + 1] ?? T, c.t + 21));
      expect(c.t).toBeGreaterThanOrEqual(c.from);
      expect(c.t).toBeLessThan(c.to);
      expect(Array.from(c.values)).toEqual(Array.from(values.subarray(c.from, c.to)));
      expect(c.values[c.t - c.from]).toBe(c.value);
      expect(c.offsets[0]).toBe(2 * c.from);
      expect(c.ids[0]).toBe(idOf(c.from));
    }
    const r = tokenResponse(
      values,
      Int32Array.from({ length: T }, (_, t) => idOf(t)),
      { top: 10 }
    );
    expect(res.tokens).toEqual(r);
    expect([res.steps, res.total, res.units]).toEqual([T, T, U]);
  });

  it('reads the layer’s stored i/f/o gates over each context', async () => {
    const reader = recording();
    const res = await runUnitProfile(reader, 'L1.fwd.h', 4);
    expect(res.gates).toEqual({ source: 'stored', streams: ['L1.fwd.i', 'L1.fwd.f', 'L1.fwd.o'] });
    const c = res.contexts[0];
    const f = await reader.columns('L1.fwd.f', [4], c.from, c.to);
    expect(Array.from(c.gates!['L1.fwd.f'])).toEqual(Array.from(f));
    expect(Math.abs(c.gates!['L1.fwd.f'][0] - (valueOf(2, c.from, 4) + 1) / 2)).toBeLessThan(0.002);
  });

  it('the head effect for the stream the LM head reads; a reason for any other', async () => {
    const reader = recording();
    const h = await runUnitProfile(reader, 'L1.fwd.h', 3, { model, tokens: false });
    if (!('effect' in h.head)) throw new Error(h.head.reason);
    expect(h.head.effect.promoted).toHaveLength(10);
    const g = await runUnitProfile(reader, 'L1.fwd.i', 3, { model, tokens: false });
    expect(g.head).toEqual({
      reason:
        'The LM head (a MatMul on L1.fwd.h) reads L1.fwd.h only: a unit of L1.fwd.i has no direct effect on the logits.'
    });
    const none = await runUnitProfile(reader, 'L1.fwd.h', 3, { tokens: false });
    expect('reason' in none.head && none.head.reason).toMatch(/not in this browser's library/);
  });

  it('without gate streams: the model is an LSTM, so they can be recomputed; else why not', async () => {
    const { reader } = memoryRecording({
      steps: 3000,
      units: 8,
      stream: 'L1.fwd.h',
      chunkValues: (_c, start, rows) =>
        Float32Array.from({ length: rows * 8 }, (_, i) => Math.sin(start + i))
    });
    const lstm = await runUnitProfile(reader, 'L1.fwd.h', 2, { model, tokens: false });
    expect(lstm.gates).toEqual({
      source: 'none',
      reason: 'Gates were not recorded (kinds = h): record with kinds = all to store them.',
      recompute: true,
      wholeDocuments: false
    });
    const unknown = await runUnitProfile(reader, 'L1.fwd.h', 2, { tokens: false });
    expect(unknown.gates).toMatchObject({ source: 'none', recompute: false });
  });

  it('a partial recording is profiled over its recorded steps', async () => {
    const reader = recording({ status: 'recording', chunksDone: 4 });
    const res = await runUnitProfile(reader, 'L1.fwd.h', 0, { cache: new UnitCache() });
    expect([res.steps, res.total]).toEqual([4 * CHUNK, T]);
    expect(res.profile.steps).toBe(4 * CHUNK);
    expect(res.contexts.every((c) => c.to <= 4 * CHUNK)).toBe(true);
  });

  it('says what is wrong with a unit or stream that is not there, and can be cancelled', async () => {
    const reader = recording();
    await expect(runUnitProfile(reader, 'L1.fwd.h', 20)).rejects.toThrow(UnitProfileError);
    await expect(runUnitProfile(reader, 'L1.fwd.h', 20)).rejects.toThrow(
      'L1.fwd.h has units 0–19: there is no unit 20.'
    );
    await expect(runUnitProfile(reader, 'L0.fwd.c', 1)).rejects.toThrow(
      'This recording has no stream L0.fwd.c (it has L1.fwd.h, L1.fwd.i, L1.fwd.f, L1.fwd.o).'
    );
    const ac = new AbortController();
    const run = runUnitProfile(reader, 'L1.fwd.h', 2, {
      signal: ac.signal,
      onProgress: () => ac.abort()
    });
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
