/** Build a finding from what the explorer shows, and find where a finding can be opened. */
import type { CellscopeDB, RecordingRow } from '../store/db';
import { FINDING_FORMAT, type Finding } from './schema';
import { DEFAULT_VIEW, selectionOf, writeViewState, type ViewState } from './viewState';
import type { Match } from '../analysis/matchScore';
import { APP_VERSION } from '../version';
import { exportName } from '../export/fileName';

export interface FindingSource {
  recording: RecordingRow;
  modelName: string;
  corpusName: string;
  tokenizer: string | null;
  view: Omit<ViewState, 'rule' | 'tracks' | 'match'> & { stream: string; zoom: number };
  units: number;
  selected: number[];
  match: { candidates: number; results: Match[] } | null;
  tracks: string[];
  title: string;
  notes: string;
}

export function makeFinding(s: FindingSource, now = new Date()): Finding {
  const r = s.recording;
  return {
    format: FINDING_FORMAT,
    app: { name: 'cellscope', version: APP_VERSION },
    title: s.title.slice(0, 200),
    notes: s.notes.slice(0, 10_000),
    createdAt: now.toISOString(),
    model: { sha256: r.modelSha, name: s.modelName },
    corpus: { sha256: r.corpusSha, name: s.corpusName, tokens: r.tokens },
    recording: { kinds: r.kinds, chunkSize: r.chunkSize, tokenizer: s.tokenizer },
    stream: { id: s.view.stream, units: s.units },
    view: { t0: s.view.t, zoom: s.view.zoom },
    selection: {
      brush: s.view.brush,
      padLeft: s.view.padLeft,
      padRight: s.view.padRight,
      threshold: s.view.threshold,
      normalization: s.view.normalization,
      units: s.selected,
      added: s.view.added,
      removed: s.view.removed
    },
    match: s.match && {
      candidates: s.match.candidates,
      results: s.match.results.slice(0, 50).map((m) => ({
        start: m.start,
        end: m.end,
        units: m.units,
        intersect: m.intersect,
        union: m.union
      }))
    },
    tracks: s.tracks
  };
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * Where this library can show a finding: a complete recording of the same model and corpus with
 * the stream at the same width. Otherwise every reason it cannot, precisely.
 */
export async function locateFinding(
  db: CellscopeDB,
  f: Finding
): Promise<{ recordingId: number } | { problems: string[] }> {
  const problems: string[] = [];
  const [model, corpus] = await Promise.all([
    db.models.get(f.model.sha256),
    db.corpora.get(f.corpus.sha256)
  ]);
  if (!model) {
    const sameName = (await db.models.toArray()).find((m) => m.name === f.model.name);
    problems.push(
      sameName
        ? `The model "${f.model.name}" here is a different file: SHA-256 ${short(sameName.sha256)}…, the finding's is ${short(f.model.sha256)}….`
        : `The model "${f.model.name}" (SHA-256 ${short(f.model.sha256)}…) is not in this library: add it, then import the finding again.`
    );
  }
  if (!corpus) {
    const sameName = (await db.corpora.toArray()).find((c) => c.name === f.corpus.name);
    problems.push(
      sameName
        ? `The corpus "${f.corpus.name}" here differs: SHA-256 ${short(sameName.sha256)}…, the finding's is ${short(f.corpus.sha256)}… (another file, or split into documents differently).`
        : `The corpus "${f.corpus.name}" (SHA-256 ${short(f.corpus.sha256)}…) is not in this library: add it, then import the finding again.`
    );
  }
  if (problems.length) return { problems };
  const recs = await db.recordings
    .where('[modelSha+corpusSha]')
    .equals([f.model.sha256, f.corpus.sha256])
    .toArray();
  const withStream = recs.filter((r) => r.streams.some((s) => s.id === f.stream.id));
  if (!withStream.length)
    return {
      problems: [
        recs.length
          ? `No recording of "${f.model.name}" × "${f.corpus.name}" here has stream ${f.stream.id} (the finding's recording kept "${f.recording.kinds}"): record again with those streams.`
          : `"${f.model.name}" × "${f.corpus.name}" has not been recorded here yet: record it (streams "${f.recording.kinds}"), then open the finding.`
      ]
    };
  const fits = withStream.filter(
    (r) => r.streams.find((s) => s.id === f.stream.id)!.units === f.stream.units
  );
  if (!fits.length) {
    const units = withStream[0].streams.find((s) => s.id === f.stream.id)!.units;
    return {
      problems: [
        `Stream ${f.stream.id} has ${units} units here but ${f.stream.units} in the finding: they are not the same model.`
      ]
    };
  }
  const complete = fits.find((r) => r.status === 'complete');
  if (!complete)
    return {
      problems: [
        `The recording of "${f.model.name}" × "${f.corpus.name}" is not complete: resume it in the library, then open the finding.`
      ]
    };
  if (complete.tokens !== f.corpus.tokens)
    return {
      problems: [
        `The recording here has ${complete.tokens} tokens, the finding's had ${f.corpus.tokens}: the corpus was tokenized differently.`
      ]
    };
  return { recordingId: complete.id! };
}

/**
 * The explorer URL's query for a finding (recording, stream, window and selection). The rule's
 * units are given, so the finding shows exactly its selected units: kept = rule − removed, and
 * units = kept + added.
 */
export function findingQuery(recordingId: number, f: Finding): URLSearchParams {
  const p = new URLSearchParams({ rec: String(recordingId) });
  const s = f.selection;
  const rule = [...new Set([...s.units.filter((u) => !s.added.includes(u)), ...s.removed])];
  // The finding's scale is named even when it is the stream's default (defaults may change).
  writeViewState(
    p,
    {
      ...DEFAULT_VIEW,
      stream: f.stream.id,
      t: f.view.t0,
      zoom: f.view.zoom,
      ...selectionOf(s),
      rule: rule.sort((a, b) => a - b)
    },
    () => null
  );
  return p;
}

/**
 * A saved finding's file name, like every export's: model, corpus, stream, the steps its brush
 * covers, the day it was made.
 */
export function findingFileName(f: Finding): string {
  const made = Date.parse(f.createdAt);
  return exportName(
    { model: f.model.name, corpus: f.corpus.name, recorded: Number.isFinite(made) ? made : null },
    { stream: f.stream.id, window: f.selection.brush, ext: 'finding.json' }
  );
}
