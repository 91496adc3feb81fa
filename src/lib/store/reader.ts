/** Reading a recording back: windows of a stream, and the tokens of a window, through an LRU cache. */
import type { CellscopeDB, RecordingRow } from './db';

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
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}

export interface TokenWindow {
  ids: Int32Array;
  offsets: Uint32Array;
}

export class RecordingReader {
  private chunkCache = new Lru<string, Float32Array>(48);
  private tokenCache = new Lru<number, TokenWindow>(48);

  constructor(
    private db: CellscopeDB,
    readonly recording: RecordingRow
  ) {}

  /** Timesteps readable so far (all of them once the recording is complete). */
  get length(): number {
    const r = this.recording;
    return Math.min(r.tokens, r.chunksDone * r.chunkSize);
  }

  units(stream: string): number {
    const s = this.recording.streams.find((x) => x.id === stream);
    if (!s) throw new Error(`Stream ${stream} is not in this recording.`);
    return s.units;
  }

  private async chunk(stream: string, index: number): Promise<Float32Array> {
    const key = `${stream}/${index}`;
    const hit = this.chunkCache.get(key);
    if (hit) return hit;
    const row = await this.db.chunks.get([this.recording.id!, stream, index]);
    if (!row) throw new Error(`Chunk ${index} of ${stream} is missing from the store.`);
    this.chunkCache.set(key, row.data);
    return row.data;
  }

  private async tokenChunk(index: number): Promise<TokenWindow> {
    const hit = this.tokenCache.get(index);
    if (hit) return hit;
    const row = await this.db.tokens.get([this.recording.id!, index]);
    if (!row) throw new Error(`Tokens of chunk ${index} are missing from the store.`);
    const w = { ids: row.ids, offsets: row.offsets };
    this.tokenCache.set(index, w);
    return w;
  }

  private clamp(t0: number, t1: number): [number, number] {
    const a = Math.max(0, Math.min(t0, this.length));
    return [a, Math.max(a, Math.min(t1, this.length))];
  }

  /** Rows t0..t1-1 of a stream, [t1 - t0, units] row-major. */
  async window(stream: string, t0: number, t1: number): Promise<Float32Array> {
    [t0, t1] = this.clamp(t0, t1);
    const units = this.units(stream);
    const size = this.recording.chunkSize;
    const out = new Float32Array((t1 - t0) * units);
    for (let c = Math.floor(t0 / size); c * size < t1; c++) {
      const data = await this.chunk(stream, c);
      const from = Math.max(t0, c * size);
      const to = Math.min(t1, (c + 1) * size);
      out.set(
        data.subarray((from - c * size) * units, (to - c * size) * units),
        (from - t0) * units
      );
    }
    return out;
  }

  async tokens(t0: number, t1: number): Promise<TokenWindow> {
    [t0, t1] = this.clamp(t0, t1);
    const size = this.recording.chunkSize;
    const ids = new Int32Array(t1 - t0);
    const offsets = new Uint32Array(t1 - t0);
    for (let c = Math.floor(t0 / size); c * size < t1; c++) {
      const w = await this.tokenChunk(c);
      const from = Math.max(t0, c * size);
      const to = Math.min(t1, (c + 1) * size);
      ids.set(w.ids.subarray(from - c * size, to - c * size), from - t0);
      offsets.set(w.offsets.subarray(from - c * size, to - c * size), from - t0);
    }
    return { ids, offsets };
  }
}
