/**
 * Write a recording as an LSTMVis project its own loader reads (lstmdata/data_handler.py):
 *
 *   lstm.yml     name, description, files by ref, word_sequence, states, meta
 *   states.hdf5  one float32 [N, units] dataset per stream, raw values (LSTMVis applies tanh to
 *                what it shows), named by stream id: `L0.fwd.c` is `type: state, layer: 1`,
 *                `L0.fwd.h` `type: output, layer: 1` (other kinds keep their kind as type)
 *   train.hdf5   word_ids, int32 [N]: row t of every dataset is token t
 *   train.dict   `token id` for every id used (whitespace escaped: lstmvis/text.ts dictToken)
 *   meta.hdf5    the tracks (numeric: float32 [N]; categorical: int32 [N] + a .dict of its
 *                categories) and, where the model has an LM head, its top-k predictions as a
 *                `wordvec` meta (int32 ids and float32 probabilities, [N, k]); every meta track
 *                with an explicit vis.range (LSTMVis drops its default range)
 *
 * Uncompressed (LSTMVis prefers it), written a block of rows at a time. No `indexdir`: LSTMVis
 * builds its search index itself. Pure code: h5wasm and the file system come from the caller.
 */
import { stringify } from 'yaml';
import type { Track } from '../analysis/tracks';
import { formatDict } from './dict';
import type { H5Lib } from './hdf5';
import { dictToken } from './text';

export interface ExportInput {
  name: string;
  description: string;
  tokens: number;
  /** the token id of each step */
  ids: Int32Array;
  /** a token's text (unescaped), for every id the sequence or the predictions use */
  tokenOf: (id: number) => string | undefined;
  streams: { id: string; kind: string; layer: number; units: number }[];
  /** rows [t0, t1) of a stream, [t1 - t0, units] row-major */
  readStream: (id: string, t0: number, t1: number) => Promise<Float32Array>;
  tracks: Track[];
  /** the LM head's k most probable next tokens per step ([N, k]), or null */
  predictions: { k: number; ids: Int32Array; probs: Float32Array } | null;
}

export interface ExportSink {
  /** where h5wasm writes the project file `name` */
  h5Path(name: string): string;
  writeText(name: string, text: string): void | Promise<void>;
}

export interface ExportProgress {
  done: number;
  total: number;
}

/** A category for missing values of a categorical track (an id LSTMVis can look up). */
export const MISSING_CATEGORY = '<missing>';
/** Rows per block written (and per HDF5 chunk): about 1 MB of float32 per block. */
const blockRows = (units: number) => Math.max(1, Math.floor(2 ** 18 / Math.max(1, units)));

const stateType = (kind: string) => (kind === 'c' ? 'state' : kind === 'h' ? 'output' : kind);

/** Names safe as HDF5 dataset names and file names, distinct from one another. */
function safeNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    const base = n.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'track';
    let name = base;
    for (let i = 2; seen.has(name); i++) name = `${base}_${i}`;
    seen.add(name);
    return name;
  });
}

const round = (v: number) => Number(Math.fround(v).toPrecision(7));

