/**
 * The tile codec: a stream is stored as tiles of [rows ≤ chunk, ≤ TILE_UNITS units], quantised to
 * 8 bits. Streams with a known range (tanh → [-1, 1], sigmoid → [0, 1]) use that range: exactly
 * 1 byte per value, max error (hi − lo) / 510 (h: 0.0039, gates: 0.0020). Others (c, ReLU, picked
 * tensors) — or a tile that strays outside its fixed range — use each unit's min/max within the
 * tile: 1 byte per value plus 8 bytes per unit per tile, max error (unit range in the tile) / 510.
 * Pure code: no IndexedDB here.
 */
import type { Strided } from '../record/cells';

/**
 * Units per tile, chosen by measurement (npm run bench, read_* in Chromium): IndexedDB costs
 * ~0.2 ms per record plus ~10 ms per MB, so a few units over the whole corpus want narrow tiles
 * and a window of all units wants few records. 16 units × 2,048 steps (32 KB) read 10 units × 1M
 * steps ~4× faster than 64-unit tiles, for a window read that stays well under a frame.
 */
export const TILE_UNITS = 16;

export interface Tile {
  rows: number;
  units: number;
  /**
   * Codes 0..255: [units, rows] (each unit's steps contiguous) when `unitMajor`, else [rows,
   * units] (older tiles, without the flag). Unit-major lets a scan of a few units over the whole
   * corpus touch only their bytes: a row-major column read pulls every cache line of the tile.
   */
  q: Uint8Array;
  unitMajor?: boolean;
  /** Per-unit offset and step (affine tiles); absent for fixed-range tiles. */
  lo?: Float32Array;
  step?: Float32Array;
  /** Fixed range [lo, hi] (fixed-range tiles). */
  range?: [number, number];
  /** Unquantised values [rows, units] (tiles read from a float32 Zarr store); q is then empty. */
  f32?: Float32Array;
}

/** A strided run of 8-bit codes: code i is data[base + i * stride]. */
export type StridedCodes = Omit<Strided, 'data'> & { data: Uint8Array };

/** Values of one unit of a row block: one per row. */
const unitOf = (rows: Strided, u: number): Strided => ({ ...rows, base: rows.base + u });

/**
 * Encode rows × units values: row r of the block starts at src.data[src.base + r * src.stride]
 * (a column block of wider rows: stride ≥ units).
 */
export function encodeTile(
  src: Strided,
  rows: number,
  units: number,
  range: [number, number] | null
): Tile {
  const q = new Uint8Array(rows * units);
  if (range) {
    // Codes and the range check in one pass; a value outside the range (rare) falls through.
    let ok = true;
    for (let u = 0; u < units && ok; u++)
      ok = encodeFixed(unitOf(src, u), rows, range, q, u * rows);
    if (ok) return { rows, units, q, range, unitMajor: true };
  }
  const lo = new Float32Array(units);
  const step = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    const [min, max] = extentOf(unitOf(src, u), rows);
    lo[u] = min;
    step[u] = max > min ? (max - min) / 255 : 1;
    encodeAffine(unitOf(src, u), rows, lo[u], 1 / step[u], q, u * rows);
  }
  return { rows, units, q, lo, step, unitMajor: true };
}

// Hot loops, one unit at a time (codes written in order to q[to..]), each in its own function so
// V8 optimises it once. Rounding is floor(x + 0.5): Math.round for the non-negative x here.
function encodeFixed(
  src: Strided,
  rows: number,
  [lo, hi]: [number, number],
  q: Uint8Array,
  to: number
): boolean {
  const { data, stride } = src;
  const k = 255 / (hi - lo);
  for (let r = 0, i = src.base; r < rows; r++, i += stride) {
    const v = data[i];
    if (!(v >= lo && v <= hi)) return false;
    q[to + r] = ((v - lo) * k + 0.5) | 0;
  }
  return true;
}

function extentOf(src: Strided, rows: number): [number, number] {
  const { data, stride } = src;
  let [min, max] = [Infinity, -Infinity];
  for (let r = 0, i = src.base; r < rows; r++, i += stride) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [Math.fround(min), Math.fround(max)];
}

function encodeAffine(
  src: Strided,
  rows: number,
  lo: number,
  inv: number,
  q: Uint8Array,
  to: number
) {
  const { data, stride } = src;
  for (let r = 0, i = src.base; r < rows; r++, i += stride)
    q[to + r] = ((data[i] - lo) * inv + 0.5) | 0;
}

/** Where code (r, u) of a tile is: q[r * rowStride + u * unitStride]. */
function codeStrides(tile: Tile): [rowStride: number, unitStride: number] {
  return tile.unitMajor ? [1, tile.rows] : [tile.units, 1];
}

/** The codes of column u of a tile, from row r0 on. */
export function unitCodes(tile: Tile, u: number, r0: number): StridedCodes {
  const [rs, us] = codeStrides(tile);
  return { data: tile.q, base: u * us + r0 * rs, stride: rs };
}

/**
 * Decode rows [r0, r1) of a tile into out: row r goes to out.data[out.base + (r - r0) *
 * out.stride], units side by side.
 */
export function decodeTile(tile: Tile, r0: number, r1: number, out: Strided): void {
  const { units } = tile;
  if (tile.f32) {
    for (let r = r0; r < r1; r++)
      out.data.set(tile.f32.subarray(r * units, (r + 1) * units), out.base + (r - r0) * out.stride);
    return;
  }
  for (let u = 0; u < units; u++) decodeTileColumn(tile, u, r0, r1, unitOf(out, u));
}

/**
 * The quantisation step of column u of a tile: a stored value is the true one to within ±step/2.
 * 0 for unquantised (float32) tiles, which are exact.
 */
export function tileStep(tile: Tile, u: number): number {
  if (tile.f32) return 0;
  if (tile.range) return (tile.range[1] - tile.range[0]) / 255;
  return tile.step![u];
}

/** Bytes a tile takes (codes plus per-unit parameters). */
export function tileBytes(tile: Tile): number {
  return tile.q.byteLength + (tile.lo ? tile.lo.byteLength + tile.step!.byteLength : 0);
}

/** One unit (column `u` of the tile) over rows r0..r1-1 into out.data[out.base + (r - r0) * out.stride]. */
export function decodeTileColumn(
  tile: Tile,
  u: number,
  r0: number,
  r1: number,
  out: Strided
): void {
  const { units } = tile;
  if (tile.f32) {
    for (let r = r0; r < r1; r++)
      out.data[out.base + (r - r0) * out.stride] = tile.f32[r * units + u];
    return;
  }
  const [lo, k] = tile.range
    ? [tile.range[0], (tile.range[1] - tile.range[0]) / 255]
    : [tile.lo![u], tile.step![u]];
  decodeCodes(unitCodes(tile, u, r0), r1 - r0, lo, k, out);
}

// Its own function so V8 optimises the hot loop once (see analysis/match.ts countChunk).
function decodeCodes(codes: StridedCodes, n: number, lo: number, k: number, out: Strided) {
  const [q, qStride, o, stride] = [codes.data, codes.stride, out.data, out.stride];
  for (let i = 0, a = codes.base, at = out.base; i < n; i++, a += qStride, at += stride)
    o[at] = lo + q[a] * k;
}
