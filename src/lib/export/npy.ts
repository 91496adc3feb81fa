/**
 * NumPy .npy files (format versions 1–3, C order): read any numeric dtype, write float32/int.
 * Used by the Node `record` command and for exporting stream slices to numpy users.
 */
export type NpyArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface Npy {
  dtype: string;
  shape: number[];
  data: NpyArray;
}

export class NpyError extends Error {
  override name = 'NpyError';
}

const CTORS: Record<
  string,
  { new (buf: ArrayBuffer, offset: number, length: number): NpyArray; BYTES_PER_ELEMENT: number }
> = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function readNpy(bytes: Uint8Array, name = 'array'): Npy {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(
      `${name} is not a .npy file (no \\x93NUMPY header). Save it with numpy.save.`
    );
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen)
  );
  const descr = header.match(/'descr':\s*'([^']+)'/)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = header.match(/'shape':\s*\(([^)]*)\)/)?.[1];
  if (!descr || shapeText === undefined) throw new NpyError(`${name}: unreadable .npy header.`);
  if (fortran)
    throw new NpyError(`${name} is in Fortran order; save it with numpy.ascontiguousarray first.`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (descr[0] === '>')
    throw new NpyError(
      `${name} is big-endian (${descr}); convert it with .astype('<${descr.slice(1)}').`
    );
  const code = descr.replace(/^[<|=]/, '');
  const Ctor = CTORS[code];
  if (!Ctor)
    throw new NpyError(
      `${name} has dtype ${descr}, which cellscope cannot read (use float32/64 or an integer type).`
    );
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (bytes.length - offset < count * Ctor.BYTES_PER_ELEMENT) {
    throw new NpyError(`${name} is truncated: its header promises ${count} values.`);
  }
  // Copy into an aligned buffer (the payload offset need not be a multiple of the element size).
  // (Uint8Array.from, not .slice: a Node Buffer's slice is a view into a shared pool.)
  const payload = Uint8Array.from(bytes.subarray(offset, offset + count * Ctor.BYTES_PER_ELEMENT));
  return { dtype: code, shape, data: new Ctor(payload.buffer, 0, count) };
}

const DESCR: [new (...a: never[]) => NpyArray, string][] = [
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Int32Array, '<i4'],
  [BigInt64Array, '<i8'],
  [Uint8Array, '|u1'],
  [Int8Array, '|i1'],
  [Int16Array, '<i2'],
  [Uint16Array, '<u2'],
  [Uint32Array, '<u4'],
  [BigUint64Array, '<u8']
];

/** The header of a C-order .npy (version 1.0), padded so the payload starts on a 64-byte boundary. */
export function npyHeader(descr: string, shape: number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

export function writeNpy(data: NpyArray, shape: number[]): Uint8Array {
  const descr = DESCR.find(([C]) => data instanceof C)?.[1];
  if (!descr) throw new NpyError('Unsupported array type for .npy.');
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new NpyError(`Shape ${shape} does not match ${data.length} values.`);
  const header = npyHeader(descr, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}
