/**
 * `record --shard K/N --zarr STORE`: record the K-th of N slices of the corpus's documents
 * (shardPlan.ts) into a store that other shards write at the same time, on this machine or others.
 *
 * The shard tokenizes the whole corpus (to know where its documents start) but runs the model
 * only over its own documents, with the same recorder runs an unsharded recording makes there
 * (the runs restart at every document, so the state is the same), and writes only the chunks of
 * the store's grid that lie wholly in its slice, plus its rows of the chunks at its edges as parts
 * (zarrGrid.ts). Its record says what it did; running it again with the same options redoes it.
 */
import { hostname } from 'node:os';
import { bisect } from '../lib/bisect';
import { planChunks, recordChunks } from '../lib/record/core';
import { chunkPredictions } from '../lib/store/recordings';
import {
  openSession,
  prepareModel,
  RunStopped,
  scanEngine,
  type OrtNode,
  type RecordCommandOptions
} from './recordCommand';
import { planTextStreams, prepareText } from './recordText';
import { shardSlices, type ShardSlice } from './shardPlan';
import { argumentPrint, ShardStore, type ShardRecord } from './shardStore';
import { chunkRowsOf } from './storeAttributes';
import { ZarrStoreWriter } from './zarrStore';

export interface ShardOutcome {
  k: number;
  n: number;
  slice: ShardSlice;
  steps: number;
  documents: number;
  streams: number;
  store: string;
}

export async function recordShard(opts: RecordCommandOptions, ort: OrtNode): Promise<ShardOutcome> {
  const started = performance.now();
  const { k, n } = opts.shard!;
  const who = `--shard ${k}/${n}`;
  const store = ShardStore.forShard(opts.zarr!);
  const { bytes, graph } = await prepareModel(opts);
  const input = prepareText(opts, graph, bytes);
  const args = argumentPrint(opts);
  store.checkAgainst(args, who, n);
  const session = await openSession(ort, graph);
  const { kinds, cells, windows, streams, chunkSize } = await planTextStreams(
    opts,
    ort,
    graph,
    session,
    input
  );
  const { encoded } = input;
  const T = encoded.ids.length;
  const slice = shardSlices(T, encoded.documentStarts, n)[k];
  const record: ShardRecord = {
    format: 'cellscope-shard/1',
    shard: k,
    of: n,
    status: 'running',
    args,
    from: slice.from,
    to: slice.to,
    documents: [slice.firstDocument, slice.endDocument],
    streams: streams.map((s) => ({ id: s.id, units: s.units, kind: s.kind })),
    chunkSize,
    lmK: 0,
    host: hostname(),
    startedAt: new Date().toISOString()
  };
  store.write(record);
  try {
    const zarr = new ZarrStoreWriter(
      store.dir,
      record.streams,
      T,
      chunkRowsOf(opts),
      opts.zarrVersion ?? 3,
      { from: slice.from, to: slice.to, partsDir: store.partsDir(k) }
    );
    const plan = planChunks(T, chunkSize, encoded.documentStarts).map((c) => c.start);
    const lm = graph.info.logits;
    const docStarts = new Set(encoded.documentStarts);
    if (slice.from < slice.to)
      await recordChunks({
        session,
        Tensor: ort.Tensor,
        taps: graph.taps,
        tokenInput: input.tokenInput,
        ids: encoded.ids,
        chunkSize,
        documents: encoded.documentStarts,
        kinds,
        cells,
        windows,
        interventions: opts.clamps,
        cellEngine: opts.clamps ? scanEngine(ort) : undefined,
        // The slice starts at a document start, so its first run starts from the initial state.
        startChunk: bisect(plan, slice.from, false),
        endChunk: bisect(plan, slice.to, false),
        state: null,
        sink: {
          commit: async (r) => {
            zarr.writeRows(r.start, r.length, r.streams);
            if (lm)
              zarr.writePredictions(
                r.start,
                r.length,
                chunkPredictions(r, lm, encoded.ids, docStarts)
              );
          }
        }
      });
    zarr.close();
    // A shard started at the same time with other options wrote its record meanwhile.
    store.checkAgainst(args, who, n);
    const seconds = (performance.now() - started) / 1000;
    store.write({ ...record, status: 'done', lmK: zarr.lmK, seconds });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    store.write({ ...record, status: 'failed', error: message });
    throw new RunStopped(
      `${message.replace(/\.?$/, '.')} The shard stopped and is marked failed in ${opts.zarr}: run ${who} again.`,
      { cause: e }
    );
  }
  return {
    k,
    n,
    slice,
    steps: T,
    documents: encoded.documentStarts.length,
    streams: streams.length,
    store: opts.zarr!
  };
}
