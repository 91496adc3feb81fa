/**
 * `lstmvis export RECDIR --out PROJECT_DIR`: a recording of `npm run record` (or of
 * `lstmvis import`) as an LSTMVis project (lstmvis/write.ts). The streams are copied from their
 * float32 .npy files exactly, a block of rows at a time; the tokens come from the corpus files;
 * the meta tracks from an import's track files; the LM head's top-5 predictions from the saved
 * logits output (its last axis as long as the vocabulary), when --vocab names every id.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Track } from '../lib/analysis/tracks';
import { predictionsFromLogits, TOP_K } from '../lib/analysis/predictions';
import { readNpy } from '../lib/export/npy';
import { tokenAt } from '../lib/lstmvis/text';
import { writeLstmvisProject, type ExportInput } from '../lib/lstmvis/write';
import { readVocabFile } from '../lib/tokenize/vocab';
import { InputError, readFile } from './inputFiles';
import type { TrackEntry } from './lstmvisImportCommand';
import { nodeH5 } from './lstmvisFiles';
import { npyLayout, readValues } from './recordingNpyFile';
import { OutputDir } from './outputDir';
import { openNpyRecording, type NpyManifest } from './recordingNpy';

export interface ExportOptions {
  recording: string;
  out: string;
  vocab?: string;
  force: boolean;
}

type Loose = NpyManifest & {
  lstmvis?: { name?: string; description?: string };
  tokenizer?: { vocabSize?: number };
  tracks?: TrackEntry[];
  outputs?: { name: string; file: string; shape: number[]; dtype: string }[];
};

function readTracks(dir: string, m: Loose, T: number): Track[] {
  return (m.tracks ?? []).map((e) => {
    const npy = readNpy(new Uint8Array(readFile(join(dir, e.file), 'track')), e.file);
    if (npy.shape.join() !== String(T) || !(npy.data instanceof Float32Array))
      throw new InputError(
        `${join(dir, e.file)} holds ${npy.dtype} [${npy.shape}], not float32 [${T}] as manifest.json says.`
      );
    return { name: e.name, kind: e.kind, values: npy.data, categories: e.categories };
  });
}

/** The LM head's top-k per step, from a saved logits output [.., T, V] with V = the vocabulary. */
function predictions(dir: string, m: Loose, ids: Int32Array, vocab: number) {
  const T = ids.length;
  const out = (m.outputs ?? []).find(
    (o) =>
      o.dtype === 'float32' &&
      o.shape.at(-1) === vocab &&
      o.shape.at(-2) === T &&
      o.shape.slice(0, -2).every((d) => d === 1)
  );
  if (!out) return null;
  const layout = npyLayout(join(dir, out.file));
  const k = Math.min(TOP_K, vocab);
  const topIds = new Int32Array(T * k);
  const topProbs = new Float32Array(T * k);
  const rows = Math.max(1, Math.floor(2 ** 22 / vocab));
  for (let t0 = 0; t0 < T; t0 += rows) {
    const n = Math.min(rows, T - t0);
    const logits = new Float32Array(n * vocab);
    readValues(layout, t0 * vocab, logits);
    const next = Int32Array.from({ length: n }, (_, i) => (t0 + i + 1 < T ? ids[t0 + i + 1] : -1));
    const p = predictionsFromLogits(logits, n, vocab, next, k);
    topIds.set(p.topIds, t0 * k);
    topProbs.set(p.topProbs, t0 * k);
  }
  return { k, ids: topIds, probs: topProbs, output: out.name };
}

export async function lstmvisExport(o: ExportOptions) {
  const { manifest, recording, corpus } = openNpyRecording(o.recording);
  const m = manifest as Loose;
  if (!corpus)
    throw new InputError(
      `${o.recording} has no text (a --feed or --csv recording): LSTMVis needs a word sequence.`
    );
  const T = recording.tokens;
  const vocab = o.vocab ? readVocabFile(readFile(o.vocab, 'vocabulary'), o.vocab).vocab : null;
  const fromText = new Map<number, string>();
  corpus.ids.forEach((id, t) => {
    if (!fromText.has(id)) fromText.set(id, tokenAt(corpus.text, corpus.offsets, t));
  });
  if (vocab) {
    const bad = corpus.ids.find((id) => id < 0 || id >= vocab.length);
    if (bad !== undefined)
      throw new InputError(
        `--vocab ${o.vocab} has ${vocab.length} tokens, but the recording uses id ${bad}: it is not the vocabulary it was recorded with.`
      );
  }
  const layouts = new Map(m.streams.map((s) => [s.name, npyLayout(join(o.recording, s.file))]));
  const tracks = readTracks(o.recording, m, T);
  const lm = vocab ? predictions(o.recording, m, corpus.ids, vocab.length) : null;
  const notes: string[] = [];
  if (!vocab && (m.outputs ?? []).some((x) => x.shape.at(-1) === m.tokenizer?.vocabSize))
    notes.push('the LM head predictions were left out: give --vocab so train.dict names every id');
  const model = m.model.file ?? 'a model';
  const input: ExportInput = {
    name: m.lstmvis?.name ?? `${model} × ${recording.documents[0]?.name ?? 'corpus'}`,
    description:
      m.lstmvis?.description ??
      `Recorded with cellscope (npm run record): ${model}, ${T} tokens; raw values (LSTMVis applies tanh).`,
    tokens: T,
    ids: corpus.ids,
    tokenOf: (id) => (vocab ? vocab[id] : fromText.get(id)),
    streams: recording.streams.map((s) => ({
      id: s.id,
      kind: s.kind,
      layer: s.layer,
      units: s.units
    })),
    readStream: async (id, t0, t1) => {
      const units = recording.streams.find((s) => s.id === id)!.units;
      const rows = new Float32Array((t1 - t0) * units);
      readValues(layouts.get(id)!, t0 * units, rows);
      return rows;
    },
    tracks,
    predictions: lm
  };
  const out = new OutputDir(o.out, '--out', 'recording', o.force);
  const lib = await nodeH5();
  out.create();
  try {
    const files = await writeLstmvisProject(lib, input, {
      h5Path: (name) => join(out.path, name),
      writeText: (name, text) => writeFileSync(join(out.path, name), text)
    });
    if (lm) notes.push(`top-${lm.k} predictions from the output ${lm.output}`);
    return { files, name: input.name, tokens: T, streams: input.streams.length, notes };
  } catch (e) {
    const removed = out.remove();
    const message = (e as Error).message.split('\n')[0].replace(/\.?$/, '.');
    throw new InputError(`${message} The export stopped; ${removed || 'nothing was written'}.`);
  }
}
