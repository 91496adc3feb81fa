/**
 * The zoo's document classifier (models/kjv-book-bilstm.onnx, trained by
 * models/train_kjv_book_bilstm.py) as cellscope reads it: one bidirectional LSTM layer with a
 * classifier head named by its metadata; and, recorded by `npm run record` one passage per
 * document, the probability of each passage's own section that torch gave it (in
 * models/kjv-book-bilstm.json).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/lib/onnx/inspect';
import { decodeModel } from '../../src/lib/onnx/proto';
import { root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';
import { recordHere } from '../helpers/recordCli';

const bytes = new Uint8Array(readFileSync(join(root, 'models/kjv-book-bilstm.onnx')));
const metrics = JSON.parse(readFileSync(join(root, 'models/kjv-book-bilstm.json'), 'utf8')) as {
  classes: string[];
  hidden: number;
  vocab: number;
  onnx_sha256: string;
  demo_passages: { ref: string; class: string; p: number }[];
};

describe('kjv-book-bilstm', () => {
  it('is the file its metrics describe, a few MB', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(metrics.onnx_sha256);
    expect(bytes.length).toBeLessThan(20e6);
  });

  it('reads as one bidirectional LSTM with a classifier head', () => {
    const info = inspectModel(decodeModel(bytes));
    expect(info.layers).toHaveLength(1);
    expect(info.layers[0]).toMatchObject({
      op: 'LSTM',
      direction: 'bidirectional',
      directions: 2,
      hiddenSize: metrics.hidden
    });
    expect(info.classes).toEqual(metrics.classes);
    expect(info.logits).toBe('class_logits');
    expect(info.tokenInput).toMatchObject({ name: 'tokens', rank: 2, seqAxis: 1 });
    // Class logits [batch, classes]: no time axis.
    expect(info.outputs[0].dims).toEqual(['batch', metrics.classes.length]);
    expect(JSON.parse(info.metadata['cellscope.tokenizer']).vocab).toHaveLength(metrics.vocab);
  });

  it('recorded one passage per document: each passage’s probability as torch gave it', async () => {
    const n = 24;
    const dir = mkdtempSync(join(tmpdir(), 'kjv-book-'));
    const corpus = readFileSync(join(root, 'static/corpora/kjv-books.txt'), 'utf8');
    const passages = corpus.split(/\n[ \t]*\n\s*/).filter((p) => p.trim());
    expect(passages).toHaveLength(metrics.demo_passages.length);
    writeFileSync(join(dir, 'slice.txt'), passages.slice(0, n).join('\n\n'));
    const r = await recordHere([
      ...['--model', join(root, 'models/kjv-book-bilstm.onnx'), '--streams', 'h'],
      ...['--text', join(dir, 'slice.txt'), '--documents', 'blank-lines', '--out', join(dir, 'r')]
    ]);
    expect(r.stderr).toBe('');
    const logits = loadNpy(join(dir, 'r', 'class_logits.npy'));
    const C = metrics.classes.length;
    expect(logits.shape).toEqual([n, C]);
    const rows = logits.data as Float32Array;
    metrics.demo_passages.slice(0, n).forEach((want, d) => {
      const row = Array.from(rows.subarray(d * C, (d + 1) * C));
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      const p = Math.exp(row[metrics.classes.indexOf(want.class)]) / z;
      expect(p, want.ref).toBeCloseTo(want.p, 3);
    });
  });
});
