/**
 * The bundled model's card is a test: record the demo corpus with the record command (as a user
 * does), rank every unit with the same engine as the browser and `npm run analyze`, and check
 * each unit the card names (models/code-lstm.claims.json) still reaches its figures, stays
 * among the best three, and beats the chance baseline.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_TRACKS, builtinTracks } from '../../src/lib/analysis/builtinTracks';
import { openRecordingDir, type OpenedRecording } from '../../src/cli/recordingDir';
import { rankAllUnits } from '../../src/lib/query/rankAll';
import { root } from '../helpers/modelFixture';
import { recordHere } from '../helpers/recordCli';

interface Claim {
  builtin: string;
  stream: string;
  unit: number;
  score: number;
  heldout: number;
}
const card = JSON.parse(readFileSync(join(root, 'models/code-lstm.claims.json'), 'utf8')) as {
  corpus: string;
  claims: Claim[];
};
const TOLERANCE = 0.01;

describe('the code-lstm model card', () => {
  const out = mkdtempSync(join(tmpdir(), 'card-'));
  let rec: OpenedRecording;
  beforeAll(async () => {
    const r = await recordHere([
      '--model',
      join(root, 'models/code-lstm.onnx'),
      '--text',
      join(root, card.corpus),
      '--streams',
      'h,c',
      '--out',
      out
    ]);
    expect(r.stderr).toBe('');
    rec = await openRecordingDir(out);
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(card.claims)('$builtin: $stream unit $unit', async (claim) => {
    const info = BUILTIN_TRACKS.find((b) => b.id === claim.builtin)!;
    const track = builtinTracks(rec.corpus!.text, rec.corpus!.offsets, { ids: [info.id] }).get(
      info.id
    )!;
    const rep = await rankAllUnits(rec.reader, track.values, {
      name: info.name,
      depthLike: info.depthLike
    });
    const at = rep.units.findIndex((u) => u.stream === claim.stream && u.unit === claim.unit);
    expect(at, `${claim.stream} unit ${claim.unit} among the best three`).toBeLessThan(3);
    const u = rep.units[at];
    expect(u.score!).toBeGreaterThan(claim.score - TOLERANCE);
    expect(u.heldout!).toBeGreaterThan(claim.heldout - TOLERANCE);
    expect(u.score!).toBeGreaterThan(rep.chance.best!);
  });
});
