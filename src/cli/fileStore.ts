/**
 * A Zarr store in a directory, for zarrita: what `npm run analyze` opens a `record --zarr` store
 * through, so that the app's own reader (store/zarrSource.ts) reads it as the browser reads one
 * over HTTP. A missing key is absent (zarrita then reads the fill value); a key never leaves the
 * directory; any other failure to read says which file and why.
 */
import { open } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { AbsolutePath, AsyncReadable, RangeQuery } from 'zarrita';

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export class FileStoreError extends Error {
  override name = 'FileStoreError';
}

export function fileStore(dir: string): AsyncReadable {
  const root = resolve(dir);
  const pathOf = (key: AbsolutePath) => {
    const path = join(root, key);
    const rel = relative(root, path);
    if (rel.startsWith(`..${sep}`) || rel === '..')
      throw new FileStoreError(`The Zarr key ${key} points outside ${dir}.`);
    return path;
  };
  const read = async (key: AbsolutePath, range?: RangeQuery) => {
    const path = pathOf(key);
    let file;
    try {
      file = await open(path, 'r');
    } catch (e) {
      if (ABSENT.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw new FileStoreError(`Cannot read ${path}: ${(e as Error).message}`);
    }
    try {
      if (!range) return new Uint8Array(await file.readFile());
      const size = (await file.stat()).size;
      const [at, length] =
        'suffixLength' in range
          ? [Math.max(0, size - range.suffixLength), Math.min(size, range.suffixLength)]
          : [range.offset, Math.max(0, Math.min(range.length, size - range.offset))];
      const out = new Uint8Array(length);
      await file.read(out, 0, length, at);
      return out;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw new FileStoreError(`Cannot read ${path}: ${(e as Error).message}`);
    } finally {
      await file.close();
    }
  };
  return { get: (key) => read(key), getRange: (key, range) => read(key, range) };
}
