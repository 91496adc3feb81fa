/**
 * Gate saturation of every LSTM/GRU layer over the whole recording (analysis/gateSaturation.ts):
 * from the stored gate streams — read as stored, 8-bit codes, a few tile columns at a time like
 * the unit ranking (rankAll.ts) — or, when the recording kept only h (and c), from gates
 * recomputed by running the model again chunk by chunk (recomputeGates.ts). Runs in the query
 * worker and in Node.
 */
import { SaturationCounter, type GateSaturation } from '../analysis/gateSaturation';
import type { Progress } from '../record/core';
import type { OrtModule } from '../record/options';
import type { StreamKind, StreamSpec } from '../record/streams';
import type { RecordingReader } from '../store/reader';
import { recomputeLayerGates } from './recomputeGates';

/** The gates whose saturation is shown: LSTM input, forget, output; GRU update, reset. */
export const SATURATION_GATES: StreamKind[] = ['i', 'f', 'o', 'z', 'r'];

/** Codes held in memory at once while reading (one byte per unit per step). */
const READ_BYTES = 64 * 2 ** 20;

export interface SaturationLayer {
  /** `L{k}.{dir}` */
  layer: string;
  op: 'LSTM' | 'GRU';
  /** one per gate, in i, f, o / z, r order */
  gates: GateSaturation[];
}

export interface SaturationResult {
  /** stored gate streams, or gates recomputed by running the model again */
  source: 'stored' | 'recomputed';
  layers: SaturationLayer[];
  steps: number;
  ms: number;
}

export interface SaturationProgress {
  done: number;
  total: number;
  /** 'tokens' while the model runs again, 'values' while stored codes are read */
  of: 'tokens' | 'values';
}

export interface SaturationOptions {
  signal?: AbortSignal;
  onProgress?: (p: SaturationProgress) => void;
  /** the model's ONNX bytes and a runtime: needed only when the gates were not stored */
  model?: { bytes: Uint8Array; ort: OrtModule; sessionOptions?: object } | null;
}

export class SaturationError extends Error {}

const cancelled = () => new DOMException('The gate saturation was cancelled.', 'AbortError');

/** The stored streams that are gates of a layer, grouped by layer (`L{k}.{dir}`), i f o / z r order. */
export function storedGateLayers(streams: StreamSpec[]): Map<string, StreamSpec[]> {
  const out = new Map<string, StreamSpec[]>();
  for (const kind of SATURATION_GATES)
    for (const s of streams)
      if (s.kind === kind && s.layer >= 0) {
        const key = `L${s.layer}.${s.dir}`;
        out.set(key, [...(out.get(key) ?? []), s]);
      }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

function layersOf(byLayer: Map<string, StreamSpec[]>, counters: Map<string, SaturationCounter>) {
  return [...byLayer].map(([layer, specs]) => ({
    layer,
    op: specs.some((s) => s.kind === 'z' || s.kind === 'r') ? ('GRU' as const) : ('LSTM' as const),
    gates: specs.map((s) => counters.get(s.id)!.result())
  }));
}

export async function runSaturation(
  reader: RecordingReader,
  opts: SaturationOptions = {}
): Promise<SaturationResult> {
  const started = performance.now();
  const rec = reader.recording;
  if (reader.length < rec.tokens)
    throw new SaturationError(
      `This recording is still in progress (${reader.length.toLocaleString('en')} of ${rec.tokens.toLocaleString('en')} steps): measure saturation once it completes.`
    );
  const stored = storedGateLayers(rec.streams);
  if (stored.size) {
    const layers = await fromStored(reader, stored, opts);
    return { source: 'stored', layers, steps: reader.length, ms: performance.now() - started };
  }
  if (!opts.model)
    throw new SaturationError(
      `Gates were not recorded (kinds = ${rec.kinds ?? 'h'}) and the recording's model is not in this browser's library: add the model there to recompute them, or record with kinds = all.`
    );
  const layers = await fromRecomputed(reader, opts.model, opts);
  return { source: 'recomputed', layers, steps: reader.length, ms: performance.now() - started };
}

async function fromStored(
  reader: RecordingReader,
  byLayer: Map<string, StreamSpec[]>,
  opts: SaturationOptions
): Promise<SaturationLayer[]> {
  const T = reader.length;
  const specs = [...byLayer.values()].flat();
  const counters = new Map(specs.map((s) => [s.id, new SaturationCounter(s.id, s.units)]));
  const width = reader.tileUnits;
  const group = width * Math.max(1, Math.floor(READ_BYTES / Math.max(1, T) / width));
  const total = specs.reduce((n, s) => n + s.units, 0) * T;
  let done = 0;
  for (const spec of specs) {
    const counter = counters.get(spec.id)!;
    for (let b = 0; b < spec.units; b += group) {
      const units = Array.from({ length: Math.min(group, spec.units - b) }, (_, i) => b + i);
      const before = done;
      const cols = await reader.codeColumns(spec.id, units, 0, T, (rows) => {
        if (opts.signal?.aborted) throw cancelled();
        opts.onProgress?.({ done: before + rows * units.length, total, of: 'values' });
      });
      units.forEach((u, j) => counter.addStored(u, cols[j]));
      done = before + T * units.length;
      if (opts.signal?.aborted) throw cancelled();
    }
  }
  return layersOf(byLayer, counters);
}

async function fromRecomputed(
  reader: RecordingReader,
  model: NonNullable<SaturationOptions['model']>,
  opts: SaturationOptions
): Promise<SaturationLayer[]> {
  const counters = new Map<string, SaturationCounter>();
  const { streams } = await recomputeLayerGates(
    reader,
    model.ort,
    model.bytes,
    SATURATION_GATES,
    ({ rows, streams: chunk }) => {
      for (const [id, values] of Object.entries(chunk)) {
        const units = values.length / Math.max(1, rows);
        let c = counters.get(id);
        if (!c) counters.set(id, (c = new SaturationCounter(id, units)));
        c.addRows(values, rows);
      }
    },
    {
      signal: opts.signal,
      sessionOptions: model.sessionOptions,
      onProgress: (p: Progress) => opts.onProgress?.({ done: p.done, total: p.total, of: 'tokens' })
    }
  );
  for (const s of streams)
    if (!counters.has(s.id)) counters.set(s.id, new SaturationCounter(s.id, s.units));
  return layersOf(storedGateLayers(streams), counters);
}
