/**
 * A recording as a Zarr store on disk, written chunk by chunk as the recorder goes: one group (its
 * attributes hold the cellscope manifest) and one float32 array per stream, [T, units], chunked
 * like the browser's tiles (recorder chunk × 64 units), raw little-endian, uncompressed.
 *
 * Models with an LM head also get their predictions (lm_loss, lm_top_ids, lm_top_probs).
 *
 * Zarr v3 by default (zarr.json per node, chunk keys c/<row>/<block>). Version 2 writes the same
 * arrays and attributes the way zarr-python 2 / xarray do (.zgroup, .zattrs, .zarray, chunk keys
 * <row>.<block>, `_ARRAY_DIMENSIONS`), so the reader can be tested on both. Any Zarr reader
 * (zarr-python, xarray, zarrita) opens either.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TILE_UNITS } from '../lib/store/tiles';

export interface ZarrStream {
  id: string;
  units: number;
  kind: string;
}

export type ZarrVersion = 2 | 3;

type DataType = 'float32' | 'int32' | 'uint32' | 'uint8';

/** Zarr v2 dtype strings (NumPy typestr) of the v3 data types we write. */
const V2_DTYPE: Record<DataType, string> = {
  float32: '<f4',
  int32: '<i4',
  uint32: '<u4',
  uint8: '|u1'
};

