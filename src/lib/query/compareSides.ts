/** What the refusal check needs to know of an opened recording (compareCheck.ts). */
import { database } from '../store/db';
import type { RecordingReader } from '../store/reader';
import type { ComparedSide } from './compareCheck';

export async function comparedSide(reader: RecordingReader): Promise<ComparedSide> {
  const rec = reader.recording;
  const corpus = await database()
    .corpora.get(rec.corpusSha)
    .catch(() => undefined);
  return {
    name: rec.name,
    corpusSha: rec.corpusSha,
    corpusName: corpus?.name ?? null,
    tokens: rec.tokens,
    recorded: reader.length,
    streams: rec.streams.map((s) => s.id)
  };
}
