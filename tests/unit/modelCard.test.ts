/**
 * Every bundled model's card is a test: for each models/NAME.claims.json, record its example
 * corpus with the record command (as a user does), rank every unit with the same engine as the
 * browser and `npm run analyze`, and check each unit the card names still reaches its figures,
 * stays among the best three, and beats the chance baseline.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankTrack } from '../../src/cli/analyzeTracks';
import { openRecordingDir, type OpenedRecording } from '../../src/cli/recordingDir';
import { rankAllUnits } from '../../src/lib/query/rankAll';
import { root } from '../helpers/modelFixture';
import { recordHere } from '../helpers/recordCli';

interface Claim {
  /** a built-in track… */
  builtin?: string;
  /** …or a track file (the column to rank by) */
  track?: string;
  column?: string;
  /** the value of a categorical column to rank by (`--category`) */
  category?: string;
  stream: string;
  unit: number;
  score: number;
  heldout: number;
}
interface Card {
  /** default: models/NAME.onnx */
  model?: string;
  /** a text corpus, recorded with --text… */
  corpus?: string;
  /** …or a time-series CSV, recorded with --csv */
  csv?: string;
  /** streams to record (default h,c) */
  streams?: string;
  /** how the corpus splits into documents (record's --documents; default: whole) */
  documents?: string;
  claims: Claim[];
}
const TOLERANCE = 0.01;
const cards = readdirSync(join(root, 'models'))
  .filter((f) => f.endsWith('.claims.json'))
  .map((f) => ({
    name: f.replace(/\.claims\.json$/, ''),
    card: JSON.parse(readFileSync(join(root, 'models', f), 'utf8')) as Card
  }));

it('finds the bundled cards', () => {
  expect(cards.map((c) => c.name)).toContain('code-lstm');
});

for (const { name, card } of cards) {
  describe(`the ${name} model card`, () => {
    const out = mkdtempSync(join(tmpdir(), 'card-'));
    let rec: OpenedRecording;
    beforeAll(async () => {
      const r = await recordHere([
        ...['--model', join(root, card.model ?? `models/${name}.onnx`)],
        ...(card.csv ? ['--csv', join(root, card.csv)] : ['--text', join(root, card.corpus!)]),
        ...['--streams', card.streams ?? 'h,c'],
        ...(card.documents ? ['--documents', card.documents] : []),
        ...['--out', out, '--force']
      ]);
      expect(r.stderr).toBe('');
      rec = await openRecordingDir(out);
    }, 180_000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    const claims = card.claims.map((c) => ({
      ...c,
      pattern: c.builtin ?? [c.column ?? c.track, c.category].filter(Boolean).join(' is ')
    }));
    it.each(claims)('$pattern: $stream unit $unit', async (claim) => {
      // The track as `npm run analyze -- rank --builtin ID | --track FILE --column NAME` makes it.
      const track = rankTrack(
        rec,
        claim.builtin
          ? { kind: 'builtin', id: claim.builtin }
          : {
              kind: 'csv',
              file: join(root, claim.track!),
              column: claim.column,
              category: claim.category
            }
      );
      const rep = await rankAllUnits(rec.reader, track.values, {
        name: track.name,
        depthLike: track.depthLike
      });
      const at = rep.units.findIndex((u) => u.stream === claim.stream && u.unit === claim.unit);
      expect(at, `${claim.stream} unit ${claim.unit} among the best three`).toBeLessThan(3);
      const u = rep.units[at];
      expect(u.score!).toBeGreaterThan(claim.score - TOLERANCE);
      expect(u.heldout!).toBeGreaterThan(claim.heldout - TOLERANCE);
      expect(u.score!).toBeGreaterThan(rep.chance.best!);
    });
  });
}