interface ArraySpec {
  shape: number[];
  chunks: number[];
  dataType: DataType;
  dimensions: string[];
  attributes?: Record<string, unknown>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export class ZarrStoreWriter {
  constructor(
    readonly dir: string,
    readonly streams: ZarrStream[],
    readonly steps: number,
    readonly chunkRows: number,
    readonly version: ZarrVersion = 3
  ) {
    mkdirSync(dir, { recursive: true });
    for (const s of streams)
      this.writeArrayMeta(s.id, {
        shape: [steps, s.units],
        chunks: [chunkRows, TILE_UNITS],
        dataType: 'float32',
        dimensions: ['time', 'unit'],
        attributes: { cellscope: { stream: s.id, kind: s.kind } }
      });
  }

  /** Where the chunk at `coords` of array `name` goes: c/i/j in v3, i.j in v2. */
  private chunkPath(name: string, coords: number[]): string {
    return this.version === 3
      ? join(this.dir, name, 'c', ...coords.map(String))
      : join(this.dir, name, coords.join('.'));
  }

  private writeChunkFile(name: string, coords: number[], bytes: Uint8Array): void {
    const path = this.chunkPath(name, coords);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }

  private writeArrayMeta(name: string, a: ArraySpec): void {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    if (this.version === 3) {
      writeFileSync(
        join(dir, 'zarr.json'),
        json({
          zarr_format: 3,
          node_type: 'array',
          shape: a.shape,
          data_type: a.dataType,
          chunk_grid: { name: 'regular', configuration: { chunk_shape: a.chunks } },
          chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
          fill_value: 0,
          codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
          dimension_names: a.dimensions,
          ...(a.attributes ? { attributes: a.attributes } : {})
        })
      );
      return;
    }
    writeFileSync(
      join(dir, '.zarray'),
      json({
        zarr_format: 2,
        shape: a.shape,
        chunks: a.chunks,
        dtype: V2_DTYPE[a.dataType],
        compressor: null,
        fill_value: 0,
        order: 'C',
        filters: null,
        dimension_separator: '.'
      })
    );
    // xarray names the dimensions of a v2 array in its attributes.
    writeFileSync(
      join(dir, '.zattrs'),
      json({ _ARRAY_DIMENSIONS: a.dimensions, ...(a.attributes ?? {}) })
    );
  }

  /** Write the tiles of recorder chunk `index` ([rows, units] row-major per stream). */
  writeChunk(index: number, rows: number, data: Record<string, Float32Array>): void {
    for (const s of this.streams) {
      const src = data[s.id];
      for (let block = 0; block * TILE_UNITS < s.units; block++) {
        // Edge chunks are stored full size, padded with the fill value (as Zarr requires).
        const tile = new Float32Array(this.chunkRows * TILE_UNITS);
        const u0 = block * TILE_UNITS;
        const n = Math.min(TILE_UNITS, s.units - u0);
        for (let r = 0; r < rows; r++)
          tile.set(src.subarray(r * s.units + u0, r * s.units + u0 + n), r * TILE_UNITS);
        this.writeChunkFile(s.id, [index, block], new Uint8Array(tile.buffer));
      }
    }
  }

  /** k of the LM predictions written (0: none) */
  lmK = 0;

  /**
   * The LM head's predictions for recorder chunk `index`: per step the loss (lm_loss, [T]) and
   * the top-k next tokens and their probabilities (lm_top_ids, lm_top_probs, [T, k]).
   */
  writePredictions(
    index: number,
    rows: number,
    p: { loss: Float32Array; topIds: Int32Array; topProbs: Float32Array; k: number }
  ): void {
    if (!this.lmK) {
      this.lmK = p.k;
      const meta = (dataType: DataType, k?: number): ArraySpec => ({
        shape: k ? [this.steps, k] : [this.steps],
        chunks: k ? [this.chunkRows, k] : [this.chunkRows],
        dataType,
        dimensions: k ? ['time', 'rank'] : ['time']
      });
      this.writeArrayMeta('lm_loss', meta('float32'));
      this.writeArrayMeta('lm_top_ids', meta('int32', p.k));
      this.writeArrayMeta('lm_top_probs', meta('float32', p.k));
    }
    const k = this.lmK;
    // Edge chunks padded to full size, as Zarr requires.
    const padded = <A extends Float32Array | Int32Array>(
      data: A,
      width: number,
      make: (n: number) => A
    ) => {
      const out = make(this.chunkRows * width);
      out.set(data.subarray(0, rows * width));
      return new Uint8Array(out.buffer);
    };
    this.writeChunkFile(
      'lm_loss',
      [index],
      padded(p.loss, 1, (n) => new Float32Array(n))
    );
    this.writeChunkFile(
      'lm_top_ids',
      [index, 0],
      padded(p.topIds, k, (n) => new Int32Array(n))
    );
    this.writeChunkFile(
      'lm_top_probs',
      [index, 0],
      padded(p.topProbs, k, (n) => new Float32Array(n))
    );
  }

  /** Token ids (int32) and text offsets (uint32) per step, and the corpus text as UTF-8 bytes. */
  writeTokens(ids: Int32Array, offsets: Uint32Array, text: string): void {
    const oneD = (
      name: string,
      dataType: DataType,
      data: Int32Array | Uint32Array | Uint8Array,
      chunk: number,
      dimension: string
    ) => {
      const n = data.length;
      this.writeArrayMeta(name, { shape: [n], chunks: [chunk], dataType, dimensions: [dimension] });
      const size = data.BYTES_PER_ELEMENT;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i * chunk < Math.max(n, 1); i++) {
        const part = new Uint8Array(chunk * size); // edge chunks padded to full size
        part.set(bytes.subarray(i * chunk * size, Math.min(n, (i + 1) * chunk) * size));
        this.writeChunkFile(name, [i], part);
      }
    };
    oneD('tokens', 'int32', ids, this.chunkRows, 'time');
    oneD('offsets', 'uint32', offsets, this.chunkRows, 'time');
    const utf8 = new TextEncoder().encode(text);
    oneD('text', 'uint8', utf8, Math.max(1, utf8.length), 'byte');
  }

  /**
   * The group's metadata, written last: its presence says the recording is complete (v3:
   * zarr.json; v2: .zattrs, then .zgroup).
   */
  finish(attributes: Record<string, unknown>): void {
    if (this.version === 3) {
      writeFileSync(
        join(this.dir, 'zarr.json'),
        json({ zarr_format: 3, node_type: 'group', attributes: { cellscope: attributes } })
      );
      return;
    }
    writeFileSync(join(this.dir, '.zattrs'), json({ cellscope: attributes }));
    writeFileSync(join(this.dir, '.zgroup'), json({ zarr_format: 2 }));
  }
}
