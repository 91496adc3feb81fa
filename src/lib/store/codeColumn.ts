/**
 * One unit over a span of steps as stored: its 8-bit codes, with each chunk's decode (value =
 * lo + code × step), or plain floats for unquantised (Zarr float32) tiles. A quarter of the
 * memory of decoded floats, and a threshold test over it is a 256-entry lookup per chunk instead
 * of a decode per step: the match scans these (query/runMatch.ts). Pure code.
 */
import { lastAtOrBefore } from '../bisect';
import { unitCodes, type StridedCodes, type Tile } from './tiles';

export interface CodeColumn {
  length: number;
  /** codes, one per step (null when the column holds floats) */
  codes: Uint8Array | null;
  /** first step (relative) of each segment with its own decode, ascending, starting at 0 */
  starts: number[];
  lo: number[];
  step: number[];
  /** plain values for steps of unquantised segments (step NaN); null when there are none */
  f32: Float32Array | null;
}

export function emptyCodeColumn(length: number): CodeColumn {
  return { length, codes: new Uint8Array(length), starts: [], lo: [], step: [], f32: null };
}

/** Append rows r0..r1-1 of column u of a tile at step `at` of the column (in step order). */
export function appendTileColumn(
  col: CodeColumn,
  tile: Tile,
  u: number,
  r0: number,
  r1: number,
  at: number
): void {
  const { units } = tile;
  if (tile.f32) {
    col.f32 ??= new Float32Array(col.length);
    for (let r = r0; r < r1; r++) col.f32[at + r - r0] = tile.f32[r * units + u];
    pushSegment(col, at, NaN, NaN);
    return;
  }
  const [lo, step] = tile.range
    ? [tile.range[0], (tile.range[1] - tile.range[0]) / 255]
    : [tile.lo![u], tile.step![u]];
  pushSegment(col, at, lo, step);
  const codes = unitCodes(tile, u, r0);
  if (codes.stride === 1) col.codes!.set(codes.data.subarray(codes.base, codes.base + r1 - r0), at);
  else copyCodes(codes, r1 - r0, col.codes!, at);
}

// Row-major tiles (older ones, without `unitMajor`). Its own function so V8 optimises the strided loop once.
function copyCodes(codes: StridedCodes, n: number, out: Uint8Array, at: number) {
  const [q, stride] = [codes.data, codes.stride];
  for (let i = 0, a = codes.base; i < n; i++, a += stride) out[at + i] = q[a];
}

function pushSegment(col: CodeColumn, at: number, lo: number, step: number) {
  const n = col.starts.length;
  // Segments with the same decode merge (fixed-range tiles all share one).
  if (n && Object.is(col.lo[n - 1], lo) && Object.is(col.step[n - 1], step)) return;
  col.starts.push(at);
  col.lo.push(lo);
  col.step.push(step);
}

/**
 * Which steps of a column are on, for a test on decoded values (e.g. v ≥ θ): one 256-entry table
 * per segment, so testing a step is a lookup. Values are decoded exactly as the reader decodes
 * them into a Float32Array, so this agrees with testing decoded columns.
 */
export class OnTest {
  /** 256 entries per segment (unused for float segments) */
  private luts: Uint8Array;
  constructor(
    readonly col: CodeColumn,
    private isOn: (v: number) => boolean
  ) {
    const n = col.starts.length;
    this.luts = new Uint8Array(256 * n);
    for (let i = 0; i < n; i++) {
      const [lo, step] = [col.lo[i], col.step[i]];
      if (Number.isNaN(step)) continue;
      const same = i > 0 && col.lo[i - 1] === lo && col.step[i - 1] === step;
      if (same) this.luts.copyWithin(256 * i, 256 * (i - 1), 256 * i);
      else
        for (let c = 0; c < 256; c++)
          this.luts[256 * i + c] = isOn(Math.fround(lo + c * step)) ? 1 : 0;
    }
  }

  /** counts[t] += 1 for every step t that is on; counts' buffer must start 4-aligned. */
  addTo(counts: Uint8Array): void {
    const { col } = this;
    col.starts.forEach((s, i) => {
      const e = i + 1 < col.starts.length ? col.starts[i + 1] : col.length;
      if (!Number.isNaN(col.step[i]))
        addLookups(col.codes!, this.luts.subarray(256 * i, 256 * (i + 1)), counts, s, e);
      else for (let t = s; t < e; t++) counts[t] += this.isOn(col.f32![t]) ? 1 : 0;
    });
  }

  /** Whether step t is on. */
  at(t: number): boolean {
    const { col } = this;
    const lo = Math.max(0, lastAtOrBefore(col.starts, t));
    if (Number.isNaN(col.step[lo])) return this.isOn(col.f32![t]);
    return this.luts[256 * lo + col.codes![t]] === 1;
  }
}

/**
 * For each step, how many of the columns are on. Bytes while there are at most 255 columns
 * (half the memory traffic of 16-bit counts), 16-bit beyond.
 */
export function countOn(tests: OnTest[], length: number): Uint8Array | Uint16Array {
  // A whole number of 32-bit words, so addLookups can add four counts at once.
  const bytes = () => new Uint8Array(new ArrayBuffer((length + 3) & ~3), 0, length);
  if (tests.length <= 255) {
    const counts = bytes();
    for (const test of tests) test.addTo(counts);
    return counts;
  }
  const counts = new Uint16Array(length);
  for (let g = 0; g < tests.length; g += 255) {
    const part = bytes();
    for (const test of tests.slice(g, g + 255)) test.addTo(part);
    for (let t = 0; t < length; t++) counts[t] += part[t];
  }
  return counts;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** counts[t] += lut[codes[t]] for t in [s, e). */
function addLookups(codes: Uint8Array, lut: Uint8Array, counts: Uint8Array, s: number, e: number) {
  let t = s;
  if (LITTLE_ENDIAN && codes.byteOffset % 4 === counts.byteOffset % 4) {
    // Four steps per load and per add (a count never carries into the next byte: ≤ 255).
    // Measured ~2.5× faster than a byte at a time.
    while (t < e && (codes.byteOffset + t) & 3) counts[t] += lut[codes[t++]];
    const n = (e - t) >> 2;
    const words = new Uint32Array(codes.buffer, codes.byteOffset + t, n);
    const sums = new Uint32Array(counts.buffer, counts.byteOffset + t, n);
    addWordLookups(words, lut, sums);
    t += n * 4;
  }
  for (; t < e; t++) counts[t] += lut[codes[t]];
}

// Hot loops in their own functions: V8 optimises them once (see analysis/match.ts countChunk).
function addWordLookups(words: Uint32Array, lut: Uint8Array, sums: Uint32Array) {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const add =
      lut[w & 255] |
      (lut[(w >>> 8) & 255] << 8) |
      (lut[(w >>> 16) & 255] << 16) |
      (lut[w >>> 24] << 24);
    sums[i] = (sums[i] + add) >>> 0;
  }
}
