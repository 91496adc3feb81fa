/** Reading a recording back: windows of a stream, and the tokens of a window, through an LRU cache. */
import { lastAtOrBefore } from '../bisect';
import { CellscopeDB, type PredictionRow, type RecordingRow } from './db';
import { appendTileColumn, emptyCodeColumn, type CodeColumn } from './codeColumn';
import { recordedSteps } from './facts';
import { decodeTile, decodeTileColumn, tileStep, type Tile } from './tiles';

class Lru<K, V> {
  private map = new Map<K, V>();
  constructor(private capacity: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  delete(key: K): void {
    this.map.delete(key);
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}

type TileVisit = (tile: Tile, u: number, j: number, r0: number, r1: number, at: number) => void;

/** Chunks fetched concurrently by a column read. */
const READ_AHEAD = 16;

export interface TokenWindow {
  ids: Int32Array;
  offsets: Uint32Array;
}

/** Where a recording's tiles and tokens come from: IndexedDB, or a Zarr store over HTTP. */
export interface ChunkSource {
  /** Tiles of one chunk, in the order of `blocks`; throws when one is missing. */
  tiles(stream: string, chunk: number, blocks: number[]): Promise<Tile[]>;
  tokens(chunk: number): Promise<TokenWindow>;
  /** LM-head predictions of one chunk, when the recording has them. */
  predictions?(chunk: number): Promise<PredictionRow | undefined>;
}

export interface PredictionWindow {
  loss: Float32Array;
  topIds: Int32Array;
  topProbs: Float32Array;
  k: number;
}

/**
 * Quantisation steps of a window of a stream, per chunk it spans and per unit: the value of unit
 * u at step t is stored to within ±step/2 (step 0: stored exactly, as float32).
 */
export interface WindowSteps {
  units: number;
  /** first step of each chunk span, ascending */
  starts: number[];
  /** [spans, units] row-major */
  steps: Float32Array;
}

/** The quantisation step of unit u at step t (NaN outside the window). */
export function stepAt(w: WindowSteps, t: number, u: number): number {
  let i = -1;
  while (i + 1 < w.starts.length && w.starts[i + 1] <= t) i++;
  return i < 0 || u < 0 || u >= w.units ? NaN : w.steps[i * w.units + u];
}

/** Each unit's largest step over the window (what a per-unit summary of it can claim). */
export function unitSteps(w: WindowSteps): Float32Array {
  const out = new Float32Array(w.units);
  for (let i = 0; i < w.starts.length; i++)
    for (let u = 0; u < w.units; u++) out[u] = Math.max(out[u], w.steps[i * w.units + u]);
  return out;
}

export function dexieSource(db: CellscopeDB, recordingId: number): ChunkSource {
  return {
    async tiles(stream, chunk, blocks) {
      const rows = await db.tiles.bulkGet(blocks.map((b) => [recordingId, stream, chunk, b]));
      return rows.map((row, i) => {
        if (!row)
          throw new Error(
            `Tile ${blocks[i]} of chunk ${chunk} of ${stream} is missing from the store.`
          );
        return row.tile;
      });
    },
    predictions: (chunk) => db.predictions.get([recordingId, chunk]),
    async tokens(chunk) {
      const row = await db.tokens.get([recordingId, chunk]);
      if (!row) throw new Error(`Tokens of chunk ${chunk} are missing from the store.`);
      return { ids: row.ids, offsets: row.offsets };
    }
  };
}

export class RecordingReader {
  private tileCache: Lru<string, Tile>;
  private inFlight = new Map<string, Promise<Tile>>();
  private tokenCache = new Lru<number, TokenWindow>(48);
  private predictionCache = new Lru<number, Promise<PredictionRow | undefined>>(48);
  private source: ChunkSource;

  /** `cacheTiles`: how many tiles the LRU keeps (512 = 16 MB of 2,048 × 16 tiles). */
  constructor(
    source: CellscopeDB | ChunkSource,
    readonly recording: RecordingRow,
    cacheTiles = 512
  ) {
    this.tileCache = new Lru(cacheTiles);
    this.source = source instanceof CellscopeDB ? dexieSource(source, recording.id!) : source;
  }

  /** Timesteps readable so far (all of them once the recording is complete). */
  get length(): number {
    return recordedSteps(this.recording);
  }

  /** Units per tile (the column-block width) of this recording. */
  get tileUnits(): number {
    return this.recording.tileUnits;
  }

  units(stream: string): number {
    const s = this.recording.streams.find((x) => x.id === stream);
    if (!s) throw new Error(`Stream ${stream} is not in this recording.`);
    return s.units;
  }

  private async tiles(
    stream: string,
    chunk: number,
    blocks: number[],
    cache = true
  ): Promise<Tile[]> {
    // Long scans (a few units over the whole corpus) bypass the cache: they would only evict the
    // windows the views are about to read again.
    if (!cache) return this.source.tiles(stream, chunk, blocks);
    const keys = blocks.map((b) => `${stream}/${chunk}/${b}`);
    const out: (Tile | Promise<Tile> | undefined)[] = keys.map(
      (k) => this.tileCache.get(k) ?? this.inFlight.get(k)
    );
    const missing = blocks.filter((_, i) => !out[i]);
    if (missing.length) {
      // Concurrent reads of the same chunk (a match ranking runs, a prefetch) share one fetch.
      const fetch = this.source.tiles(stream, chunk, missing);
      missing.forEach((b, i) => {
        const key = `${stream}/${chunk}/${b}`;
        const one = fetch.then((tiles) => {
          this.tileCache.set(key, tiles[i]);
          return tiles[i];
        });
        const forget = () => this.inFlight.delete(key);
        one.then(forget, forget);
        this.inFlight.set(key, one);
        out[blocks.indexOf(b)] = one;
      });
    }
    return Promise.all(out as (Tile | Promise<Tile>)[]);
  }

  /** One chunk's LM predictions, cached (a pan reads them with the window). */
  private predictionChunk(index: number): Promise<PredictionRow | undefined> {
    let hit = this.predictionCache.get(index);
    if (!hit) {
      hit = this.source.predictions!(index);
      this.predictionCache.set(index, hit);
      hit.catch(() => this.predictionCache.delete(index));
    }
    return hit;
  }

  private async tokenChunk(index: number): Promise<TokenWindow> {
    const hit = this.tokenCache.get(index);
    if (hit) return hit;
    const w = await this.source.tokens(index);
    this.tokenCache.set(index, w);
    return w;
  }

  private clamp(t0: number, t1: number): [number, number] {
    const a = Math.max(0, Math.min(t0, this.length));
    return [a, Math.max(a, Math.min(t1, this.length))];
  }

  /** The chunks covering rows [t0, t1): chunk index, the rows it gives, and its first row. */
  private *spans(t0: number, t1: number) {
    const starts = this.recording.chunkStarts;
    for (
      let c = Math.max(0, lastAtOrBefore(starts, t0));
      c < starts.length && starts[c] < t1;
      c++
    ) {
      const base = starts[c];
      const end = c + 1 < starts.length ? starts[c + 1] : this.recording.tokens;
      yield { c, base, from: Math.max(t0, base), to: Math.min(t1, end) };
    }
  }

  /** Load the tiles, tokens and predictions of rows t0..t1-1 into the cache (panning reads them next). */
  async prefetch(stream: string, t0: number, t1: number): Promise<void> {
    [t0, t1] = this.clamp(t0, t1);
    const units = this.units(stream);
    const blocks = Array.from({ length: Math.ceil(units / this.tileUnits) }, (_, b) => b);
    const lm = this.recording.logits && this.source.predictions;
    for (const { c } of this.spans(t0, t1))
      await Promise.all([
        this.tiles(stream, c, blocks),
        this.tokenChunk(c),
        lm ? this.predictionChunk(c) : null
      ]);
  }

  /** Rows t0..t1-1 of a stream, [t1 - t0, units] row-major. */
  async window(stream: string, t0: number, t1: number): Promise<Float32Array> {
    [t0, t1] = this.clamp(t0, t1);
    const units = this.units(stream);
    const width = this.tileUnits;
    const blocks = Array.from({ length: Math.ceil(units / width) }, (_, b) => b);
    const out = new Float32Array((t1 - t0) * units);
    // All chunks of the window fetched at once (a window often spans two).
    const spans = [...this.spans(t0, t1)];
    const fetched = await Promise.all(spans.map(({ c }) => this.tiles(stream, c, blocks)));
    spans.forEach(({ base, from, to }, i) =>
      fetched[i].forEach((tile, b) =>
        decodeTile(tile, from - base, to - base, {
          data: out,
          base: (from - t0) * units + b * width,
          stride: units
        })
      )
    );
    return out;
  }

  /** The quantisation steps of rows t0..t1-1 of a stream (reads the same tiles as `window`). */
  async steps(stream: string, t0: number, t1: number): Promise<WindowSteps> {
    [t0, t1] = this.clamp(t0, t1);
    const units = this.units(stream);
    const width = this.tileUnits;
    const blocks = Array.from({ length: Math.ceil(units / width) }, (_, b) => b);
    const spans = [...this.spans(t0, t1)];
    const fetched = await Promise.all(spans.map(({ c }) => this.tiles(stream, c, blocks)));
    const steps = new Float32Array(spans.length * units);
    fetched.forEach((tiles, i) =>
      tiles.forEach((tile, b) => {
        for (let u = 0; u < tile.units; u++) steps[i * units + b * width + u] = tileStep(tile, u);
      })
    );
    return { units, starts: spans.map((s) => s.from), steps };
  }

  /** The quantisation step of one value (0: stored exactly). */
  async step(stream: string, t: number, unit: number): Promise<number> {
    return stepAt(await this.steps(stream, t, t + 1), t, unit);
  }

  /** A few units over rows t0..t1-1: [t1 - t0, columns.length] row-major; reads only their tiles. */
  async columns(stream: string, columns: number[], t0: number, t1: number): Promise<Float32Array> {
    [t0, t1] = this.clamp(t0, t1);
    const k = columns.length;
    const out = new Float32Array((t1 - t0) * k);
    await this.columnTiles(stream, columns, t0, t1, (tile, u, j, r0, r1, at) =>
      decodeTileColumn(tile, u, r0, r1, { data: out, base: at * k + j, stride: k })
    );
    return out;
  }

  /** A few units over rows t0..t1-1 as stored (8-bit codes and their decode), one per unit. */
  async codeColumns(
    stream: string,
    columns: number[],
    t0: number,
    t1: number,
    onRows?: (done: number) => void
  ): Promise<CodeColumn[]> {
    [t0, t1] = this.clamp(t0, t1);
    const out = columns.map(() => emptyCodeColumn(t1 - t0));
    const visit: TileVisit = (tile, u, j, r0, r1, at) =>
      appendTileColumn(out[j], tile, u, r0, r1, at);
    await this.columnTiles(stream, columns, t0, t1, visit, onRows);
    return out;
  }

  /**
   * Visit the tiles holding `columns` over rows t0..t1-1 in step order: for column j (unit
   * columns[j], column u of the tile), the tile's rows r0..r1-1 are rows at.. of the read.
   * `onRows` hears the rows done after each batch of chunks (and may throw to stop the read).
   */
  private async columnTiles(
    stream: string,
    columns: number[],
    t0: number,
    t1: number,
    visit: TileVisit,
    onRows?: (done: number) => void
  ): Promise<void> {
    const width = this.tileUnits;
    const blocks = [...new Set(columns.map((u) => Math.floor(u / width)))];
    // Many chunks: fetch a batch of them concurrently (IndexedDB round trips dominate otherwise).
    const spans = [...this.spans(t0, t1)];
    for (let b0 = 0; b0 < spans.length; b0 += READ_AHEAD) {
      const batch = spans.slice(b0, b0 + READ_AHEAD);
      const fetched = await Promise.all(
        batch.map((s) => this.tiles(stream, s.c, blocks, spans.length <= 32))
      );
      batch.forEach(({ base, from, to }, n) =>
        fetched[n].forEach((tile, i) =>
          columns.forEach((u, j) => {
            const block = Math.floor(u / width);
            if (block === blocks[i])
              visit(tile, u - block * width, j, from - base, to - base, from - t0);
          })
        )
      );
      onRows?.(batch[batch.length - 1].to - t0);
    }
  }

  /** LM-head predictions over rows t0..t1-1, or null when the recording has none. */
  async predictions(t0: number, t1: number): Promise<PredictionWindow | null> {
    if (!this.recording.logits || !this.source.predictions) return null;
    [t0, t1] = this.clamp(t0, t1);
    let out: PredictionWindow | null = null;
    for (const { c, base, from, to } of this.spans(t0, t1)) {
      const row = await this.predictionChunk(c);
      if (!row) return null;
      const k = row.k;
      out ??= {
        loss: new Float32Array(t1 - t0),
        topIds: new Int32Array((t1 - t0) * k),
        topProbs: new Float32Array((t1 - t0) * k),
        k
      };
      out.loss.set(row.loss.subarray(from - base, to - base), from - t0);
      out.topIds.set(row.topIds.subarray((from - base) * k, (to - base) * k), (from - t0) * k);
      out.topProbs.set(row.topProbs.subarray((from - base) * k, (to - base) * k), (from - t0) * k);
    }
    return out;
  }

  async tokens(t0: number, t1: number): Promise<TokenWindow> {
    [t0, t1] = this.clamp(t0, t1);
    const ids = new Int32Array(t1 - t0);
    const offsets = new Uint32Array(t1 - t0);
    for (const { c, base, from, to } of this.spans(t0, t1)) {
      const w = await this.tokenChunk(c);
      ids.set(w.ids.subarray(from - base, to - base), from - t0);
      offsets.set(w.offsets.subarray(from - base, to - base), from - t0);
    }
    return { ids, offsets };
  }
}
