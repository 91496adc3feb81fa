/**
 * The header of a .npy file on disk, read without its data: where the values start, their dtype
 * and shape. Lets `npm run analyze` read a recorded stream a block of rows at a time.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from './inputFiles';

export interface NpyLayout {
  path: string;
  /** byte offset of the first value */
  offset: number;
  descr: string;
  shape: number[];
  /** bytes of the file */
  size: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function readAt(fd: number, length: number, at: number): Uint8Array {
  const out = new Uint8Array(length);
  const got = readSync(fd, out, 0, length, at);
  return out.subarray(0, got);
}

export function npyLayout(path: string): NpyLayout {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${path} is missing: the recording is incomplete. Record it again.`
        : `Cannot read ${path} (${code ?? (e as Error).message}).`
    );
  }
  try {
    const size = fstatSync(fd).size;
    const head = readAt(fd, 12, 0);
    if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b))
      throw new InputError(`${path} is not a .npy file (no \\x93NUMPY header).`);
    const major = head[6];
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const start = major === 1 ? 10 : 12;
    const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
    if (start + headerLen > size) throw new InputError(`${path}: its .npy header is truncated.`);
    const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
      readAt(fd, headerLen, start)
    );
    const descr = header.match(/'descr':\s*'([^']+)'/)?.[1];
    const shapeText = header.match(/'shape':\s*\(([^)]*)\)/)?.[1];
    if (!descr || shapeText === undefined) throw new InputError(`${path}: unreadable .npy header.`);
    if (/'fortran_order':\s*True/.test(header))
      throw new InputError(`${path} is in Fortran order, not as npm run record writes it.`);
    const shape = shapeText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    return { path, offset: start + headerLen, descr, shape, size };
  } finally {
    closeSync(fd);
  }
}

/** Read `count` values of a little-endian 4-byte type starting at value `first`, into `out`. */
export function readValues(
  layout: NpyLayout,
  first: number,
  out: Float32Array | Int32Array | Uint32Array
): void {
  const fd = openSync(layout.path, 'r');
  try {
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const got = readSync(fd, bytes, done, bytes.length - done, layout.offset + first * 4 + done);
      if (got <= 0) throw new InputError(`${layout.path} is truncated.`);
      done += got;
    }
  } finally {
    closeSync(fd);
  }
}
