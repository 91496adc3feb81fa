/**
 * Open an LSTMVis project (lstm.yml, HDF5 files, dicts) and check everything an import needs
 * before anything is stored: every file and ref, every dataset's shape, every word id in the
 * dict, every length equal to the word sequence's. Gives the corpus (text rebuilt from the dict),
 * the meta tracks, the state datasets with default stream ids, and a reader of their rows, so the
 * caller can store them chunk by chunk. Pure code: files come through `ProjectFiles`.
 */
import type { Track } from '../analysis/tracks';
import { isDictName, isHdf5Name, LstmvisError, parseLstmYml, type StateType } from './config';
import { parseDict } from './dict';
import { H5Reader, type H5Lib } from './hdf5';
import { metaTrack } from './meta';
import { defaultStreamIds } from './streams';
import { isCharLevel, sequenceText } from './text';

/** A project folder's files, by path relative to the folder. */
export interface ProjectFiles {
  /** the folder's name (the project's name when lstm.yml gives none) */
  folder: string;
  names(): string[];
  text(name: string): Promise<string>;
  /** where h5wasm's file system has the file */
  h5Path(name: string): string;
}

export interface ImportedStream {
  /** "states.hdf5:/states1", for the user */
  source: string;
  entry: StateType;
  units: number;
  /** the default stream id (lstmvis/streams.ts) */
  id: string;
}

