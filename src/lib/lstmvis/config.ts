/**
 * An LSTMVis project's `lstm.yml`, read as LSTMVis's loader reads it (lstmdata/data_handler.py;
 * shared/notes/lstmvis-format.md): `files` maps refs to file names, every other section names a
 * file by its ref. What LSTMVis would crash on is refused with a message that names the key;
 * what it ignores (unknown keys) becomes a warning. Pure code: the text in, a checked config out.
 */
import { parse } from 'yaml';

export class LstmvisError extends Error {
  override name = 'LstmvisError';
}

/** One entry of `states.types`: a 2-D dataset of raw per-token values. */
export interface StateType {
  /** where it is in lstm.yml, for messages: "states.types[1]" */
  at: string;
  type: string;
  /** LSTMVis's layer (from 1), or null when not given */
  layer: number | null;
  file: string;
  path: string;
}

/** One `meta` track. */
export interface MetaSpec {
  name: string;
  at: string;
  file: string;
  path: string;
  dict: string | null;
  /** 'self': one value per token; 'word_sequence': values looked up by word id */
  index: 'self' | 'word_sequence';
  /** LSTMVis's meta type: 'general' (one value per token) or 'wordvec' (top-k ids per token) */
  type: 'general' | 'wordvec';
  /** vis.type: discrete, scalar or wordvec */
  vis: string;
}

export interface LstmvisConfig {
  name: string;
  description: string;
  /** ref → file name (relative to the project folder) */
  files: Map<string, string>;
  wordSequence: { file: string; path: string; dictFile: string };
  states: StateType[];
  meta: MetaSpec[];
  warnings: string[];
}

export const isHdf5Name = (file: string) => /\.(h5|hdf5)$/.test(file);
export const isDictName = (file: string) => /\.(dict|txt)$/.test(file);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const kindOf = (v: unknown) =>
  v === null || v === undefined
    ? 'nothing'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a mapping'
        : `${typeof v} ${JSON.stringify(v)}`;

const TOP = ['name', 'description', 'files', 'word_sequence', 'word_embedding', 'states', 'meta'];
/** Keys LSTMVis reads or overwrites without them mattering here. */
const TOP_IGNORED = ['etc', 'index'];
const STATE_KEYS = ['type', 'layer', 'path', 'file', 'unsigned', 'transform'];
const META_KEYS = ['file', 'path', 'dict', 'index', 'type', 'vis', 'weights_path'];
const VIS_KEYS = ['type', 'range'];

/** Reads lstm.yml (`where`: its name in messages); throws LstmvisError. */
export function parseLstmYml(text: string, where = 'lstm.yml', folder = ''): LstmvisConfig {
  let doc: unknown;
  try {
    // YAML 1.1, as PyYAML reads it; a repeated key keeps the last value, as in PyYAML.
    doc = parse(text, { version: '1.1', uniqueKeys: false });
  } catch (e) {
    const first = (e as Error).message.split(':\n')[0];
    throw new LstmvisError(`${where} is not YAML: ${first}.`);
  }
  if (!isObj(doc))
    throw new LstmvisError(
      `${where} holds ${kindOf(doc)}, not the mapping of sections LSTMVis reads (files, word_sequence, states).`
    );
  const warnings: string[] = [];
  const unknown = (o: Obj, known: string[], at: string) => {
    for (const k of Object.keys(o))
      if (!known.includes(k))
        warnings.push(
          `${where}: unknown key "${at ? `${at}.` : ''}${k}" (LSTMVis ignores it; so does this import).`
        );
  };
  unknown(doc, [...TOP, ...TOP_IGNORED], '');
  const files = readFiles(doc.files, where);
  const ref = (v: unknown, at: string, want: 'hdf5' | 'dict'): string => {
    if (typeof v !== 'string' || !v)
      throw new LstmvisError(`${where}: ${at} must name a ref of files, not ${kindOf(v)}.`);
    const file = files.get(v);
    if (file === undefined)
      throw new LstmvisError(
        `${where}: ${at} is "${v}", but files has no ref "${v}" (its refs: ${[...files.keys()].join(', ')}).`
      );
    const ok = want === 'hdf5' ? isHdf5Name(file) : isDictName(file);
    if (!ok)
      throw new LstmvisError(
        `${where}: ${at} is "${v}", which names ${file}: ${want === 'hdf5' ? 'an HDF5 ref must name a .h5 or .hdf5 file' : 'a dictionary ref must name a .dict or .txt file'}, as LSTMVis opens files by their ending.`
      );
    return v;
  };
  const text_ = (o: Obj, key: string, at: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || !v)
      throw new LstmvisError(
        v === undefined
          ? `${where}: ${at} has no ${key}, which LSTMVis needs.`
          : `${where}: ${at}.${key} must be a dataset path, not ${kindOf(v)}.`
      );
    return v;
  };

  const ws = doc.word_sequence;
  if (!isObj(ws))
    throw new LstmvisError(
      `${where} has no word_sequence section: give {file: REF, path: DATASET, dict_file: REF}.`
    );
  unknown(ws, ['file', 'path', 'dict_file'], 'word_sequence');
  for (const k of ['file', 'path', 'dict_file'])
    if (ws[k] === undefined)
      throw new LstmvisError(
        `${where}: word_sequence needs file, path and dict_file; ${k} is missing.`
      );
  const wordSequence = {
    file: ref(ws.file, 'word_sequence.file', 'hdf5'),
    path: text_(ws, 'path', 'word_sequence'),
    dictFile: ref(ws.dict_file, 'word_sequence.dict_file', 'dict')
  };
  if (doc.word_embedding !== undefined)
    warnings.push(`${where}: word_embedding is not imported (cellscope has no place for it).`);

  const states = readStates(doc.states, where, ref, text_, unknown);
  const meta = readMeta(doc.meta, where, ref, text_, unknown, warnings);
  const name = typeof doc.name === 'string' && doc.name.trim() ? doc.name.trim() : folder;
  const description = typeof doc.description === 'string' ? doc.description : '';
  return {
    name: name || 'LSTMVis project',
    description,
    files,
    wordSequence,
    states,
    meta,
    warnings
  };
}

