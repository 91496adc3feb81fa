/**
 * A recording held in memory, one stream of tiles encoded with the app's own codec: what the
 * benchmarks and tests run queries on when storage is not what they measure. Pure code.
 */
import type { ChunkSource } from './reader';
import { RecordingReader } from './reader';
import type { RecordingRow } from './db';
import { encodeTile, TILE_UNITS, type Tile } from './tiles';

export interface MemoryRecordingOptions {
  steps: number;
  units: number;
  /** Values of chunk c ([rows, units] row-major): generated per chunk, so 1M × 512 fits. */
  chunkValues: (chunk: number, start: number, rows: number) => Float32Array;
  chunkSize?: number;
  tileUnits?: number;
  stream?: string;
  /** fixed range of the stream (h: [-1, 1]); null for per-unit ranges */
  range?: [number, number] | null;
  /** token indices where documents start (default: one document) */
  documentStarts?: number[];
  status?: 'complete' | 'recording';
  /** chunks readable when status is 'recording' */
  chunksDone?: number;
  /** replace a tile after encoding (tests: other tile kinds) */
  tile?: (tile: Tile, chunk: number, block: number, values: Float32Array) => Tile;
}

export function memoryRecording(o: MemoryRecordingOptions) {
  const chunkSize = o.chunkSize ?? 2048;
  const width = o.tileUnits ?? TILE_UNITS;
  const stream = o.stream ?? 's';
  const range = o.range === undefined ? ([-1, 1] as [number, number]) : o.range;
  const chunks = Math.ceil(o.steps / chunkSize);
  const tiles = new Map<string, Tile>();
  for (let c = 0; c < chunks; c++) {
    const rows = Math.min(chunkSize, o.steps - c * chunkSize);
    const data = o.chunkValues(c, c * chunkSize, rows);
    for (let b = 0; b * width < o.units; b++) {
      const n = Math.min(width, o.units - b * width);
      const tile = encodeTile({ data, base: b * width, stride: o.units }, rows, n, range);
      tiles.set(`${c}/${b}`, o.tile ? o.tile(tile, c, b, data) : tile);
    }
  }
  /** tiles handed out so far (tests count storage reads) */
  const reads = { tiles: 0 };
  const source: ChunkSource = {
    tiles: async (_s, c, blocks) => {
      reads.tiles += blocks.length;
      return blocks.map((b) => tiles.get(`${c}/${b}`)!);
    },
    tokens: async () => ({ ids: new Int32Array(0), offsets: new Uint32Array(0) })
  };
  const status = o.status ?? 'complete';
  const recording = {
    id: 1,
    name: 'memory',
    status,
    streams: [{ id: stream, layer: 0, dir: 'fwd', kind: 'h', units: o.units, range }],
    tokens: o.steps,
    chunkSize,
    tileUnits: width,
    documents: (o.documentStarts ?? [0]).map((start, i) => ({ name: `doc ${i}`, start })),
    chunkStarts: Array.from({ length: chunks }, (_, c) => c * chunkSize),
    chunks,
    chunksDone: status === 'complete' ? chunks : (o.chunksDone ?? 0)
  } as unknown as RecordingRow;
  return { reader: new RecordingReader(source, recording), recording, source, reads };
}
