/**
 * A recording as a Zarr v3 store on disk, written chunk by chunk as the recorder goes: one group
 * (zarr.json with the cellscope manifest in its attributes) and one float32 array per stream,
 * [T, units], chunked like the browser's tiles (recorder chunk × 64 units), raw little-endian.
 * Any Zarr v3 reader (zarr-python, xarray, zarrita) opens it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TILE_UNITS } from '../lib/store/tiles';

export interface ZarrStream {
  id: string;
  units: number;
  kind: string;
}

export class ZarrStoreWriter {
  constructor(
    readonly dir: string,
    readonly streams: ZarrStream[],
    readonly steps: number,
    readonly chunkRows: number
  ) {
    mkdirSync(dir, { recursive: true });
    for (const s of streams) {
      mkdirSync(join(dir, s.id), { recursive: true });
      writeFileSync(
        join(dir, s.id, 'zarr.json'),
        JSON.stringify(arrayMeta(s, steps, chunkRows), null, 2)
      );
    }
  }

  /** Write the tiles of recorder chunk `index` ([rows, units] row-major per stream). */
  writeChunk(index: number, rows: number, data: Record<string, Float32Array>): void {
    for (const s of this.streams) {
      const src = data[s.id];
      for (let block = 0; block * TILE_UNITS < s.units; block++) {
        // Edge chunks are stored full size, padded with the fill value (Zarr v3).
        const tile = new Float32Array(this.chunkRows * TILE_UNITS);
        const u0 = block * TILE_UNITS;
        const n = Math.min(TILE_UNITS, s.units - u0);
        for (let r = 0; r < rows; r++)
          tile.set(src.subarray(r * s.units + u0, r * s.units + u0 + n), r * TILE_UNITS);
        const path = join(this.dir, s.id, 'c', String(index));
        mkdirSync(path, { recursive: true });
        writeFileSync(join(path, String(block)), new Uint8Array(tile.buffer));
      }
    }
  }

  /** Token ids (int32) and text offsets (uint32) per step, and the corpus text as UTF-8 bytes. */
  writeTokens(ids: Int32Array, offsets: Uint32Array, text: string): void {
    const oneD = (name: string, type: string, data: ArrayBufferView, chunk: number) => {
      mkdirSync(join(this.dir, name, 'c'), { recursive: true });
      const meta = {
        zarr_format: 3,
        node_type: 'array',
        shape: [(data as Int32Array).length],
        data_type: type,
        chunk_grid: { name: 'regular', configuration: { chunk_shape: [chunk] } },
        chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
        fill_value: 0,
        codecs: [{ name: 'bytes', configuration: { endian: 'little' } }]
      };
      writeFileSync(join(this.dir, name, 'zarr.json'), JSON.stringify(meta, null, 2));
      const size = (data as Int32Array).BYTES_PER_ELEMENT;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const n = (data as Int32Array).length;
      for (let i = 0; i * chunk < Math.max(n, 1); i++) {
        const part = new Uint8Array(chunk * size); // edge chunks padded to full size
        part.set(bytes.subarray(i * chunk * size, Math.min(n, (i + 1) * chunk) * size));
        writeFileSync(join(this.dir, name, 'c', String(i)), part);
      }
    };
    oneD('tokens', 'int32', ids, this.chunkRows);
    oneD('offsets', 'uint32', offsets, this.chunkRows);
    const utf8 = new TextEncoder().encode(text);
    oneD('text', 'uint8', utf8, Math.max(1, utf8.length));
  }

  /** The group's zarr.json, written last: its attributes say the recording is complete. */
  finish(attributes: Record<string, unknown>): void {
    writeFileSync(
      join(this.dir, 'zarr.json'),
      JSON.stringify(
        { zarr_format: 3, node_type: 'group', attributes: { cellscope: attributes } },
        null,
        2
      )
    );
  }
}

function arrayMeta(s: ZarrStream, steps: number, chunkRows: number) {
  return {
    zarr_format: 3,
    node_type: 'array',
    shape: [steps, s.units],
    data_type: 'float32',
    chunk_grid: { name: 'regular', configuration: { chunk_shape: [chunkRows, TILE_UNITS] } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: 0,
    codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
    dimension_names: ['time', 'unit'],
    attributes: { cellscope: { stream: s.id, kind: s.kind } }
  };
}
