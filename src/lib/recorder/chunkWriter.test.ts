import { describe, expect, it } from 'vitest';
import type { ChunkResult } from '../record/core';
import { isQuotaError } from '../store/quota';
import { chunkBuffers, chunkMessage, writerError } from './chunkWriter';

function chunk(): ChunkResult {
  const y = new Float32Array(3 * 4).map((_, i) => i);
  const logits = new Float32Array(3 * 5).map((_, i) => -i);
  return {
    chunk: 2,
    start: 6,
    length: 3,
    // h is a view on part of Y's buffer; c owns its buffer
    streams: { 'L0.fwd.h': y.subarray(0, 6), 'L0.fwd.c': new Float32Array([1, 2, 3, 4, 5, 6]) },
    state: { h0: y.subarray(4, 6) },
    outputs: {
      logits: { data: logits, dims: [3, 1, 5] },
      Y: { data: y, dims: [3, 1, 1, 4] }
    }
  };
}

describe('chunkMessage', () => {
  it('keeps the streams, the state and only the logits among the outputs', () => {
    const r = chunk();
    const m = chunkMessage(r, 'logits');
    expect(Object.keys(m.outputs!)).toEqual(['logits']);
    expect([...m.streams['L0.fwd.h']]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m.outputs!.logits.dims).toEqual([3, 1, 5]);
    expect(m.state).toBe(r.state);
    expect(chunkMessage(r, null).outputs).toBeUndefined();
  });

  it('copies a view on a larger buffer (cloning it would copy the whole buffer)', () => {
    const r = chunk();
    const m = chunkMessage(r, 'logits');
    expect(m.streams['L0.fwd.h'].buffer.byteLength).toBe(6 * 4);
    expect(m.streams['L0.fwd.c']).toBe(r.streams['L0.fwd.c']);
  });

  it('hands over the streams and logits, never a buffer the carried state lives in', () => {
    const r = chunk();
    r.streams['L0.fwd.c'] = r.state.h0; // a stream sharing the state's buffer stays
    const m = chunkMessage(r, 'logits');
    const buffers = chunkBuffers(m);
    expect(buffers).toContain(m.streams['L0.fwd.h'].buffer);
    expect(buffers).toContain((m.outputs!.logits.data as Float32Array).buffer);
    expect(buffers).not.toContain(r.state.h0.buffer);
    // the buffers go through a real transfer (the recorder thread must not read them again)
    const { port1 } = new MessageChannel();
    port1.postMessage(m, buffers);
    expect(m.streams['L0.fwd.h'].length).toBe(0);
    expect(r.state.h0.length).toBe(2);
    port1.close();
  });
});

describe('writerError', () => {
  it('keeps a full store recognisable across the worker boundary', () => {
    const e = writerError(new Error('Transaction aborted'), true);
    expect(isQuotaError(e)).toBe(true);
    expect(e.message).toBe('Transaction aborted');
    const other = writerError(Object.assign(new Error('bad'), { name: 'DataError' }), false);
    expect(other.name).toBe('DataError');
    expect(isQuotaError(other)).toBe(false);
  });
});
