/// <reference lib="webworker" />
/**
 * The chunk writer: a worker of the recording worker that encodes each chunk's 8-bit tiles and
 * commits them to IndexedDB, so the recording worker's thread goes straight on to the next
 * chunk's inference. One recording at a time; each commit is still one transaction.
 */
import * as Comlink from 'comlink';
import type { ChunkResult, ChunkSink } from '../record/core';
import { database } from '../store/db';
import { isQuotaError } from '../store/quota';
import { dexieSink } from '../store/recordings';
import { writerError, type WriterPlan } from './chunkWriter';

let sink: ChunkSink | null = null;

const api = {
  begin(plan: WriterPlan): void {
    sink = dexieSink(
      database(),
      plan.recordingId,
      plan.ids,
      plan.offsets,
      plan.streams,
      plan.tileUnits,
      plan.lm
    );
  },
  async commit(r: ChunkResult): Promise<void> {
    if (!sink) throw new Error('The chunk writer was not told which recording it writes.');
    try {
      await sink.commit(r);
    } catch (e) {
      throw writerError(e, isQuotaError(e));
    }
  }
};

export type WriterApi = typeof api;
Comlink.expose(api);
