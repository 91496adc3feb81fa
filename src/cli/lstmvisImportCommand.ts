/**
 * `lstmvis import PROJECT_DIR --out RECDIR`: an LSTMVis project as `npm run record` writes a
 * recording — manifest.json, one float32 .npy per stream (the raw values, read from the HDF5 file
 * a block of rows at a time), the corpus (text rebuilt from the dict, LSTMVis's word ids, offsets)
 * — so `npm run analyze` and `lstmvis export` read it. The meta tracks go beside it: one .npy per
 * track (listed in the manifest, with their kind and categories) and tracks.csv for
 * `npm run analyze -- rank --track`. Everything is checked before the directory is made; a run
 * that fails after that removes what it wrote.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../lib/export/npy';
import type { LstmvisProject } from '../lib/lstmvis/project';
import { openLstmvisProject } from '../lib/lstmvis/project';
import { streamIdProblem } from '../lib/lstmvis/streams';
import { InputError } from './inputFiles';
import { nodeH5, projectDir } from './lstmvisFiles';
import { NpyFileWriter } from './npyFile';
import { OutputDir } from './outputDir';
import { fileName } from './recordOutputs';
import { CORPUS_FILES } from './recordText';

export interface ImportOptions {
  project: string;
  out: string;
  /** dataset path → stream id */
  streams: Map<string, string>;
  force: boolean;
}

/** The manifest entry of a meta track. */
export interface TrackEntry {
  name: string;
  kind: 'numeric' | 'categorical';
  file: string;
  categories?: string[];
}

const ROWS = 4096;

/** Stream ids after the user's --stream PATH=ID, checked. */
function streamIds(p: LstmvisProject, renames: Map<string, string>): string[] {
  const paths = p.streams.map((s) => s.entry.path);
  for (const path of renames.keys())
    if (!paths.includes(path))
      throw new InputError(
        `--stream ${path}=…: the project has no state dataset "${path}" (its states: ${paths.join(', ')}).`
      );
  const ids = p.streams.map((s) => renames.get(s.entry.path) ?? s.id);
  const problem = streamIdProblem(ids);
  if (problem) throw new InputError(`${problem} (--stream PATH=ID)`);
  return ids;
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function tracksCsv(p: LstmvisProject): string {
  const lines = [['token', ...p.tracks.map((t) => csvCell(t.name))].join(',')];
  for (let t = 0; t < p.tokens; t++) {
    const cells = p.tracks.map((tr) => {
      const v = tr.values[t];
      if (Number.isNaN(v)) return '';
      return tr.kind === 'categorical' ? csvCell(tr.categories![v]) : String(v);
    });
    lines.push([String(t), ...cells].join(','));
  }
  return lines.join('\n') + '\n';
}

function write(p: LstmvisProject, ids: string[], out: string) {
  const N = p.tokens;
  const streams = p.streams.map((s, i) => {
    const file = fileName(ids[i]);
    const w = new NpyFileWriter(join(out, file), [N, s.units]);
    for (let t0 = 0; t0 < N; t0 += ROWS) w.append(p.rows(i, t0, Math.min(N, t0 + ROWS)));
    w.close();
    return { name: ids[i], file, shape: [N, s.units], dtype: 'float32', source: s.source };
  });
  writeFileSync(join(out, CORPUS_FILES.text), p.text);
  writeFileSync(join(out, CORPUS_FILES.tokens), writeNpy(p.ids, [N]));
  writeFileSync(join(out, CORPUS_FILES.offsets), writeNpy(p.offsets, [N]));
  const used = new Set<string>();
  const tracks: TrackEntry[] = p.tracks.map((t) => {
    let file = fileName(`track.${t.name}`);
    for (let i = 2; used.has(file); i++) file = fileName(`track.${t.name}_${i}`);
    used.add(file);
    writeFileSync(join(out, file), writeNpy(t.values, [N]));
    return {
      name: t.name,
      kind: t.kind,
      file,
      ...(t.categories ? { categories: t.categories } : {})
    };
  });
  if (tracks.length) writeFileSync(join(out, 'tracks.csv'), tracksCsv(p));
  const manifest = {
    format: 'cellscope-record/1',
    createdAt: new Date().toISOString(),
    mode: 'text',
    // No model: the states come from an LSTMVis project, whatever model made them.
    model: { layers: [] },
    lstmvis: { name: p.name, description: p.description, warnings: p.warnings },
    streamKinds: [...new Set(ids.map((id) => id.split('.')[2]))],
    tokens: N,
    batch: 1,
    lengths: [N],
    tokenizer: { type: p.charLevel ? 'char' : 'word', vocabSize: p.vocabulary.size },
    unknownTokens: 0,
    unknownExamples: [],
    corpus: { ...CORPUS_FILES, chars: p.text.length, documents: [{ name: p.name, start: 0 }] },
    streams,
    outputs: [],
    tracks,
    ...(tracks.length ? { tracksCsv: 'tracks.csv' } : {})
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

export async function lstmvisImport(o: ImportOptions) {
  const out = new OutputDir(o.out, '--out', 'recording', o.force);
  const p = await openLstmvisProject(projectDir(o.project), await nodeH5());
  try {
    const ids = streamIds(p, o.streams);
    out.create();
    try {
      return write(p, ids, out.path);
    } catch (e) {
      const removed = out.remove();
      const message = (e as Error).message.split('\n')[0].replace(/\.?$/, '.');
      throw new InputError(`${message} The import stopped; ${removed || 'nothing was written'}.`);
    }
  } finally {
    p.close();
  }
}
