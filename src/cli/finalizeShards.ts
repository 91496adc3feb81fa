/**
 * `record --finalize --zarr STORE`: complete a store whose N shards are all recorded. It refuses,
 * listing them, while any shard is missing, running or failed, and refuses options other than the
 * shards'. Then it merges the chunks the shards share (each wrote its rows of them as a part),
 * writes the arrays' metadata, the tokens and the text, and last the group with the manifest —
 * what an unsharded run writes, from the same code (storeAttributes.ts), so the store is the same
 * whatever N was. The shards' records and parts are removed once the group is written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TILE_UNITS } from '../lib/store/tiles';
import { InputError } from './inputFiles';
import { modelManifest, prepareModel, type RecordCommandOptions } from './recordCommand';
import { fileName } from './recordOutputs';
import { prepareText, textSummary } from './recordText';
import { sharedChunks, shardSlices, type ShardSlice } from './shardPlan';
import { argumentPrint, ShardStore, type ShardRecord } from './shardStore';
import { chunkRowsOf, storeAttributes } from './storeAttributes';
import { chunkKey, ZarrStoreWriter, type ZarrStream, type ZarrVersion } from './zarrStore';

export interface FinalizeOutcome {
  store: string;
  shards: number;
  steps: number;
  streams: number;
  merged: number;
}

/** Refuse unless shards 0..n-1 are all done, naming those that are not and why. */
function checkAllDone(records: ShardRecord[], n: number, store: string): void {
  const byShard = new Map(records.map((r) => [r.shard, r]));
  const notDone = Array.from({ length: n }, (_, k) => k).filter(
    (k) => byShard.get(k)?.status !== 'done'
  );
  if (!notDone.length) return;
  const why = (k: number) => {
    const r = byShard.get(k);
    if (!r) return `${k} (not run)`;
    if (r.status === 'failed') return `${k} (failed on ${r.host}: ${r.error})`;
    return `${k} (started on ${r.host} at ${r.startedAt}, not finished)`;
  };
  throw new InputError(
    `--finalize: ${notDone.length} of the ${n} shards of ${store} are not done: ${notDone.map(why).join('; ')}. Run them (${notDone
      .slice(0, 3)
      .map((k) => `--shard ${k}/${n}`)
      .join(', ')}${notDone.length > 3 ? ', …' : ''}), then --finalize again.`
  );
}

/** The arrays cut along time, with their column blocks and bytes per row of a block. */
function rowArrays(streams: ZarrStream[], lmK: number) {
  const arrays = streams.map((s) => ({
    name: s.id,
    blocks: Math.ceil(s.units / TILE_UNITS),
    rowBytes: TILE_UNITS * 4,
    oneD: false
  }));
  if (lmK)
    arrays.push(
      { name: 'lm_loss', blocks: 1, rowBytes: 4, oneD: true },
      { name: 'lm_top_ids', blocks: 1, rowBytes: lmK * 4, oneD: false },
      { name: 'lm_top_probs', blocks: 1, rowBytes: lmK * 4, oneD: false }
    );
  return arrays;
}

/** Merge each chunk the shards share from their parts (each holds its own rows, zeros elsewhere). */
function mergeSharedChunks(
  store: ShardStore,
  version: ZarrVersion,
  arrays: ReturnType<typeof rowArrays>,
  T: number,
  R: number,
  slices: ShardSlice[]
): number {
  const shared = sharedChunks(T, R, slices);
  for (const { chunk, shards } of shared)
    for (const a of arrays)
      for (let b = 0; b < a.blocks; b++) {
        const key = chunkKey(version, a.name, a.oneD ? [chunk] : [chunk, b]);
        const out = new Uint8Array(R * a.rowBytes);
        for (const k of shards) {
          const path = join(store.partsDir(k), key);
          let part: Uint8Array;
          try {
            part = readFileSync(path);
          } catch {
            throw new InputError(
              `--finalize: shard ${k} is recorded as done but its part ${path} is missing. Run --shard ${k}/${slices.length} again, then --finalize.`
            );
          }
          if (part.length !== out.length)
            throw new InputError(
              `--finalize: ${path} holds ${part.length} bytes, not ${out.length}. Run --shard ${k}/${slices.length} again, then --finalize.`
            );
          const lo = Math.max(slices[k].from, chunk * R) - chunk * R;
          const hi = Math.min(slices[k].to, (chunk + 1) * R, T) - chunk * R;
          out.set(part.subarray(lo * a.rowBytes, hi * a.rowBytes), lo * a.rowBytes);
        }
        const target = join(store.dir, key);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, out);
      }
  return shared.length;
}

export async function finalizeStore(opts: RecordCommandOptions): Promise<FinalizeOutcome> {
  const store = ShardStore.forFinalize(opts.zarr!);
  const { bytes, twin, graph, kinds } = await prepareModel(opts);
  const input = prepareText(opts, graph, bytes);
  const records = store.records();
  const n = records[0].of;
  store.checkAgainst(argumentPrint(opts), '--finalize', n);
  checkAllDone(records, n, opts.zarr!);

  const { encoded, spec, text } = input;
  const T = encoded.ids.length;
  const R = chunkRowsOf(opts);
  const slices = shardSlices(T, encoded.documentStarts, n);
  for (const r of records)
    if (r.from !== slices[r.shard].from || r.to !== slices[r.shard].to)
      throw new InputError(
        `--finalize: shard ${r.shard} recorded steps ${r.from} to ${r.to}, but these options cut ${slices[r.shard].from} to ${slices[r.shard].to}. Record the store again.`
      );
  const { streams, chunkSize } = records[0];
  const lmK = Math.max(...records.map((r) => r.lmK));
  const version = opts.zarrVersion ?? 3;

  const zarr = new ZarrStoreWriter(store.dir, streams, T, R, version, {
    from: 0,
    to: 0,
    partsDir: store.partsDir(0)
  });
  zarr.writeMetadata(lmK);
  const merged = mergeSharedChunks(store, version, rowArrays(streams, lmK), T, R, slices);
  zarr.writeTokens(encoded.ids, encoded.offsets, text);
  const manifest = {
    format: 'cellscope-record/1',
    createdAt: new Date().toISOString(),
    ...(await modelManifest(opts, graph, bytes, twin)),
    streamKinds: [...kinds],
    ...textSummary(spec, encoded, chunkSize, graph.window),
    streams: streams.map((s) => ({
      name: s.id,
      file: fileName(s.id),
      shape: [T, s.units],
      dtype: 'float32'
    }))
  };
  const logits = graph.info.logits;
  const lm = lmK && logits ? { logits, k: lmK, vocab: spec.vocab } : null;
  zarr.finish(storeAttributes(manifest, lm, opts, input));
  store.removeBookkeeping();
  return { store: opts.zarr!, shards: n, steps: T, streams: streams.length, merged };
}
