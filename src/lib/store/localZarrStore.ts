/**
 * A Zarr store on this computer's disk, opened in the browser without a server: a folder picked
 * with the File System Access API (showDirectoryPicker, where the browser has it) or with
 * `<input type=file webkitdirectory>` (every browser), read by zarrita through the store below.
 * Nothing is copied: a File or a file handle is read only when the reader asks for that key.
 *
 * A LocalStore is structured-cloneable (File objects, a directory handle), so the query worker
 * opens the same folder. The page keeps the stores opened in it by id (`?local=ID` in the
 * explorer's address); a reload loses them, as the browser gives no lasting access to a folder.
 */
import type { AbsolutePath, AsyncReadable, RangeQuery } from 'zarrita';
import { ZarrError } from './zarrError';

export type LocalStore = { id: number; name: string } & (
  | { kind: 'files'; files: File[]; paths: string[] }
  | { kind: 'directory'; handle: FileSystemDirectoryHandle }
);

const GROUP = /(^|\/)(zarr\.json|\.zgroup)$/;
const PICK_AGAIN = "Pick the store's own folder: the --zarr directory of npm run record.";

let nextId = 1;

/**
 * The files of a folder picked with webkitdirectory, as a store rooted at its shallowest folder
 * that holds a group (zarr.json or .zgroup): the store itself, or the folder around it.
 */
export function storeFromFiles(files: File[]): LocalStore {
  if (!files.length) throw new ZarrError(`That folder holds no files. ${PICK_AGAIN}`);
  const paths = files.map((f) => f.webkitRelativePath || f.name);
  const top = paths[0].split('/')[0];
  const roots = paths
    .filter((p) => GROUP.test(p))
    .map((p) => p.slice(0, p.lastIndexOf('/') + 1))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  if (!roots.length)
    throw new ZarrError(
      `The folder "${top}" holds no zarr.json (Zarr v3) or .zgroup (Zarr v2): it is not a Zarr store. ${PICK_AGAIN}`
    );
  const root = roots[0];
  const inside = paths.flatMap((p, i) => (p.startsWith(root) ? [i] : []));
  return {
    id: nextId++,
    name: root.replace(/\/$/, '').split('/').pop() || top,
    kind: 'files',
    files: inside.map((i) => files[i]),
    paths: inside.map((i) => paths[i].slice(root.length))
  };
}

/** A folder picked with showDirectoryPicker, checked to hold a Zarr group. */
export async function storeFromDirectory(handle: FileSystemDirectoryHandle): Promise<LocalStore> {
  const store: LocalStore = { id: nextId++, name: handle.name, kind: 'directory', handle };
  const reader = localZarrStore(store);
  const group = (await reader.get('/zarr.json')) ?? (await reader.get('/.zgroup'));
  if (!group)
    throw new ZarrError(
      `The folder "${handle.name}" holds no zarr.json (Zarr v3) or .zgroup (Zarr v2): it is not a Zarr store. ${PICK_AGAIN}`
    );
  return store;
}

/** A missing key is absent (zarrita reads the fill value); anything else says which file and why. */
function isAbsent(e: unknown): boolean {
  const name = (e as DOMException)?.name;
  return name === 'NotFoundError' || name === 'TypeMismatchError';
}

async function fileAt(
  store: LocalStore,
  index: Map<string, File> | null,
  key: string
): Promise<File | undefined> {
  const parts = key.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) return undefined;
  if (store.kind === 'files') return index!.get(parts.join('/'));
  try {
    let dir = store.handle;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
    return await (await dir.getFileHandle(parts.at(-1) ?? '')).getFile();
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw new ZarrError(`Cannot read ${store.name}${key}: ${(e as Error).message}`);
  }
}

/** The store, for zarrita (and for openZarrRecording as its `inner` store). */
export function localZarrStore(store: LocalStore): AsyncReadable {
  const index =
    store.kind === 'files' ? new Map(store.paths.map((p, i) => [p, store.files[i]])) : null;
  const read = async (key: AbsolutePath, range?: RangeQuery) => {
    const file = await fileAt(store, index, key);
    if (!file) return undefined;
    const part = !range
      ? file
      : 'suffixLength' in range
        ? file.slice(Math.max(0, file.size - range.suffixLength))
        : file.slice(range.offset, range.offset + range.length);
    try {
      return new Uint8Array(await part.arrayBuffer());
    } catch (e) {
      throw new ZarrError(
        `Cannot read ${store.name}${key} (${(e as Error).message}): was the folder moved or changed? Open it again.`
      );
    }
  };
  return { get: (key) => read(key), getRange: (key, range) => read(key, range) };
}

/** Stores opened in this page, by id. */
const opened = new Map<number, LocalStore>();

export function rememberLocalStore(store: LocalStore): number {
  opened.set(store.id, store);
  return store.id;
}

export function localStoreById(id: number): LocalStore | undefined {
  return opened.get(id);
}
