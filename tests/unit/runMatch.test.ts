/** The match query over a stored recording: same result as the kernels on the full data, cached columns, refusals. */
import { describe, expect, it } from 'vitest';
import { constraintsFromPadding, findCandidates } from '../../src/lib/analysis/match';
import { runSpan, scoreCandidate, compareMatches } from '../../src/lib/analysis/matchScore';
import { unitTransform } from '../../src/lib/analysis/transform';
import { ColumnCache, MatchError, runMatch } from '../../src/lib/query/runMatch';
import { memoryRecording } from '../../src/lib/store/memoryRecording';

const T = 5000;
const U = 40;
const CHUNK = 128; // 40 chunks: long enough that column scans bypass the reader's tile cache

function recording(status: 'complete' | 'recording' = 'complete') {
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const values = new Float32Array(T * U);
  for (let i = 0; i < values.length; i++) values[i] = rand() < 0.35 ? 0.8 : -0.2;
  const { reader, reads } = memoryRecording({
    steps: T,
    units: U,
    chunkSize: CHUNK,
    chunkValues: (_c, start, rows) => values.subarray(start * U, (start + rows) * U),
    documentStarts: [0, 2500],
    status,
    chunksDone: 2
  });
  return { reader, values, reads };
}

const query = {
  stream: 's',
  units: [2, 17, 33],
  threshold: 0.3,
  padLeft: 1,
  padRight: 0,
  transform: unitTransform(new Float32Array(0), U, 'raw')
};

describe('match query over a stored recording', () => {
  it('ranks what the kernels rank on the full, decoded data; a second query reads no columns', async () => {
    const { reader, values, reads } = recording();
    const cache = new ColumnCache();
    const r = await runMatch(reader, query, { cache });
    // Reference: the same kernels straight on the values (they survive 8-bit coding exactly).
    const k = query.units.length;
    const cols = new Float32Array(T * k);
    for (let t = 0; t < T; t++)
      query.units.forEach((u, j) => (cols[t * k + j] = values[t * U + u]));
    const cons = constraintsFromPadding(1, 0);
    const scan = findCandidates(cols, k, 0.3, { ...cons, docStarts: [0, 2500] });
    expect(r.candidates).toBe(scan.candidates.length);
    expect(r.candidates).toBeGreaterThan(0);
    // Every ranked match is a candidate, scored as on the raw values, in LSTMVis order.
    for (const m of r.matches) {
      const c = scan.candidates.find((x) => x.start === m.start && x.end === m.end)!;
      const [from, to] = runSpan(c, cons);
      expect(
        scoreCandidate(c, values.subarray(from * U, to * U), U, query.units, 0.3, cons)
      ).toEqual(m);
      expect(m.start >= 2500 || m.end <= 2500).toBe(true); // never across the document start
    }
    for (let i = 1; i < r.matches.length; i++)
      expect(compareMatches(r.matches[i - 1], r.matches[i])).toBeLessThanOrEqual(0);

    const before = reads.tiles;
    const again = await runMatch(reader, { ...query, threshold: 0.5 }, { cache });
    expect(again.candidates).toBeGreaterThan(0);
    // θ 0.5 splits these values (0.8 / −0.2) as 0.3 did: the same candidates, whose windows the
    // reader still caches, and the columns come from the column cache — storage is not touched.
    expect(again.candidates).toBe(r.candidates);
    expect(reads.tiles - before).toBe(0);
    // Without the column cache the same query reads the 3 units' tiles of all 40 chunks again.
    const { reader: r2, reads: reads2 } = recording();
    await runMatch(r2, query);
    const first = reads2.tiles;
    await runMatch(r2, query);
    expect(reads2.tiles - first).toBe(40 * 3);
  });

  it('refuses a recording still in progress, and says why nothing matches', async () => {
    await expect(runMatch(recording('recording').reader, query)).rejects.toThrow(MatchError);
    await expect(runMatch(recording('recording').reader, query)).rejects.toThrow(
      /still being recorded/
    );
    const none = await runMatch(recording().reader, { ...query, threshold: 0.9 });
    expect(none.reason).toMatch(/never ≥ θ/);
    expect(none.matches).toEqual([]);
  });

  it('concurrent reads of one chunk (ranking a batch of candidates) fetch its tiles once', async () => {
    const { reader, reads } = recording();
    const [a, b] = await Promise.all([reader.window('s', 10, 20), reader.window('s', 30, 40)]);
    expect(reads.tiles).toBe(3); // chunk 0, 3 blocks of 16 units, once
    expect(a.length).toBe(10 * U);
    expect(b.length).toBe(10 * U);
    await reader.window('s', 50, 60);
    expect(reads.tiles).toBe(3); // and it stays cached
  });
});
