/**
 * LSTMVis meta tracks as cellscope tracks: `vis.type: discrete` becomes a categorical track (its
 * categories the dict's labels in id order, or the distinct values in ascending order), `scalar`
 * a numeric one; `index: word_sequence` looks each token's value up by its word id. A `wordvec`
 * (top-k predicted ids per token) is not a track: it is left out with a warning. Pure code.
 */
import type { Track } from '../analysis/tracks';
import { LstmvisError, type MetaSpec } from './config';
import type { H5Reader } from './hdf5';

const fmtInt = (n: number) => n.toLocaleString('en-US');

/** A value as a category name: whole numbers without a decimal point. */
const label = (v: number) => (Number.isInteger(v) ? String(v) : String(Math.fround(v)));

export interface MetaContext {
  /** the word ids, one per token */
  ids: Int32Array;
  /** name of the HDF5 file of a ref, for messages */
  fileOf: (ref: string) => string;
  reader: (ref: string) => H5Reader;
  dict: (ref: string) => ReadonlyMap<number, string>;
  warnings: string[];
}

export function metaTrack(m: MetaSpec, ctx: MetaContext): Track | null {
  if (m.type === 'wordvec' || m.vis === 'wordvec') {
    ctx.warnings.push(
      `meta.${m.name} (wordvec: top-k predicted tokens per step) is not imported: cellscope shows the predictions of a model it runs itself.`
    );
    return null;
  }
  const where = `${ctx.fileOf(m.file)}:/${m.path} (${m.at})`;
  const h5 = ctx.reader(m.file);
  const info = h5.info(m.path, m.at);
  const N = ctx.ids.length;
  if (info.kind === 'other')
    throw new LstmvisError(`${where} holds ${info.dtype} values: a meta track must be numbers.`);
  if (info.shape.length !== 1)
    throw new LstmvisError(
      `${where} has shape [${info.shape.join(', ')}]: a meta track holds one value per token (1-D); top-k lists are type: wordvec.`
    );
  const stored = h5.all(m.path, m.at);
  let values: Float64Array;
  if (m.index === 'word_sequence') {
    values = new Float64Array(N);
    for (let t = 0; t < N; t++) {
      const id = ctx.ids[t];
      if (id < 0 || id >= stored.length)
        throw new LstmvisError(
          `${where} is looked up by word id (index: word_sequence) but has ${fmtInt(stored.length)} values, and token ${fmtInt(t)} has id ${id}.`
        );
      values[t] = stored[id];
    }
  } else {
    if (stored.length !== N)
      throw new LstmvisError(
        `Datasets of different lengths: ${where} has ${fmtInt(stored.length)} values but the word sequence has ${fmtInt(N)} tokens. Row t of every dataset must be token t (LSTMVis would silently misalign them); write them from the same run.`
      );
    values = stored;
  }
  if (m.vis !== 'discrete') {
    if (m.dict)
      ctx.warnings.push(
        `meta.${m.name} is ${m.vis} but names a dict: imported as numbers, without the dict.`
      );
    if (m.vis !== 'scalar')
      ctx.warnings.push(`meta.${m.name} has vis.type "${m.vis}": imported as numbers (scalar).`);
    return { name: m.name, kind: 'numeric', values: Float32Array.from(values) };
  }
  return categorical(m, values, where, m.dict ? ctx.dict(m.dict) : null);
}

function categorical(
  m: MetaSpec,
  values: Float64Array,
  where: string,
  dict: ReadonlyMap<number, string> | null
): Track {
  const keys = dict
    ? [...dict.keys()].sort((a, b) => a - b)
    : [...new Set(values)].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const index = new Map(keys.map((k, i) => [k, i]));
  const out = new Float32Array(values.length);
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (Number.isNaN(v)) {
      out[t] = NaN;
      continue;
    }
    const i = index.get(v);
    if (i === undefined)
      throw new LstmvisError(
        `${where}: token ${fmtInt(t)} has the value ${label(v)}, which the dict ${m.dict} does not have. Every value of a discrete meta track with a dict must be one of its ids.`
      );
    out[t] = i;
  }
  const categories = dict ? keys.map((k) => dict.get(k)!) : keys.map(label);
  return { name: m.name, kind: 'categorical', values: out, categories };
}
