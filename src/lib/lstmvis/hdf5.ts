/**
 * HDF5 through h5wasm, with messages for the user. The caller loads h5wasm (the browser's ESM
 * build in a worker, `h5wasm/node` in the CLI) and puts the files where its file system sees them
 * (WORKERFS: read lazily from the user's File, never copied whole; NODERAWFS: the disk); this
 * module opens them, describes datasets and reads row blocks. Pure code.
 */
import type * as H5 from 'h5wasm';
import { LstmvisError } from './config';

/** What this module needs of h5wasm (the ESM and the Node builds have the same API). */
export interface H5Lib {
  File: typeof H5.File;
  Dataset: typeof H5.Dataset;
  ready: Promise<{ activate_throwing_error_handler(): number }>;
}

/** Errors thrown as exceptions (with HDF5's own diagnostics) rather than printed to stderr. */
export async function readyH5(lib: H5Lib): Promise<H5Lib> {
  const m = await lib.ready;
  m.activate_throwing_error_handler();
  return lib;
}

/** HDF5's reason for a failure: the innermost "in FUNC(): reason" of its diagnostics. */
export function hdf5Reason(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  const reasons = [...text.matchAll(/ in \w+\(\): ([^\n]+)/g)].map((m) => m[1].trim());
  return (reasons.at(-1) ?? text.split('\n')[0]).replace(/\.$/, '');
}

export interface DatasetInfo {
  shape: number[];
  /** integer, float, or another HDF5 class (strings, compounds…) */
  kind: 'integer' | 'float' | 'other';
  dtype: string;
}

/** A numeric array of any width as float32 (int64 arrays come back as BigInt64Array). */
function toFloat32(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (v instanceof BigInt64Array || v instanceof BigUint64Array)
    return Float32Array.from(v, Number);
  return Float32Array.from(v as ArrayLike<number>);
}

export class H5Reader {
  private file: H5.File;

  /** `path`: where h5wasm's file system has it; `display`: its name in messages. */
  constructor(
    private lib: H5Lib,
    path: string,
    readonly display: string
  ) {
    let file: H5.File;
    try {
      file = new lib.File(path, 'r');
    } catch (e) {
      throw new LstmvisError(
        `${display} is not a readable HDF5 file (${hdf5Reason(e)}): it is corrupt or not HDF5. Write it again with h5py.`
      );
    }
    if (file.file_id < 0n)
      throw new LstmvisError(`${display} is not a readable HDF5 file: it is corrupt or not HDF5.`);
    this.file = file;
  }

  private dataset(path: string, at: string): H5.Dataset {
    let entity: unknown;
    try {
      entity = this.file.get(path);
    } catch (e) {
      throw new LstmvisError(`${this.display}: cannot read "${path}" (${at}): ${hdf5Reason(e)}.`);
    }
    if (!entity)
      throw new LstmvisError(
        `${this.display} has no dataset "${path}" (${at}); it has: ${this.listing()}.`
      );
    if (!(entity instanceof this.lib.Dataset))
      throw new LstmvisError(
        `${this.display}: "${path}" (${at}) is a group, not a dataset; it holds: ${this.listing(path)}.`
      );
    return entity;
  }

  private listing(group = '/'): string {
    try {
      const g = this.file.get(group) as H5.Group | null;
      const keys = g?.keys() ?? [];
      return keys.length ? keys.slice(0, 12).join(', ') + (keys.length > 12 ? '…' : '') : 'nothing';
    } catch {
      return 'nothing readable';
    }
  }

  info(path: string, at: string): DatasetInfo {
    const d = this.dataset(path, at);
    try {
      const m = d.metadata;
      // H5T_class_t: 0 integer, 1 float.
      const kind = m.type === 0 ? 'integer' : m.type === 1 ? 'float' : 'other';
      return { shape: m.shape ?? [], kind, dtype: String(d.dtype) };
    } catch (e) {
      throw new LstmvisError(`${this.display}: cannot read "${path}" (${at}): ${hdf5Reason(e)}.`);
    }
  }

  /** Rows [r0, r1) of a 1-D or 2-D numeric dataset, row-major, as float32. */
  rows(path: string, r0: number, r1: number, at: string): Float32Array {
    const d = this.dataset(path, at);
    try {
      const ranges: [number, number][] = [[r0, r1]];
      return toFloat32(d.slice(d.metadata.shape!.length > 1 ? [...ranges, []] : ranges));
    } catch (e) {
      throw new LstmvisError(
        `${this.display} is corrupt: reading rows ${r0}–${r1 - 1} of "${path}" failed (${hdf5Reason(e)}). Write it again with h5py.`
      );
    }
  }

  /** A whole 1-D integer-valued dataset as float64 (ids, word-indexed values). */
  all(path: string, at: string): Float64Array {
    const d = this.dataset(path, at);
    let v: unknown;
    try {
      v = d.value;
    } catch (e) {
      throw new LstmvisError(
        `${this.display} is corrupt: reading "${path}" failed (${hdf5Reason(e)}). Write it again with h5py.`
      );
    }
    if (v instanceof BigInt64Array || v instanceof BigUint64Array)
      return Float64Array.from(v, Number);
    return Float64Array.from(v as ArrayLike<number>);
  }

  close(): void {
    try {
      this.file.close();
    } catch {
      // a file that failed half-way may not close cleanly; nothing was written to it
    }
  }
}
