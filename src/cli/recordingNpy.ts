/**
 * A recording directory of `npm run record` (manifest.json + one float32 .npy per stream) as the
 * browser would store it: each stream cut into tiles of the browser recorder's chunk plan
 * (record/plan.ts: DEFAULT_CHUNK rows, a whole document for a bidirectional model) × TILE_UNITS
 * units, with the fixed range its layer's activations give (record/streams.ts planStreams) or
 * per-unit ranges, through the app's own 8-bit codec (store/tiles.ts encodeTile). A ranking over
 * it therefore scores exactly the codes the browser would score.
 *
 * Memory: the stream being read is encoded whole, one chunk of its .npy at a time, and kept
 * until another stream is asked for: T × units bytes, plus one chunk of float32 rows; the
 * corpus's ids and offsets take 8 bytes per step.
 */
import { join } from 'node:path';
import * as v from 'valibot';
import type { LayerTap } from '../lib/onnx/surgery';
import { planChunks } from '../lib/record/core';
import { DEFAULT_CHUNK } from '../lib/record/options';
import { parseKinds, planStreams, type StreamSpec } from '../lib/record/streams';
import type { RecordingRow } from '../lib/store/db';
import type { ChunkSource } from '../lib/store/reader';
import { encodeTile, TILE_UNITS, type Tile } from '../lib/store/tiles';
import { describeIssue, not } from '../lib/store/zarrMetadata';
import { InputError, readFile } from './inputFiles';
import { npyLayout, readValues, type NpyLayout } from './recordingNpyFile';

const whole = (want: string) => v.pipe(v.number(not(want)), v.safeInteger(not(want)));
const count = v.pipe(whole('a whole number ≥ 1'), v.minValue(1, not('a whole number ≥ 1')));
const fileName = v.pipe(
  v.string(not('a file name')),
  v.regex(/^[^/\\]+$/, not('a file name in the directory'))
);

const Manifest = v.looseObject({
  format: v.literal('cellscope-record/1', not('"cellscope-record/1"')),
  mode: v.picklist(['text', 'feed'], not('"text" or "feed"')),
  batch: v.optional(count),
  model: v.looseObject({
    file: v.optional(v.string()),
    layers: v.array(
      v.looseObject({
        index: whole('a layer index'),
        op: v.picklist(['LSTM', 'GRU', 'RNN'], not('LSTM, GRU or RNN')),
        direction: v.picklist(['forward', 'reverse', 'bidirectional'], not('a direction')),
        hiddenSize: count,
        activations: v.array(v.string())
      }),
      not('a list of layers')
    )
  }),
  streamKinds: v.optional(v.array(v.string())),
  streams: v.pipe(
    v.array(
      v.looseObject({
        name: v.string(not('a stream id')),
        file: fileName,
        shape: v.tuple([whole('a number of steps'), count], not('[steps, units]')),
        dtype: v.literal('float32', not('"float32"'))
      }),
      not('a list of streams')
    ),
    v.minLength(1, not('a list of at least one stream'))
  ),
  corpus: v.optional(
    v.looseObject({
      text: fileName,
      tokens: fileName,
      offsets: fileName,
      documents: v.optional(
        v.array(v.looseObject({ name: v.string(), start: whole('a token index') }))
      )
    })
  )
});

export type NpyManifest = v.InferOutput<typeof Manifest>;

export interface NpyCorpus {
  text: string;
  ids: Int32Array;
  offsets: Uint32Array;
}

export interface NpyRecording {
  recording: RecordingRow;
  source: ChunkSource;
  manifest: NpyManifest;
  /** the text, token ids and offsets (text recordings), else null */
  corpus: NpyCorpus | null;
}

export function readManifest(dir: string): NpyManifest {
  const path = join(dir, 'manifest.json');
  const bytes = readFile(path, 'manifest');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new InputError(`${path} is not valid JSON (${(e as Error).message.split('\n')[0]}).`);
  }
  const r = v.safeParse(Manifest, json);
  if (!r.success)
    throw new InputError(
      `${path}: ${describeIssue(r.issues)}. Is it a recording of npm run record? Record it again.`
    );
  return r.output;
}

/** Stream specs with the browser's fixed ranges, from the manifest's layers. */
function streamSpecs(m: NpyManifest): StreamSpec[] {
  const taps = m.model.layers.map((l) => ({
    layer: l.index,
    op: l.op,
    directions: l.direction === 'bidirectional' ? 2 : 1,
    direction: l.direction,
    hiddenSize: l.hiddenSize,
    internals: { gates: true },
    layerInfo: { activations: l.activations }
  })) as unknown as LayerTap[];
  const planned = new Map(planStreams(taps, parseKinds('all')).map((s) => [s.id, s]));
  const layerless = m.model.layers.length === 0;
  return m.streams.map((f) => {
    // A Loop or unrolled cell (no layer in the manifest): its h and c, without a fixed range.
    const cell = layerless ? /^L(\d+)\.fwd\.(h|c)$/.exec(f.name) : null;
    const spec: StreamSpec | undefined =
      planned.get(f.name) ??
      (cell
        ? {
            id: f.name,
            layer: Number(cell[1]),
            dir: 'fwd',
            kind: cell[2] as 'h' | 'c',
            units: f.shape[1],
            range: null
          }
        : undefined);
    if (!spec)
      throw new InputError(
        `The manifest lists a stream "${f.name}" that none of its layers has: not a recording of npm run record.`
      );
    return { ...spec, units: f.shape[1] };
  });
}

