/**
 * One array of a Zarr store written along its regular chunk grid: rows come in pieces, as the
 * recorder runs (its runs are cut at documents, so they need not match the grid; documents
 * recorded side by side send theirs interleaved, out of order), and each chunk is written once
 * all of its rows are in, padded to full size with the fill value 0 as Zarr requires. Each row is
 * given once; only the chunks still waiting for rows are held. The grid depends only on the number of steps and the chunk height, never on how the
 * rows were produced, so every writer of the same recording writes the same chunk files.
 *
 * A writer may own only some rows (`from`..`to`, a shard of a recording): a chunk wholly inside
 * them is written to its place in the store; a chunk it shares with other shards is written as a
 * part (the same key under `partsDir`: its own rows, zeros elsewhere) for `--finalize` to merge.
 */
export type GridData =
  | Float32Array<ArrayBufferLike>
  | Int32Array<ArrayBufferLike>
  | Uint32Array<ArrayBufferLike>
  | Uint8Array<ArrayBufferLike>;

export interface GridSpan {
  /** the array's length along time (rows), and the chunk height */
  steps: number;
  chunkRows: number;
  /** the rows this writer owns: [from, to) */
  from: number;
  to: number;
}

/** Write the bytes of chunk `coords` of array `name`; `whole`: to its place, else as a part. */
export type ChunkWrite = (
  name: string,
  coords: number[],
  bytes: Uint8Array,
  whole: boolean
) => void;

/** Whether grid chunk `c` lies wholly inside the rows [from, to). */
export function chunkInside(c: number, g: GridSpan): boolean {
  return c * g.chunkRows >= g.from && Math.min((c + 1) * g.chunkRows, g.steps) <= g.to;
}

interface OpenChunk {
  blocks: GridData[];
  /** rows of it in so far */
  filled: number;
}

export class GridArray {
  private readonly open = new Map<number, OpenChunk>();

  /**
   * `width` values per row, cut into column blocks of `blockWidth` (chunk keys [row, block]);
   * `oneD`: a 1-D array (chunk keys [row]).
   */
  constructor(
    readonly name: string,
    private readonly width: number,
    private readonly blockWidth: number,
    private readonly oneD: boolean,
    private readonly make: (n: number) => GridData,
    private readonly span: GridSpan,
    private readonly write: ChunkWrite
  ) {}

  /** Rows start..start+rows-1 of the array ([rows, width] row-major), in any order. */
  append(start: number, rows: number, data: GridData): void {
    const { chunkRows: R } = this.span;
    const nBlocks = Math.ceil(this.width / this.blockWidth);
    for (let t = start; t < start + rows;) {
      const c = Math.floor(t / R);
      const chunk = this.chunkOf(c, nBlocks);
      const end = Math.min((c + 1) * R, start + rows);
      for (let b = 0; b < nBlocks; b++) {
        const u0 = b * this.blockWidth;
        const n = Math.min(this.blockWidth, this.width - u0);
        // All arrays of one GridArray share a type; set() copies between any of them.
        const out = chunk.blocks[b] as Float32Array;
        for (let row = t; row < end; row++) {
          const at = (row - start) * this.width + u0;
          out.set(data.subarray(at, at + n) as Float32Array, (row - c * R) * this.blockWidth);
        }
      }
      chunk.filled += end - t;
      t = end;
      const { from, to } = this.span;
      const size = this.chunkEnd(c) - Math.max(c * R, from);
      if (chunk.filled > size || end > to)
        throw new Error(`${this.name}: rows of chunk ${c} were given twice or lie outside it.`);
      if (chunk.filled === size) this.flush(c, chunk);
    }
  }

  /** All rows are in: a chunk still open means rows were missing (a bug, not bad input). */
  close(): void {
    const [c] = this.open.keys();
    if (c !== undefined)
      throw new Error(`${this.name}: chunk ${c} was left incomplete by the recorder.`);
  }

  private chunkEnd(c: number): number {
    const { chunkRows: R, steps, to } = this.span;
    return Math.min((c + 1) * R, steps, to);
  }

  private chunkOf(c: number, nBlocks: number): OpenChunk {
    let chunk = this.open.get(c);
    if (!chunk) {
      const blocks = Array.from({ length: nBlocks }, () =>
        this.make(this.span.chunkRows * this.blockWidth)
      );
      chunk = { blocks, filled: 0 };
      this.open.set(c, chunk);
    }
    return chunk;
  }

  private flush(c: number, chunk: OpenChunk): void {
    const whole = chunkInside(c, this.span);
    chunk.blocks.forEach((block, b) =>
      this.write(
        this.name,
        this.oneD ? [c] : [c, b],
        new Uint8Array(block.buffer, block.byteOffset, block.byteLength),
        whole
      )
    );
    this.open.delete(c);
  }
}