export interface LstmvisProject {
  name: string;
  description: string;
  tokens: number;
  /** the word ids as LSTMVis stores them */
  ids: Int32Array;
  text: string;
  offsets: Uint32Array;
  charLevel: boolean;
  /** id → token, for the ids the word sequence uses */
  vocabulary: Map<number, string>;
  streams: ImportedStream[];
  tracks: Track[];
  warnings: string[];
  /** rows [t0, t1) of stream i, [t1 - t0, units] row-major */
  rows(i: number, t0: number, t1: number): Float32Array;
  close(): void;
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const listing = (names: string[]) =>
  names.length ? names.slice(0, 12).join(', ') + (names.length > 12 ? '…' : '') : 'nothing';

export async function openLstmvisProject(files: ProjectFiles, lib: H5Lib): Promise<LstmvisProject> {
  const names = files.names();
  if (!names.includes('lstm.yml'))
    throw new LstmvisError(
      `${files.folder || 'The project'} has no lstm.yml (it holds: ${listing(names)}): an LSTMVis project is a folder with lstm.yml beside its HDF5 and .dict files.`
    );
  const config = parseLstmYml(await files.text('lstm.yml'), 'lstm.yml', files.folder);
  const warnings = [...config.warnings];
  // LSTMVis opens every HDF5 and dict file `files` lists, so a missing one stops it too.
  for (const [ref, file] of config.files)
    if ((isHdf5Name(file) || isDictName(file)) && !names.includes(file))
      throw new LstmvisError(
        `lstm.yml: files.${ref} is "${file}", which is not in the project folder (it holds: ${listing(names)}).`
      );
  const dicts = new Map<string, Map<number, string>>();
  for (const [ref, file] of config.files)
    if (isDictName(file)) {
      const d = parseDict(await files.text(file), file);
      dicts.set(ref, d.tokens);
      warnings.push(...d.warnings);
    }
  const readers = new Map<string, H5Reader>();
  const close = () => readers.forEach((r) => r.close());
  try {
    for (const [ref, file] of config.files)
      if (isHdf5Name(file)) readers.set(ref, new H5Reader(lib, files.h5Path(file), file));
    const fileOf = (ref: string) => config.files.get(ref)!;
    const reader = (ref: string) => readers.get(ref)!;

    const ws = config.wordSequence;
    const wsName = `${fileOf(ws.file)}:/${ws.path}`;
    const wsInfo = reader(ws.file).info(ws.path, 'word_sequence');
    if (wsInfo.shape.length !== 1 || wsInfo.kind === 'other')
      throw new LstmvisError(
        `${wsName} (word_sequence) holds ${wsInfo.dtype} of shape [${wsInfo.shape.join(', ')}]: the word sequence must be 1-D integer ids, one per token.`
      );
    const N = wsInfo.shape[0];
    if (N < 1) throw new LstmvisError(`${wsName} (word_sequence) is empty: there are no tokens.`);

    const streams = config.states.map((entry): ImportedStream => {
      const source = `${fileOf(entry.file)}:/${entry.path}`;
      const info = reader(entry.file).info(entry.path, entry.at);
      if (info.shape.length !== 2)
        throw new LstmvisError(
          `${source} (${entry.at}) has shape [${info.shape.join(', ')}]: a state dataset must be 2-D [tokens, cells].`
        );
      if (info.kind === 'other')
        throw new LstmvisError(
          `${source} (${entry.at}) holds ${info.dtype} values: states must be numbers.`
        );
      const rows = info.shape[0];
      if (rows > N)
        throw new LstmvisError(
          `${source} (${entry.at}) has ${fmtInt(rows)} rows but the word sequence ${wsName} has ${fmtInt(N)} tokens: the states are longer than the word sequence. Row t of each must be token t; write both from the same run.`
        );
      if (rows < N)
        throw new LstmvisError(
          `Datasets of different lengths: ${wsName} has ${fmtInt(N)} tokens but ${source} (${entry.at}) has ${fmtInt(rows)} rows. Row t of every dataset must be token t (LSTMVis would silently misalign them); write them from the same run.`
        );
      if (info.shape[1] < 1)
        throw new LstmvisError(`${source} (${entry.at}) has no cells (shape [${rows}, 0]).`);
      return { source, entry, units: info.shape[1], id: '' };
    });
    defaultStreamIds(config.states, warnings).forEach((id, i) => (streams[i].id = id));

    const ids = wordIds(reader(ws.file).all(ws.path, 'word_sequence'), wsName);
    const dict = dicts.get(ws.dictFile)!;
    const vocabulary = checkIds(ids, dict, wsName, fileOf(ws.dictFile));
    const charLevel = isCharLevel(vocabulary.values());
    const { text, offsets } = sequenceText(ids, dict, charLevel);
    const tracks: Track[] = [];
    for (const m of config.meta) {
      const track = metaTrack(m, {
        ids,
        fileOf,
        reader,
        dict: (ref) => dicts.get(ref)!,
        warnings
      });
      if (track) tracks.push(track);
    }
    return {
      name: config.name,
      description: config.description,
      tokens: N,
      ids,
      text,
      offsets,
      charLevel,
      vocabulary,
      streams,
      tracks,
      warnings,
      rows: (i, t0, t1) => {
        const s = streams[i];
        const rows = reader(s.entry.file).rows(s.entry.path, t0, t1, s.entry.at);
        const bad = rows.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0)
          throw new LstmvisError(
            `${s.source} (${s.entry.at}) holds ${rows[bad]} at token ${fmtInt(t0 + Math.floor(bad / s.units))}, cell ${bad % s.units}: states must be finite numbers.`
          );
        return rows;
      },
      close
    };
  } catch (e) {
    close();
    throw e;
  }
}

function wordIds(values: Float64Array, where: string): Int32Array {
  const ids = new Int32Array(values.length);
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
      throw new LstmvisError(
        `${where} (word_sequence): token ${fmtInt(t)} has the id ${v}, which is not a whole number: word ids must be integers.`
      );
    ids[t] = v;
  }
  return ids;
}

/** Every id in the dict; the part of the dict the sequence uses. */
function checkIds(
  ids: Int32Array,
  dict: ReadonlyMap<number, string>,
  where: string,
  dictFile: string
): Map<number, string> {
  const used = new Map<number, string>();
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t];
    if (used.has(id)) continue;
    const token = dict.get(id);
    if (token === undefined) {
      const known = [...dict.keys()];
      const range = `${Math.min(...known)}…${Math.max(...known)}`;
      throw new LstmvisError(
        `${where}: token ${fmtInt(t)} has id ${id}, which ${dictFile} does not have (its ${fmtInt(known.length)} ids run ${range}). Every id of the word sequence must be in the dict.`
      );
    }
    used.set(id, token);
  }
  return used;
}
