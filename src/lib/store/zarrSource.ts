/**
 * Open a recording written by `npm run record -- --zarr DIR` (a Zarr v3 store) over HTTP: the
 * manifest from the group's zarr.json, tiles and tokens fetched lazily, chunk by chunk, through
 * the same reader the explorer uses for IndexedDB recordings.
 */
import { planChunks, type StreamSpec } from '../record';
import type { CorpusRow, RecordingRow } from './db';
import type { ChunkSource } from './reader';
import { TILE_UNITS, type Tile } from './tiles';

export class ZarrError extends Error {
  override name = 'ZarrError';
}

const FORMAT = 'cellscope-record/1';

async function get(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { mode: 'cors' });
  } catch (e) {
    throw new ZarrError(
      `Cannot reach ${url} (${(e as Error).message}). Check the address, and that the server allows cross-origin requests (CORS).`
    );
  }
  if (!res.ok) throw new ZarrError(`${url} answered HTTP ${res.status}.`);
  return res;
}

function streamSpec(id: string, units: number): StreamSpec {
  const m = id.match(/^L(\d+)\.(fwd|bwd)\.(\w+)$/);
  if (!m) throw new ZarrError(`Stream "${id}" in the store is not a cellscope stream id.`);
  return {
    id,
    layer: Number(m[1]),
    dir: m[2] as 'fwd' | 'bwd',
    kind: m[3] as StreamSpec['kind'],
    units,
    range: null
  };
}

export interface ZarrRecording {
  recording: RecordingRow;
  corpus: CorpusRow;
  source: ChunkSource;
}

export async function openZarrRecording(url: string): Promise<ZarrRecording> {
  const base = url.replace(/\/+$/, '');
  let group: {
    zarr_format?: number;
    node_type?: string;
    attributes?: { cellscope?: Record<string, unknown> };
  };
  try {
    group = await (await get(`${base}/zarr.json`)).json();
  } catch (e) {
    if (e instanceof ZarrError) throw e;
    throw new ZarrError(`${base}/zarr.json is not JSON: this is not a Zarr store.`);
  }
  if (group.zarr_format !== 3 || group.node_type !== 'group') {
    throw new ZarrError(
      `${base} is not a Zarr v3 group (zarr_format ${group.zarr_format ?? 'missing'}).`
    );
  }
  const m = group.attributes?.cellscope as
    | {
        format?: string;
        tokens?: number;
        chunkRows?: number;
        streamSpecs?: { id: string; units: number }[];
        model?: { file?: string; sha256?: string };
      }
    | undefined;
  if (!m || typeof m.format !== 'string' || !m.format.startsWith('cellscope-record/')) {
    throw new ZarrError(
      `${base} is a Zarr store but not a cellscope recording (no cellscope attributes).`
    );
  }
  if (m.format !== FORMAT) {
    throw new ZarrError(
      `${base} was written in format ${m.format}; this cellscope reads ${FORMAT}.`
    );
  }
  const T = m.tokens ?? 0;
  const rows = m.chunkRows ?? 0;
  if (!T || !rows || !m.streamSpecs?.length)
    throw new ZarrError(`${base}: the recording's attributes are incomplete.`);
  const streams = m.streamSpecs.map((s) => streamSpec(s.id, s.units));
  const text = new TextDecoder().decode(await (await get(`${base}/text/c/0`)).arrayBuffer());
  const plan = planChunks(T, rows);
  const now = Date.now();
  const recording: RecordingRow = {
    id: -1,
    modelSha: m.model?.sha256 ?? '',
    corpusSha: '',
    name: `${m.model?.file ?? 'model'} · ${base.split('/').pop()}`,
    status: 'complete',
    streams,
    kinds: [...new Set(streams.map((s) => s.kind))].join(','),
    tokens: T,
    chunkSize: rows,
    documents: [{ name: base, start: 0 }],
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
  const corpus: CorpusRow = {
    sha256: '',
    name: base,
    text,
    chars: text.length,
    documents: [{ name: base, start: 0, end: text.length }],
    bundled: false,
    addedAt: now
  };
  const chunkLength = (c: number) => (c + 1 < plan.length ? plan[c + 1].start : T) - plan[c].start;
  const source: ChunkSource = {
    async tiles(stream, chunk, blocks) {
      const units = streams.find((s) => s.id === stream)!.units;
      return Promise.all(
        blocks.map(async (b): Promise<Tile> => {
          const all = new Float32Array(
            await (await get(`${base}/${stream}/c/${chunk}/${b}`)).arrayBuffer()
          );
          const n = Math.min(TILE_UNITS, units - b * TILE_UNITS);
          const len = chunkLength(chunk);
          // Stored padded to [rows, 64]: keep the real rows and units.
          const f32 = new Float32Array(len * n);
          for (let r = 0; r < len; r++)
            f32.set(all.subarray(r * TILE_UNITS, r * TILE_UNITS + n), r * n);
          return { rows: len, units: n, q: new Uint8Array(0), f32 };
        })
      );
    },
    async tokens(chunk) {
      const len = chunkLength(chunk);
      const [ids, offsets] = await Promise.all([
        get(`${base}/tokens/c/${chunk}`).then((r) => r.arrayBuffer()),
        get(`${base}/offsets/c/${chunk}`).then((r) => r.arrayBuffer())
      ]);
      return { ids: new Int32Array(ids, 0, len), offsets: new Uint32Array(offsets, 0, len) };
    }
  };
  return { recording, corpus, source };
}
