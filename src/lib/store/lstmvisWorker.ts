/// <reference lib="webworker" />
/**
 * The LSTMVis worker: opens a picked project (a folder, files or a zip), checks it whole, and
 * stores it in the library on the user's word; exports a library recording as a zipped project.
 * h5wasm (~3 MB) is loaded with the first HDF5 file. Picked files are mounted with WORKERFS, so
 * HDF5 reads go straight to the user's File, a block of rows at a time, never copied whole (a zip
 * is unpacked into memory first: its entries are compressed). Exports are written to h5wasm's
 * in-memory file system, then zipped without compression (HDF5 floats barely compress).
 */
import * as Comlink from 'comlink';
import { unzipSync, Zip, ZipPassThrough } from 'fflate';
import { LstmvisError } from '../lstmvis/config';
import { readyH5, type H5Lib } from '../lstmvis/hdf5';
import { pickedProject, type PickedFile } from '../lstmvis/pick';
import { openLstmvisProject, type LstmvisProject } from '../lstmvis/project';
import { writeLstmvisProject, type ExportProgress } from '../lstmvis/write';
import { database } from './db';
import { lstmvisExportInput } from './lstmvisExport';
import { storeLstmvisProject, type ImportProgress } from './lstmvisImport';

/** What this worker uses of Emscripten's file system. */
interface EmFS {
  mkdir(path: string): void;
  rmdir(path: string): void;
  mount(type: unknown, opts: { blobs: { name: string; data: Blob }[] }, dir: string): void;
  unmount(dir: string): void;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: string | Uint8Array): void;
  unlink(path: string): void;
  filesystems: { WORKERFS: unknown };
}

let loading: Promise<{ lib: H5Lib; FS: EmFS }> | null = null;
function h5(): Promise<{ lib: H5Lib; FS: EmFS }> {
  loading ??= import('h5wasm').then(
    async (m) => {
      const lib = await readyH5(m.default as unknown as H5Lib);
      const { FS } = (await m.default.ready) as unknown as { FS: EmFS };
      return { lib, FS };
    },
    (e: Error) => {
      loading = null;
      throw new LstmvisError(`Could not load the HDF5 reader (${e.message}).`);
    }
  );
  return loading;
}

export interface ImportSummary {
  name: string;
  description: string;
  tokens: number;
  charLevel: boolean;
  streams: { source: string; type: string; layer: number | null; units: number; id: string }[];
  tracks: { name: string; kind: string; categories: number }[];
  warnings: string[];
}

let mounts = 0;
let opened: { project: LstmvisProject; dir: string } | null = null;

function close(): void {
  const o = opened;
  if (!o) return;
  opened = null;
  o.project.close();
  void h5().then(({ FS }) => {
    try {
      FS.unmount(o.dir);
      FS.rmdir(o.dir);
    } catch {
      // already gone
    }
  });
}

/** A zip's files as blobs (entries are compressed: each is unpacked into memory). */
async function unzipped(zip: File): Promise<PickedFile<Blob>[]> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
  } catch (e) {
    throw new LstmvisError(`${zip.name} is not a readable zip file (${(e as Error).message}).`);
  }
  return Object.entries(entries).map(([path, bytes]) => ({
    path,
    data: new Blob([bytes as Uint8Array<ArrayBuffer>])
  }));
}

const api = {
  /** Open and check a project; it stays open for `commit` (or `close`). */
  async open(picked: { path: string; file: File }[]): Promise<ImportSummary> {
    close();
    const zip = picked.length === 1 && /\.zip$/i.test(picked[0].file.name) ? picked[0].file : null;
    const files = zip ? await unzipped(zip) : picked.map((p) => ({ path: p.path, data: p.file }));
    const what = zip ? zip.name : `the ${picked.length} files picked`;
    const project = pickedProject(files, what);
    const folder = project.folder || zip?.name.replace(/\.zip$/i, '') || '';
    const { lib, FS } = await h5();
    const dir = `/lstmvis-${++mounts}`;
    FS.mkdir(dir);
    FS.mount(
      FS.filesystems.WORKERFS,
      { blobs: [...project.files].map(([name, data]) => ({ name, data })) },
      dir
    );
    let p: LstmvisProject;
    try {
      p = await openLstmvisProject(
        {
          folder,
          names: () => [...project.files.keys()],
          text: (name) => project.files.get(name)!.text(),
          h5Path: (name) => `${dir}/${name}`
        },
        lib
      );
    } catch (e) {
      FS.unmount(dir);
      FS.rmdir(dir);
      throw e;
    }
    opened = { project: p, dir };
    return {
      name: p.name,
      description: p.description,
      tokens: p.tokens,
      charLevel: p.charLevel,
      streams: p.streams.map((s) => ({
        source: s.source,
        type: s.entry.type,
        layer: s.entry.layer,
        units: s.units,
        id: s.id
      })),
      tracks: p.tracks.map((t) => ({
        name: t.name,
        kind: t.kind,
        categories: t.categories?.length ?? 0
      })),
      warnings: p.warnings
    };
  },

  /** Store the open project under these stream ids (all or nothing); returns the recording id. */
  async commit(ids: string[], onProgress: (p: ImportProgress) => void): Promise<number> {
    if (!opened) throw new LstmvisError('No project is open: pick it again.');
    try {
      return await storeLstmvisProject(database(), opened.project, ids, onProgress);
    } finally {
      close();
    }
  },

  close,

  /** A library recording as a zipped LSTMVis project. */
  async exportRecording(
    id: number,
    onProgress: (p: ExportProgress) => void
  ): Promise<{ blob: Blob; fileName: string }> {
    const { input, fileName } = await lstmvisExportInput(database(), id);
    const { lib, FS } = await h5();
    const dir = `/export-${++mounts}`;
    FS.mkdir(dir);
    try {
      const names = await writeLstmvisProject(
        lib,
        input,
        { h5Path: (n) => `${dir}/${n}`, writeText: (n, text) => FS.writeFile(`${dir}/${n}`, text) },
        onProgress
      );
      const folder = fileName.replace(/\.zip$/, '');
      const parts: Uint8Array<ArrayBuffer>[] = [];
      const zip = new Zip((err, chunk) => {
        if (err) throw err;
        parts.push(chunk as Uint8Array<ArrayBuffer>);
      });
      for (const n of names) {
        const entry = new ZipPassThrough(`${folder}/${n}`);
        zip.add(entry);
        entry.push(FS.readFile(`${dir}/${n}`), true);
        FS.unlink(`${dir}/${n}`);
      }
      zip.end();
      return { blob: new Blob(parts, { type: 'application/zip' }), fileName };
    } finally {
      for (const n of FS.readdir(dir)) if (n !== '.' && n !== '..') FS.unlink(`${dir}/${n}`);
      FS.rmdir(dir);
    }
  }
};

export type LstmvisApi = typeof api;
Comlink.expose(api);