function readFiles(v: unknown, where: string): Map<string, string> {
  if (!isObj(v) || !Object.keys(v).length)
    throw new LstmvisError(
      `${where} has no files section: map each ref to a file name, e.g. files: {states: states.hdf5, words: train.dict}.`
    );
  const files = new Map<string, string>();
  for (const [k, f] of Object.entries(v)) {
    if (typeof f !== 'string' || !f)
      throw new LstmvisError(`${where}: files.${k} must be a file name, not ${kindOf(f)}.`);
    files.set(k, f);
  }
  return files;
}

type Ref = (v: unknown, at: string, want: 'hdf5' | 'dict') => string;
type Text = (o: Obj, key: string, at: string) => string;
type Unknown = (o: Obj, known: string[], at: string) => void;

function readStates(v: unknown, where: string, ref: Ref, text: Text, unknown: Unknown) {
  if (!isObj(v) || !Array.isArray(v.types) || !v.types.length)
    throw new LstmvisError(
      `${where} has no states section with types: give states: {file: REF, types: [{type: state, layer: 1, path: DATASET}]}.`
    );
  unknown(v, ['file', 'types'], 'states');
  return v.types.map((t: unknown, i: number): StateType => {
    const at = `states.types[${i}]`;
    if (!isObj(t))
      throw new LstmvisError(`${where}: ${at} is ${kindOf(t)}, not {type, layer, path}.`);
    unknown(t, STATE_KEYS, at);
    const fileRef = t.file ?? v.file;
    if (fileRef === undefined)
      throw new LstmvisError(
        `${where}: ${at} has no file and states has no default file; give states.file: REF.`
      );
    const layer = t.layer;
    if (layer !== undefined && !(Number.isInteger(layer) && (layer as number) >= 0))
      throw new LstmvisError(
        `${where}: ${at}.layer must be a whole number (LSTMVis counts layers from 1), not ${kindOf(layer)}.`
      );
    return {
      at,
      type: typeof t.type === 'string' ? t.type : 'state',
      layer: layer === undefined ? null : (layer as number),
      file: ref(fileRef, t.file === undefined ? 'states.file' : `${at}.file`, 'hdf5'),
      path: text(t, 'path', at)
    };
  });
}

function readMeta(
  v: unknown,
  where: string,
  ref: Ref,
  text: Text,
  unknown: Unknown,
  warnings: string[]
): MetaSpec[] {
  if (v === undefined || v === null) return [];
  if (!isObj(v))
    throw new LstmvisError(
      `${where}: meta must map track names to {file, path, vis}, not ${kindOf(v)}.`
    );
  const out: MetaSpec[] = [];
  for (const [name, m] of Object.entries(v)) {
    const at = `meta.${name}`;
    if (!isObj(m))
      throw new LstmvisError(`${where}: ${at} is ${kindOf(m)}, not {file, path, vis}.`);
    unknown(m, META_KEYS, at);
    const type = m.type ?? 'general';
    if (type !== 'general' && type !== 'wordvec') {
      warnings.push(
        `${where}: ${at} has type "${String(type)}", which LSTMVis shows nothing for: not imported.`
      );
      continue;
    }
    let vis = isObj(m.vis) && typeof m.vis.type === 'string' ? m.vis.type : null;
    if (isObj(m.vis)) unknown(m.vis, VIS_KEYS, `${at}.vis`);
    if (!vis) {
      vis = type === 'wordvec' ? 'wordvec' : m.dict !== undefined ? 'discrete' : 'scalar';
      warnings.push(
        `${where}: ${at} has no vis.type (LSTMVis refuses the project without it); read as ${vis}.`
      );
    }
    const index = m.index ?? 'self';
    if (index !== 'self' && index !== 'word_sequence')
      throw new LstmvisError(
        `${where}: ${at}.index is ${kindOf(index)}; cellscope reads "self" (one value per token) or "word_sequence" (a value per word id).`
      );
    out.push({
      name,
      at,
      file: ref(m.file, `${at}.file`, 'hdf5'),
      path: text(m, 'path', at),
      dict: m.dict === undefined ? null : ref(m.dict, `${at}.dict`, 'dict'),
      index,
      type,
      vis
    });
  }
  return out;
}
