/**
 * The tile codec: a stream is stored as tiles of [rows ≤ chunk, ≤ TILE_UNITS units], quantised to
 * 8 bits. Streams with a known range (tanh → [-1, 1], sigmoid → [0, 1]) use that range: exactly
 * 1 byte per value, max error (hi − lo) / 510 (h: 0.0039, gates: 0.0020). Others (c, ReLU, picked
 * tensors) — or a tile that strays outside its fixed range — use each unit's min/max within the
 * tile: 1 byte per value plus 8 bytes per unit per tile, max error (unit range in the tile) / 510.
 * Pure code: no IndexedDB here.
 */
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
   * units] (tiles written before 0.3). Unit-major lets a scan of a few units over the whole
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

/** Encode rows × units values (row-major, a column block of a wider row: stride ≥ units). */
export function encodeTile(
  src: Float32Array,
  rows: number,
  units: number,
  stride: number,
  offset: number,
  range: [number, number] | null
): Tile {
  const q = new Uint8Array(rows * units);
  if (range) {
    const [lo, hi] = range;
    // Codes and the range check in one pass; a value outside the range (rare) falls through.
    let ok = true;
    for (let u = 0; u < units && ok; u++)
      ok = encodeFixed(src, rows, stride, offset + u, lo, 255 / (hi - lo), hi, q, u * rows);
    if (ok) return { rows, units, q, range, unitMajor: true };
  }
  const lo = new Float32Array(units);
  const step = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    const [min, max] = extentOf(src, rows, stride, offset + u);
    lo[u] = min;
    step[u] = max > min ? (max - min) / 255 : 1;
    encodeAffine(src, rows, stride, offset + u, lo[u], 1 / step[u], q, u * rows);
  }
  return { rows, units, q, lo, step, unitMajor: true };
}

// Hot loops, one unit at a time (codes written in order), each in its own function so V8
// optimises it once. Rounding is floor(x + 0.5): Math.round for the non-negative x here.
function encodeFixed(
  src: Float32Array,
  rows: number,
  stride: number,
  at: number,
  lo: number,
  k: number,
  hi: number,
  q: Uint8Array,
  to: number
): boolean {
  for (let r = 0, i = at; r < rows; r++, i += stride) {
    const v = src[i];
    if (!(v >= lo && v <= hi)) return false;
    q[to + r] = ((v - lo) * k + 0.5) | 0;
  }
  return true;
}

function extentOf(src: Float32Array, rows: number, stride: number, at: number): [number, number] {
  let [min, max] = [Infinity, -Infinity];
  for (let r = 0, i = at; r < rows; r++, i += stride) {
    const v = src[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [Math.fround(min), Math.fround(max)];
}

function encodeAffine(
  src: Float32Array,
  rows: number,
  stride: number,
  at: number,
  lo: number,
  inv: number,
  q: Uint8Array,
  to: number
) {
  for (let r = 0, i = at; r < rows; r++, i += stride) q[to + r] = ((src[i] - lo) * inv + 0.5) | 0;
}

/** Where code (r, u) of a tile is: q[r * rowStride + u * unitStride]. */
export function codeStrides(tile: Tile): [rowStride: number, unitStride: number] {
  return tile.unitMajor ? [1, tile.rows] : [tile.units, 1];
}

/** Decode rows [r0, r1) of a tile into out (row stride `stride`, starting at `offset`). */
export function decodeTile(
  tile: Tile,
  r0: number,
  r1: number,
  out: Float32Array,
  stride: number,
  offset: number
): void {
  const { units } = tile;
  if (tile.f32) {
    for (let r = r0; r < r1; r++)
      out.set(tile.f32.subarray(r * units, (r + 1) * units), offset + (r - r0) * stride);
    return;
  }
  for (let u = 0; u < units; u++) decodeTileColumn(tile, u, r0, r1, out, stride, offset + u);
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

/** One unit (column `u` of the tile) over rows r0..r1-1 into out[offset + (r - r0) * stride]. */
export function decodeTileColumn(
  tile: Tile,
  u: number,
  r0: number,
  r1: number,
  out: Float32Array,
  stride: number,
  offset: number
): void {
  const { units } = tile;
  if (tile.f32) {
    for (let r = r0; r < r1; r++) out[offset + (r - r0) * stride] = tile.f32[r * units + u];
    return;
  }
  const [lo, k] = tile.range
    ? [tile.range[0], (tile.range[1] - tile.range[0]) / 255]
    : [tile.lo![u], tile.step![u]];
  const [rs, us] = codeStrides(tile);
  decodeCodes(tile.q, u * us + r0 * rs, rs, r1 - r0, lo, k, out, offset, stride);
}

// Its own function so V8 optimises the hot loop once (see analysis/match.ts countChunk).
function decodeCodes(
  q: Uint8Array,
  from: number,
  qStride: number,
  n: number,
  lo: number,
  k: number,
  out: Float32Array,
  offset: number,
  stride: number
) {
  for (let i = 0, a = from, o = offset; i < n; i++, a += qStride, o += stride)
    out[o] = lo + q[a] * k;
}
