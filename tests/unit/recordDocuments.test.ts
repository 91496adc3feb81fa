/**
 * `npm run record -- --text F --documents MODE`: a corpus of several documents, each tokenized and
 * run on its own from a fresh state (the library's split modes). Checked on the bidirectional-LSTM
 * classifier fixture (tests/fixtures/classifier, made with torch): each document's class
 * probabilities equal torch's, and a document's streams inside the corpus equal a run of that
 * document alone (the backward direction starts at the document's own end).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';
import { expectOneLineFailure, recordHere } from '../helpers/recordCli';

const fixture = join(root, 'tests/fixtures/classifier');
const model = join(fixture, 'named.onnx');
const ref = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as {
  documents: string[];
  classes: string[];
  probs: number[][];
};
const tmp = () => mkdtempSync(join(tmpdir(), 'docs-'));

interface Manifest {
  classes: string[];
  corpus: { documents: { name: string; start: number }[] };
  streams: { name: string; file: string; shape: number[] }[];
  outputs: { name: string; file: string; shape: number[] }[];
}
const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

function softmax(row: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(row));
  const e = Array.from(row, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

async function recordOk(args: string[]) {
  const r = await recordHere([...args, '--model', model, '--streams', 'h,c']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

describe('record --documents', () => {
  it('blank-lines: one run per document; class probabilities as torch computes them', async () => {
    const dir = tmp();
    // Blank lines with spaces on them separate documents too.
    writeFileSync(join(dir, 'docs.txt'), ref.documents.join('\n \t\n\n'));
    const out = join(dir, 'rec');
    await recordOk(['--text', join(dir, 'docs.txt'), '--documents', 'blank-lines', '--out', out]);
    const m = manifestOf(out);
    const lengths = ref.documents.map((d) => d.length);
    expect(m.corpus.documents.map((d) => d.start)).toEqual([
      0,
      lengths[0],
      lengths[0] + lengths[1]
    ]);
    expect(m.corpus.documents.map((d) => d.name)).toEqual([
      'docs.txt #1',
      'docs.txt #2',
      'docs.txt #3'
    ]);
    expect(m.classes).toEqual(ref.classes);
    const logits = m.outputs.find((o) => o.name === 'class_logits')!;
    expect(logits.shape).toEqual([3, 3]);
    const rows = loadNpy(join(out, logits.file)).data as Float32Array;
    ref.probs.forEach((want, d) => {
      const got = softmax(rows.subarray(d * 3, d * 3 + 3));
      want.forEach((p, k) => expect(got[k]).toBeCloseTo(p, 5));
    });

    // The second document alone: the same streams, step for step.
    writeFileSync(join(dir, 'second.txt'), ref.documents[1]);
    const alone = join(dir, 'alone');
    await recordOk(['--text', join(dir, 'second.txt'), '--out', alone]);
    for (const s of m.streams) {
      const all = loadNpy(join(out, s.file)).data as Float32Array;
      const one = loadNpy(join(alone, s.file)).data as Float32Array;
      const U = s.shape[1];
      const inCorpus = all.subarray(lengths[0] * U, (lengths[0] + lengths[1]) * U);
      expect(inCorpus.length).toBe(one.length);
      for (let i = 0; i < one.length; i++) expect(inCorpus[i]).toBeCloseTo(one[i], 5);
    }
  });

  it('jsonl:FIELD: one document per JSON line', async () => {
    const dir = tmp();
    const lines = ref.documents.map((text, i) => JSON.stringify({ id: i, text }));
    writeFileSync(join(dir, 'docs.jsonl'), lines.join('\n') + '\n');
    const out = join(dir, 'rec');
    await recordOk(['--text', join(dir, 'docs.jsonl'), '--documents', 'jsonl:text', '--out', out]);
    const m = manifestOf(out);
    expect(m.corpus.documents).toHaveLength(3);
    const rows = loadNpy(join(out, 'class_logits.npy')).data as Float32Array;
    expect(softmax(rows.subarray(6, 9))[2]).toBeCloseTo(ref.probs[2][2], 5);
  });

  it('refuses an unknown mode, a mode without --text, and bad JSON lines', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'docs.txt'), ref.documents.join('\n\n'));
    const text = ['--model', model, '--text', join(dir, 'docs.txt'), '--out', join(dir, 'o')];
    expectOneLineFailure(
      await recordHere([...text, '--documents', 'lines']),
      /--documents must be whole, blank-lines or jsonl:FIELD .*got "lines"/
    );
    expectOneLineFailure(
      await recordHere([...text, '--documents', 'jsonl:body']),
      /docs\.txt, line 1.*JSON/
    );
    const feed = ['--model', model, '--feed', 'tokens=x.npy', '--out', join(dir, 'o2')];
    expectOneLineFailure(
      await recordHere([...feed, '--documents', 'blank-lines']),
      /--documents applies to --text only/
    );
  });
});
