/**
 * A recording as a Zarr store on disk, written chunk by chunk as the recorder goes: one group (its
 * attributes hold the cellscope manifest) and one float32 array per stream, [T, units], chunked
 * `chunkRows` (the --chunk size) × 64 units along a regular grid (zarrGrid.ts: the same chunks
 * whatever the recorder's runs, documents or shards), raw little-endian, uncompressed.
 *
 * Models with an LM head also get their predictions (lm_loss, lm_top_ids, lm_top_probs).
 *
 * Zarr v3 by default (zarr.json per node, chunk keys c/<row>/<block>). Version 2 writes the same
 * arrays and attributes the way zarr-python 2 / xarray do (.zgroup, .zattrs, .zarray, chunk keys
 * <row>.<block>, `_ARRAY_DIMENSIONS`), so the reader can be tested on both. Any Zarr reader
 * (zarr-python, xarray, zarrita) opens either.
 *
 * A shard of a recording (recordShard.ts) owns some rows: it writes only the chunks wholly inside
 * them, and the chunks it shares with other shards as parts that `--finalize` merges; the array
 * metadata, tokens, text and group are written once, by an unsharded run or by `--finalize`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { TILE_UNITS } from '../lib/store/tiles';
import { GridArray, type GridData, type GridSpan } from './zarrGrid';

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

/** The rows a writer owns, and where its parts of shared chunks go (a shard's). */
export interface OwnedRows {
  from: number;
  to: number;
  partsDir: string;
}

type Predictions = {
  loss: Float32Array<ArrayBufferLike>;
  topIds: Int32Array<ArrayBufferLike>;
  topProbs: Float32Array<ArrayBufferLike>;
  k: number;
};

/** The key of the chunk at `coords` of array `name`: c/i/j in v3, i.j in v2 (a path in the store). */
export function chunkKey(version: ZarrVersion, name: string, coords: number[]): string {
  return version === 3 ? join(name, 'c', ...coords.map(String)) : join(name, coords.join('.'));
}

export class ZarrStoreWriter {
  private readonly span: GridSpan;
  private readonly grids = new Map<string, GridArray>();

  /**
   * Without `owned`, the writer owns every row (an unsharded run) and writes the arrays' metadata
   * as it goes; a shard's writer writes only chunks (--finalize writes the metadata).
   */
  constructor(
    readonly dir: string,
    readonly streams: ZarrStream[],
    readonly steps: number,
    readonly chunkRows: number,
    readonly version: ZarrVersion = 3,
    private readonly owned: OwnedRows | null = null
  ) {
    this.span = { steps, chunkRows, from: owned?.from ?? 0, to: owned?.to ?? steps };
    mkdirSync(dir, { recursive: true });
    if (!owned) this.writeMetadata(0);
  }

  /** The array metadata of the streams, and of the LM predictions when there are (k > 0). */
  writeMetadata(lmK: number): void {
    if (lmK) this.writePredictionMeta(lmK);
    for (const s of this.streams)
      this.writeArrayMeta(s.id, {
        shape: [this.steps, s.units],
        chunks: [this.chunkRows, TILE_UNITS],
        dataType: 'float32',
        dimensions: ['time', 'unit'],
        attributes: { cellscope: { stream: s.id, kind: s.kind } }
      });
  }

  private writePredictionMeta(lmK: number): void {
    const meta = (dataType: DataType, k?: number): ArraySpec => ({
      shape: k ? [this.steps, k] : [this.steps],
      chunks: k ? [this.chunkRows, k] : [this.chunkRows],
      dataType,
      dimensions: k ? ['time', 'rank'] : ['time']
    });
    this.writeArrayMeta('lm_loss', meta('float32'));
    this.writeArrayMeta('lm_top_ids', meta('int32', lmK));
    this.writeArrayMeta('lm_top_probs', meta('float32', lmK));
  }

  private chunkPath(name: string, coords: number[]): string {
    return join(this.dir, chunkKey(this.version, name, coords));
  }

  private writeChunkFile(name: string, coords: number[], bytes: Uint8Array, whole = true): void {
    let path = this.chunkPath(name, coords);
    if (!whole) path = join(this.owned!.partsDir, relative(this.dir, path));
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

  /** The grid writer of one array, made on its first rows. */
  private grid(
    name: string,
    width: number,
    blockWidth: number,
    oneD: boolean,
    make: (n: number) => GridData
  ): GridArray {
    let g = this.grids.get(name);
    if (!g) {
      g = new GridArray(name, width, blockWidth, oneD, make, this.span, (n, c, bytes, whole) =>
        this.writeChunkFile(n, c, bytes, whole)
      );
      this.grids.set(name, g);
    }
    return g;
  }

  /** The streams' rows start..start+rows-1 ([rows, units] row-major per stream). */
  writeRows(
    start: number,
    rows: number,
    data: Record<string, Float32Array<ArrayBufferLike>>
  ): void {
    const f32 = (n: number) => new Float32Array(n);
    for (const s of this.streams)
      this.grid(s.id, s.units, TILE_UNITS, false, f32).append(start, rows, data[s.id]);
  }

  /** k of the LM predictions written (0: none) */
  lmK = 0;

  /**
   * The LM head's predictions for rows start..start+rows-1: per step the loss (lm_loss, [T]) and
   * the top-k next tokens and their probabilities (lm_top_ids, lm_top_probs, [T, k]).
   */
  writePredictions(start: number, rows: number, p: Predictions): void {
    if (this.lmK && p.k !== this.lmK)
      throw new Error(`The LM head gave top-${p.k} predictions after top-${this.lmK} ones.`);
    if (!this.lmK && !this.owned) this.writePredictionMeta(p.k);
    this.lmK = p.k;
    const [f32, i32] = [(n: number) => new Float32Array(n), (n: number) => new Int32Array(n)];
    this.grid('lm_loss', 1, 1, true, f32).append(start, rows, p.loss);
    this.grid('lm_top_ids', p.k, p.k, false, i32).append(start, rows, p.topIds);
    this.grid('lm_top_probs', p.k, p.k, false, f32).append(start, rows, p.topProbs);
  }

  /** Every row owned is in: check that no chunk was left half-written. */
  close(): void {
    for (const g of this.grids.values()) g.close();
  }

  /** Token ids (int32) and text offsets (uint32) per step, and the corpus text as UTF-8 bytes. */
  writeTokens(ids: Int32Array, offsets: Uint32Array, text: string): void {
    const whole = { ...this.span, from: 0, to: this.steps };
    const write = (n: string, c: number[], bytes: Uint8Array) => this.writeChunkFile(n, c, bytes);
    const oneD = (name: string, dataType: DataType, data: GridData, span: GridSpan) => {
      const make = (n: number) => new (data.constructor as new (n: number) => GridData)(n);
      const dimension = name === 'text' ? 'byte' : 'time';
      const [shape, chunks] = [[data.length], [span.chunkRows]];
      this.writeArrayMeta(name, { shape, chunks, dataType, dimensions: [dimension] });
      const grid = new GridArray(name, 1, 1, true, make, span, write);
      grid.append(0, data.length, data);
      grid.close();
    };
    oneD('tokens', 'int32', ids, whole);
    oneD('offsets', 'uint32', offsets, whole);
    const utf8 = new TextEncoder().encode(text);
    const n = utf8.length;
    oneD('text', 'uint8', utf8, { steps: n, chunkRows: Math.max(1, n), from: 0, to: n });
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
