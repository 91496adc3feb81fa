/**
 * `npm run lstmvis` (in this process, through the same entry point): an import writes what
 * `npm run record` writes; an export is read by LSTMVis's loader (h5py + PyYAML, as
 * data_handler.py reads it) with the right shapes, alignment and values; import → export →
 * import gives the same files; a recording of `npm run record` with an LM head exports its
 * top-5 predictions; bad input is one line.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordingDir } from '../../src/cli/recordingDir';
import { expected, fixtureProject, projectCopy } from '../helpers/lstmvisFixture';
import { loadAsLstmvis, loaderMissing, lstmvis } from '../helpers/lstmvisLoader';
import { root } from '../helpers/modelFixture';
import { loadNpy } from '../helpers/npyCompare';
import { recordHere } from '../helpers/recordCli';

const tmp = () => mkdtempSync(join(tmpdir(), 'lstmvis-cli-'));
const missing = loaderMissing();
if (missing) console.warn(missing);

async function ok(args: string[]) {
  const r = await lstmvis(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

/** Every file of a directory, the manifest without what differs run to run. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, f));
    if (f !== 'manifest.json') out[f] = text.toString('base64');
    else {
      // Where a stream was read from names the project's dataset: not part of the recording.
      const { createdAt: _c, lstmvis: l, streams, ...m } = JSON.parse(text.toString('utf8'));
      const kept = streams.map(({ source: _s, ...s }: { source: string }) => s);
      out[f] = JSON.stringify({ ...m, streams: kept, name: l.name, description: l.description });
    }
  }
  return out;
}

describe('npm run lstmvis import', () => {
  it('writes a recording npm run analyze opens: streams, corpus and meta tracks', async () => {
    const out = join(tmp(), 'rec');
    const r = await ok(['import', fixtureProject('words'), '--out', out]);
    expect(r.stdout).toMatch(
      /imported "toy sentences": 4 streams \(states\.hdf5:\/states1 → L0\.fwd\.c, .*\), 4 meta tracks, 154 tokens/
    );
    expect(r.stdout).toMatch(/warning: meta\.predictions \(wordvec/);
    const rec = await openRecordingDir(out);
    expect(rec.reader.recording.streams.map((s) => s.id)).toEqual([
      'L0.fwd.c',
      'L0.fwd.h',
      'L1.fwd.c',
      'L1.fwd.h'
    ]);
    const c1 = loadNpy(join(out, 'L0.fwd.c.npy'));
    expect([...c1.data]).toEqual(expected.words.streams.states1.values.map(Math.fround));
    expect([...loadNpy(join(out, 'corpus.tokens.npy')).data]).toEqual(expected.words.ids);
    const csv = readFileSync(join(out, 'tracks.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('token,part_of_speech,in_clause,surprise,word_frequency');
    expect(csv[2].split(',').slice(0, 3)).toEqual([
      '1',
      expected.words.tracks.part_of_speech.categories![
        expected.words.tracks.part_of_speech.values[1]
      ],
      '0'
    ]);
  });

  it('names streams as --stream PATH=ID says (h stored as a state)', async () => {
    const out = join(tmp(), 'rec');
    await ok([
      'import',
      fixtureProject('chars'),
      '--out',
      out,
      '--stream',
      'states1=L0.fwd.h',
      '--stream',
      'output1=L0.fwd.c'
    ]);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.streams.map((s: { name: string; source: string }) => `${s.source}=${s.name}`)).toEqual(
      ['chars.h5:/output1=L0.fwd.c', 'chars.h5:/states1=L0.fwd.h']
    );
    expect(readFileSync(join(out, 'corpus.txt'), 'utf8')).toBe(expected.chars.text);
  });

  it('refuses bad input in one line, and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['import'],
        /^cellscope lstmvis: import needs PROJECT_DIR\. See npm run lstmvis -- --help\.$/
      ],
      [['import', fixtureProject('words')], /--out is required/],
      [
        ['import', join(root, 'nope'), '--out', join(tmp(), 'x')],
        /PROJECT_DIR .*nope: there is no such directory\./
      ],
      [
        [
          'import',
          fixtureProject('words'),
          '--out',
          join(tmp(), 'x'),
          '--stream',
          'states9=L0.fwd.h'
        ],
        /--stream states9=…: the project has no state dataset "states9" \(its states: states1, output1, states2, output2\)\./
      ],
      [
        [
          'import',
          fixtureProject('words'),
          '--out',
          join(tmp(), 'x'),
          '--stream',
          'states1=L0.fwd.h'
        ],
        /Two streams are named L0\.fwd\.h: give each its own name\. \(--stream PATH=ID\)$/
      ],
      [['export', fixtureProject('words'), '--out', join(tmp(), 'x')], /manifest\.json/]
    ];
    for (const [args, pattern] of cases) {
      const r = await lstmvis(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(pattern);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
    const dir = projectCopy('words');
    writeFileSync(join(dir, 'lstm.yml'), 'files: [\n');
    const out = join(tmp(), 'never');
    const r = await lstmvis(['import', dir, '--out', out]);
    expect(r.stderr).toMatch(/^cellscope lstmvis: lstm\.yml is not YAML: /);
    expect(() => readdirSync(out)).toThrow();
  });
});

describe.skipIf(missing)("npm run lstmvis export, read by LSTMVis's loader", () => {
  it('exports shapes, alignment and values as LSTMVis reads them (raw states, tanh on show)', async () => {
    const rec = join(tmp(), 'rec');
    const project = join(tmp(), 'project');
    await ok(['import', fixtureProject('words'), '--out', rec]);
    const r = await ok(['export', rec, '--out', project]);
    expect(r.stdout).toMatch(/exported "toy sentences": 4 streams, 154 tokens/);
    const seen = loadAsLstmvis(project);
    const want = expected.words;
    const N = want.ids.length;
    expect(seen.config.name).toBe(want.name);
    expect(seen.config.word_sequence.size).toEqual([N]);
    expect(seen.words).toEqual(want.tokens);
    expect(seen.ids).toEqual(want.ids);
    for (const s of Object.values(want.streams)) {
      const type = seen.config.states.types.find((t) => t.path === s.id)!;
      expect(type.size).toEqual(s.shape);
      expect(type.type).toBe(s.id.endsWith('.c') ? 'state' : 'output');
      expect(type.layer).toBe(Number(s.id[1]) + 1);
      const got = seen.states[`states::${s.id}`];
      expect(got.raw).toEqual(s.values);
      const tanhErr = Math.max(...got.tanh.map((v, i) => Math.abs(v - Math.tanh(s.values[i]))));
      expect(tanhErr).toBeLessThan(1e-6);
    }
    const pos = want.tracks.part_of_speech;
    expect(seen.meta.part_of_speech.values).toEqual(pos.values.map((v) => pos.categories![v]));
    expect(seen.meta.in_clause.values).toEqual(want.tracks.in_clause.values.map(String));
    expect(seen.meta.surprise.values).toEqual(want.tracks.surprise.values);
    expect(seen.meta.word_frequency.values).toEqual(want.tracks.word_frequency.values);
    expect(seen.config.meta!.surprise.vis.range).toEqual(
      [Math.min(...want.tracks.surprise.values), Math.max(...want.tracks.surprise.values)].map(
        (v) => Number(v.toPrecision(7))
      )
    );
  });

  it('import → export → import gives the same recording, file for file', async () => {
    for (const name of ['words', 'chars'] as const) {
      const [a, b, project] = [join(tmp(), 'a'), join(tmp(), 'b'), join(tmp(), 'p')];
      await ok(['import', fixtureProject(name), '--out', a]);
      await ok(['export', a, '--out', project]);
      await ok(['import', project, '--out', b]);
      const [got, want] = [contents(b), contents(a)];
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const f of Object.keys(want)) expect(got[f] === want[f], `${name}: ${f}`).toBe(true);
    }
  });

  it("exports an npm run record recording with its LM head's top-5 predictions (wordvec)", async () => {
    const dir = tmp();
    const letters = 'abcdefghijklmno'.split('');
    const vocab = join(dir, 'vocab.txt');
    writeFileSync(vocab, [...letters, '<unk>'].join('\n') + '\n');
    writeFileSync(join(dir, 'corpus.txt'), 'hello idea lab');
    const rec = join(dir, 'rec');
    const model = join(root, 'tests/fixtures/rnn/lstm2_tokens_batchfirst/model.onnx');
    const recorded = await recordHere([
      '--model',
      model,
      '--out',
      rec,
      '--text',
      join(dir, 'corpus.txt'),
      '--vocab',
      vocab
    ]);
    expect(recorded.stderr).toBe('');
    const project = join(dir, 'project');
    const r = await ok(['export', rec, '--out', project, '--vocab', vocab]);
    expect(r.stdout).toMatch(/note: top-5 predictions from the output logits/);
    const seen = loadAsLstmvis(project);
    expect(seen.words.join('')).toBe('hello<unk>idea<unk>lab');
    const types = seen.config.states.types.map((t) => `${t.path}:${t.type}`);
    expect(types).toContain('L1.fwd.h:output');
    expect(types).toContain('L0.fwd.i:i');
    const h = loadNpy(join(rec, 'L1.fwd.h.npy'));
    expect(seen.states['states::L1.fwd.h'].raw).toEqual([...h.data]);
    // The top prediction at each step is the argmax of the saved logits.
    const logits = loadNpy(join(rec, 'logits.npy'));
    const V = 16;
    const best = Array.from({ length: 14 }, (_, t) => {
      const row = [...logits.data.subarray(t * V, (t + 1) * V)].map(Number);
      return [...letters, '<unk>'][row.indexOf(Math.max(...row))];
    });
    const wordvec = seen.meta.predictions;
    expect(seen.config.meta!.predictions).toMatchObject({
      type: 'wordvec',
      vis: { type: 'wordvec', range: [0, 1] }
    });
    expect(wordvec.words!.map((row) => row[0])).toEqual(best.map((w) => (w === '\n' ? '\\n' : w)));
    for (const row of wordvec.weights!) {
      expect(row).toHaveLength(5);
      expect(row[0]).toBeGreaterThanOrEqual(row[4]);
    }
  });
});