export async function writeLstmvisProject(
  lib: H5Lib,
  input: ExportInput,
  sink: ExportSink,
  onProgress: (p: ExportProgress) => void = () => {}
): Promise<string[]> {
  const N = input.tokens;
  if (input.ids.length !== N) throw new Error(`${input.ids.length} token ids for ${N} steps.`);
  const written: string[] = [];
  const total = input.streams.reduce((a, s) => a + Math.ceil(N / blockRows(s.units)), 0);
  let done = 0;

  const states = new lib.File(sink.h5Path('states.hdf5'), 'w');
  try {
    for (const s of input.streams) {
      const rows = Math.min(N, blockRows(s.units));
      const ds = states.create_dataset({
        name: s.id,
        data: new Float32Array(0),
        shape: [0, s.units],
        maxshape: [null, s.units],
        chunks: [rows, s.units],
        dtype: '<f'
      });
      ds.resize([N, s.units]);
      for (let t0 = 0; t0 < N; t0 += rows) {
        const t1 = Math.min(N, t0 + rows);
        const block = await input.readStream(s.id, t0, t1);
        if (block.length !== (t1 - t0) * s.units)
          throw new Error(`Stream ${s.id}: ${block.length} values for rows ${t0}–${t1 - 1}.`);
        ds.write_slice([[t0, t1], []], block);
        onProgress({ done: ++done, total });
      }
    }
  } finally {
    states.close();
  }
  written.push('states.hdf5');

  const train = new lib.File(sink.h5Path('train.hdf5'), 'w');
  try {
    train.create_dataset({ name: 'word_ids', data: input.ids, dtype: '<i' });
  } finally {
    train.close();
  }
  written.push('train.hdf5');

  const used = new Set(input.ids);
  if (input.predictions) for (const id of input.predictions.ids) used.add(id);
  const dict: [number, string][] = [...used]
    .sort((a, b) => a - b)
    .map((id) => {
      const token = input.tokenOf(id);
      if (token === undefined) throw new Error(`Token id ${id} has no text for train.dict.`);
      return [id, dictToken(token)];
    });
  await sink.writeText('train.dict', formatDict(dict));
  written.push('train.dict');

  const files: Record<string, string> = {
    states: 'states.hdf5',
    train: 'train.hdf5',
    words: 'train.dict'
  };
  const meta = await writeMeta(lib, input, sink, files, written);
  const config = {
    name: input.name,
    description: input.description,
    files,
    word_sequence: { file: 'train', path: 'word_ids', dict_file: 'words' },
    states: {
      file: 'states',
      types: input.streams.map((s) => ({
        type: stateType(s.kind),
        ...(s.layer >= 0 ? { layer: s.layer + 1 } : {}),
        path: s.id
      }))
    },
    ...(Object.keys(meta).length ? { meta } : {})
  };
  // YAML 1.1 as PyYAML reads it: strings such as "yes" or "on" are quoted.
  await sink.writeText('lstm.yml', stringify(config, { version: '1.1' }));
  written.push('lstm.yml');
  return written;
}

/** meta.hdf5 and the categories' dicts; returns lstm.yml's meta section. */
async function writeMeta(
  lib: H5Lib,
  input: ExportInput,
  sink: ExportSink,
  files: Record<string, string>,
  written: string[]
): Promise<Record<string, object>> {
  const meta: Record<string, object> = {};
  if (!input.tracks.length && !input.predictions) return meta;
  const paths = safeNames(input.tracks.map((t) => t.name));
  const names: string[] = [];
  for (const t of input.tracks) names.push(uniqueKey(t.name, names));
  const f = new lib.File(sink.h5Path('meta.hdf5'), 'w');
  const dicts: [string, string][] = [];
  try {
    input.tracks.forEach((t, i) => {
      if (t.kind === 'categorical') {
        const categories = (t.categories ?? []).map(dictToken);
        const values = Int32Array.from(t.values, (v) => (Number.isNaN(v) ? -1 : v));
        if (values.includes(-1)) categories.push(MISSING_CATEGORY);
        const missing = categories.length - 1;
        for (let j = 0; j < values.length; j++) if (values[j] === -1) values[j] = missing;
        f.create_dataset({ name: paths[i], data: values, dtype: '<i' });
        const ref = `${paths[i]}_dict`;
        files[ref] = `meta_${paths[i]}.dict`;
        dicts.push([files[ref], formatDict(categories.map((c, j) => [j, c]))]);
        meta[names[i]] = {
          file: 'meta',
          path: paths[i],
          dict: ref,
          vis: { type: 'discrete', range: categories }
        };
      } else {
        f.create_dataset({ name: paths[i], data: Float32Array.from(t.values), dtype: '<f' });
        meta[names[i]] = {
          file: 'meta',
          path: paths[i],
          vis: { type: 'scalar', range: extent(t) }
        };
      }
    });
    const p = input.predictions;
    if (p) {
      const shape = [input.tokens, p.k];
      f.create_dataset({ name: 'lm_top_ids', data: p.ids, shape, dtype: '<i' });
      f.create_dataset({ name: 'lm_top_probs', data: p.probs, shape, dtype: '<f' });
      meta[uniqueKey('predictions', names)] = {
        type: 'wordvec',
        file: 'meta',
        path: 'lm_top_ids',
        weights_path: 'lm_top_probs',
        dict: 'words',
        vis: { type: 'wordvec', range: [0, 1] }
      };
    }
  } finally {
    f.close();
  }
  files.meta = 'meta.hdf5';
  written.push('meta.hdf5');
  for (const [name, text] of dicts) {
    await sink.writeText(name, text);
    written.push(name);
  }
  return meta;
}

/** A meta key not yet taken (track names may repeat). */
function uniqueKey(name: string, taken: string[]): string {
  let key = name;
  for (let i = 2; taken.includes(key); i++) key = `${name} ${i}`;
  return key;
}

/** The finite [min, max] of a numeric track, rounded to float32 precision ([0, 1] when none). */
function extent(t: Track): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of t.values)
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [round(lo), round(hi)] : [0, 1];
}