function readCorpus(dir: string, m: NpyManifest, T: number): NpyCorpus | null {
  if (!m.corpus) return null;
  const text = new TextDecoder().decode(readFile(join(dir, m.corpus.text), 'corpus text'));
  const arrays = (['tokens', 'offsets'] as const).map((k) => {
    const layout = npyLayout(join(dir, m.corpus![k]));
    const want = k === 'tokens' ? '<i4' : '<u4';
    if (layout.descr !== want || layout.shape.join() !== String(T))
      throw new InputError(
        `${layout.path} holds ${layout.descr} [${layout.shape}], not ${want} [${T}] as the recording needs. Record it again.`
      );
    const out = k === 'tokens' ? new Int32Array(T) : new Uint32Array(T);
    readValues(layout, 0, out);
    return out;
  });
  const offsets = arrays[1] as Uint32Array;
  if (T && offsets[T - 1] >= text.length)
    throw new InputError(
      `${join(dir, m.corpus.offsets)} points past the end of ${m.corpus.text}: the corpus files do not belong together. Record it again.`
    );
  return { text, ids: arrays[0] as Int32Array, offsets };
}

export function openNpyRecording(dir: string): NpyRecording {
  const manifest = readManifest(dir);
  if ((manifest.batch ?? 1) > 1)
    throw new InputError(
      `${dir} holds a batch of ${manifest.batch} sequences; analyze ranks one sequence. Record the items one at a time (batch 1).`
    );
  const T = manifest.streams[0].shape[0];
  if (T < 1) throw new InputError(`${dir} holds a recording of no steps.`);
  const files = manifest.streams.map((f) => {
    const layout = npyLayout(join(dir, f.file));
    const expected = layout.offset + f.shape[0] * f.shape[1] * 4;
    if (layout.descr !== '<f4' || layout.shape.join() !== f.shape.join() || layout.size < expected)
      throw new InputError(
        `${layout.path} holds ${layout.descr} [${layout.shape}] in ${layout.size} bytes, not float32 [${f.shape}] as manifest.json says. Record it again.`
      );
    if (f.shape[0] !== T)
      throw new InputError(
        `The streams of ${dir} differ in length (${manifest.streams[0].name}: ${T} steps, ${f.name}: ${f.shape[0]}). Record it again.`
      );
    return layout;
  });
  const streams = streamSpecs(manifest);
  const documents = manifest.corpus?.documents ?? [{ name: manifest.model.file ?? dir, start: 0 }];
  const docStarts = documents.map((d) => d.start);
  if (docStarts[0] !== 0 || docStarts.some((s, i) => s >= T || (i > 0 && s <= docStarts[i - 1])))
    throw new InputError(
      `${dir}/manifest.json: corpus.documents must start at token 0 and ascend below ${T}.`
    );
  // The browser's chunk plan (record/plan.ts planLayout): a backward direction needs the whole
  // document in one run.
  const bidirectional = manifest.model.layers.some((l) => l.direction !== 'forward');
  const chunkSize = bidirectional ? T : DEFAULT_CHUNK;
  const plan = planChunks(T, chunkSize, docStarts);
  const corpus = readCorpus(dir, manifest, T);
  const now = Date.now();
  const recording: RecordingRow = {
    id: -1,
    modelSha: '',
    corpusSha: '',
    name: dir,
    status: 'complete',
    streams,
    kinds: [...new Set(streams.map((s) => s.kind))].join(','),
    tokens: T,
    chunkSize,
    tileUnits: TILE_UNITS,
    logits: null,
    documents,
    chunkStarts: plan.map((c) => c.start),
    chunks: plan.length,
    chunksDone: plan.length,
    unknownTokens: 0,
    unknownExamples: [],
    state: null,
    tokensPerSecond: null,
    createdAt: now,
    updatedAt: now
  };
  const tiles = new StreamTiles(
    new Map(streams.map((s, i) => [s.id, { spec: s, file: files[i] }])),
    plan
  );
  const source: ChunkSource = {
    tiles: (stream, chunk, blocks) => tiles.get(stream, chunk, blocks),
    async tokens(chunk) {
      const { start, length } = plan[chunk];
      return corpus
        ? {
            ids: corpus.ids.subarray(start, start + length),
            offsets: corpus.offsets.subarray(start, start + length)
          }
        : { ids: new Int32Array(length), offsets: new Uint32Array(length) };
    }
  };
  return { recording, source, manifest, corpus };
}

/** One stream's tiles at a time, encoded from its .npy on first use. */
class StreamTiles {
  private current: { stream: string; tiles: Tile[][] } | null = null;

  constructor(
    private streams: Map<string, { spec: StreamSpec; file: NpyLayout }>,
    private plan: { start: number; length: number }[]
  ) {}

  async get(stream: string, chunk: number, blocks: number[]): Promise<Tile[]> {
    if (this.current?.stream !== stream) {
      this.current = null; // let the previous stream's tiles go before encoding the next
      this.current = { stream, tiles: this.encode(stream) };
    }
    const row = this.current.tiles[chunk];
    if (!row) throw new Error(`Chunk ${chunk} is past the end of the recording.`);
    return blocks.map((b) => row[b]);
  }

  private encode(stream: string): Tile[][] {
    const s = this.streams.get(stream);
    if (!s) throw new Error(`Stream ${stream} is not in this recording.`);
    const U = s.spec.units;
    const rows = new Float32Array(Math.max(...this.plan.map((c) => c.length)) * U);
    return this.plan.map(({ start, length }) => {
      const data = rows.subarray(0, length * U);
      readValues(s.file, start * U, data);
      const out: Tile[] = [];
      for (let u0 = 0; u0 < U; u0 += TILE_UNITS)
        out.push(
          encodeTile(
            { data, base: u0, stride: U },
            length,
            Math.min(TILE_UNITS, U - u0),
            s.spec.range
          )
        );
      return out;
    });
  }
}
