/**
 * An intervened run kept as a recording of its own: the same model, corpus, streams, chunking and
 * documents as the original, recorded with units clamped (record/intervention.ts), so select,
 * match and rank work on it. The row says which recording it intervenes on and how.
 */
import {
  describeIntervention,
  widenIntervenedRanges,
  type Intervention
} from '../record/intervention';
import type { CellscopeDB } from './db';
import { createRecording } from './recordings';

export const intervenedName = (original: string, list: Intervention[]) =>
  `${original} with ${list.map(describeIntervention).join(', ')}`;

/**
 * Plan the intervened recording of a complete recording (written in one transaction, after the
 * checks); returns its id, ready for the recorder to run.
 */
export async function planIntervened(
  db: CellscopeDB,
  recordingId: number,
  list: Intervention[]
): Promise<number> {
  const rec = await db.recordings.get(recordingId);
  if (!rec) throw new Error(`Recording ${recordingId} does not exist.`);
  if (rec.status !== 'complete')
    throw new Error(
      `"${rec.name}" is not complete yet: finish it (Resume) before keeping an intervention.`
    );
  if (!list.length) throw new Error('Add units to clamp first.');
  if (!(await db.models.get(rec.modelSha)))
    throw new Error(`The model of "${rec.name}" was deleted.`);
  return db.transaction('rw', db.recordings, async () => {
    const id = await createRecording(db, {
      modelSha: rec.modelSha,
      corpusSha: rec.corpusSha,
      name: intervenedName(rec.name, list),
      streams: widenIntervenedRanges(rec.streams, list),
      kinds: rec.kinds,
      tokens: rec.tokens,
      chunkSize: rec.chunkSize,
      documents: rec.documents,
      unknownTokens: rec.unknownTokens,
      unknownExamples: rec.unknownExamples,
      logits: rec.logits ?? null
    });
    await db.recordings.update(id, { intervenedOf: recordingId, interventions: list });
    return id;
  });
}
