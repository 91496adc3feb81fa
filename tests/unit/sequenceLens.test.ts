/**
 * Batches with sequence_lens: each sequence's streams hold its own valid steps only (no rows for
 * the padding past its length), in the model's input order, and c equals the reference of that
 * sequence run alone (torch for the packed-sequence exports, the ONNX equations for hand-built
 * nodes) within 1e-5 — forward and backward (which starts at the sequence's last valid step).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { recordCommand, type OrtNode } from '../../src/cli/recordCommand';
import { root } from '../helpers/modelFixture';
import { loadNpy, npyError } from '../helpers/npyCompare';

const dir = join(root, 'tests/fixtures/rnn');
const cases = [
  'lstm_packed_torch',
  'lstm_packed_bidir_torch',
  'lstm_seqlens_batch3',
  'lstm_seqlens_bidir'
];

describe('a batch with sequence_lens is recorded per sequence, valid steps only', () => {
  for (const name of cases) {
    it(name, async () => {
      const caseDir = join(dir, name);
      const meta = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8'));
      const feeds = Object.keys(meta.inputs).map((i) => `${i}=${join(caseDir, `feed.${i}.npy`)}`);
      const out = mkdtempSync(join(tmpdir(), `seqlens-${name}-`));
      const manifest = await recordCommand(
        { model: join(caseDir, 'model.onnx'), out, feeds, streams: 'all' },
        ortNode as unknown as OrtNode
      );
      const lengths: number[] = meta.lengths;
      const T = meta.inputs.x.shape[0];
      expect(lengths.some((n) => n < T)).toBe(true);
      expect(manifest.lengths).toEqual(lengths);
      const streams: string[] = meta.streams;
      expect(streams.some((s) => s.endsWith('.c'))).toBe(true);
      for (let b = 0; b < lengths.length; b++) {
        for (const s of streams) {
          const rec = loadNpy(join(out, `b${b}.${s}.npy`));
          // No padded steps: exactly the sequence's own rows.
          expect(rec.shape, `b${b}.${s}`).toEqual([lengths[b], 4]);
          const err = npyError(
            join(out, `b${b}.${s}.npy`),
            join(caseDir, `ref.b${b}.${s}.npy`),
            s.endsWith('.c')
          );
          expect(err, `b${b}.${s}`).toBeLessThanOrEqual(1e-5);
        }
      }
    });
  }
});
