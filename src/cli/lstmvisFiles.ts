/**
 * An LSTMVis project folder on disk, for the importer (lstmvis/project.ts): h5wasm's Node build
 * opens host paths as they are (NODERAWFS), so HDF5 files are read lazily from the disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { H5Lib } from '../lib/lstmvis/hdf5';
import { readyH5 } from '../lib/lstmvis/hdf5';
import type { ProjectFiles } from '../lib/lstmvis/project';
import { InputError } from './inputFiles';

/** h5wasm's Node build, loaded once, with errors thrown rather than printed. */
let loading: Promise<H5Lib> | null = null;
export function nodeH5(): Promise<H5Lib> {
  loading ??= import('h5wasm/node').then((m) => readyH5(m as unknown as H5Lib));
  return loading;
}

function listFiles(dir: string, root = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) listFiles(path, root, out);
    else out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

export function projectDir(given: string, flag = 'PROJECT_DIR'): ProjectFiles {
  const dir = resolve(given);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`${flag} ${given}: there is no such directory.`);
  }
  if (!isDir)
    throw new InputError(
      `${flag} ${given} is a file: give the LSTMVis project folder (the one with lstm.yml).`
    );
  const names = listFiles(dir);
  return {
    folder: basename(dir),
    names: () => names,
    text: async (name) => readFileSync(join(dir, name), 'utf8'),
    h5Path: (name) => join(dir, name)
  };
}
