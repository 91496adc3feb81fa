/** Findings: schema (and its published JSON Schema), tampered files, and locating one in a library. */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findingJsonSchema } from '../../src/cli/findingSchema';
import {
  findingFileName,
  findingQuery,
  locateFinding,
  makeFinding
} from '../../src/lib/findings/make';
import { readFindingFile } from '../../src/lib/findings/library';
import { parseFinding, type Finding } from '../../src/lib/findings/schema';
import { addCorpus, addModel } from '../../src/lib/store/library';
import { CellscopeDB } from '../../src/lib/store/db';
import { createRecording } from '../../src/lib/store/recordings';
import type { RecordingRow } from '../../src/lib/store/db';
import { loadDemoModel, root } from '../helpers/modelFixture';

const sha = (c: string) => c.repeat(64);
function finding(over: Partial<Finding> = {}): Finding {
  return {
    ...makeFinding(
      {
        recording: {
          modelSha: sha('a'),
          corpusSha: sha('b'),
          tokens: 100,
          kinds: 'h,c',
          chunkSize: 2048
        } as RecordingRow,
        modelName: 'm.onnx',
        corpusName: 'c.txt',
        tokenizer: 'char',
        view: {
          stream: 'L1.fwd.h',
          t: 10,
          zoom: 12,
          brush: [20, 30],
          padLeft: 1,
          padRight: 0,
          threshold: 0.2,
          normalization: 'raw',
          added: [3],
          removed: []
        },
        units: 256,
        selected: [3, 115],
        match: null,
        tracks: ['character class'],
        title: 'quote unit',
        notes: ''
      },
      new Date('2026-11-22T12:00:00Z')
    ),
    ...over
  };
}

describe('finding files', () => {
  it('a made finding validates, and the published JSON Schema is generated from the same schema', () => {
    const f = finding();
    expect(parseFinding(JSON.stringify(f))).toEqual(f);
    const published = JSON.parse(readFileSync(`${root}static/schema/finding-v1.json`, 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(findingJsonSchema())));
    expect(published.required).toContain('selection');
  });

  it('names the app version from package.json', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
    expect(finding().app).toEqual({ name: 'cellscope', version: pkg.version });
  });

  it('is saved under a name like every export: model, corpus, stream, brushed steps, day', () => {
    expect(findingFileName(finding())).toMatch(
      /^m_c_L1\.fwd\.h_t20-29_2026-11-2\d\.finding\.json$/
    );
  });

  it('refuses tampered or foreign files with a precise message', () => {
    const f = finding();
    const bad = (x: unknown) => () => parseFinding(JSON.stringify(x), 'x.json');
    expect(bad({ ...f, model: { ...f.model, sha256: 'zz' } })).toThrow(
      /model\.sha256: must be a SHA-256/
    );
    expect(bad({ ...f, format: 'cellscope-finding/2' })).toThrow(
      /format cellscope-finding\/2; this cellscope reads cellscope-finding\/1/
    );
    expect(bad({ ...f, selection: { ...f.selection, units: [3, 300] } })).toThrow(
      /selects unit 300, but its stream has 256 units/
    );
    expect(bad({ ...f, selection: { ...f.selection, brush: [30, 20] } })).toThrow(
      /brush ends before it starts/
    );
    expect(bad({ hello: 1 })).toThrow(/x\.json is not a cellscope finding: format/);
    expect(() => parseFinding('{"a":', 'x.json')).toThrow(/x\.json is not valid JSON/);
    expect(() => parseFinding(' '.repeat(3_000_000), 'big.json')).toThrow(/big\.json is 3\.0 MB/);
    expect(() => readFindingFile(' '.repeat(50_000_001), 'huge.json')).toThrow(/too large/);
  });

  it('HTML in a title is kept as text (the UI escapes it), and bundles read back', () => {
    const f = finding({ title: '<img src=x onerror=alert(1)>' });
    const text = JSON.stringify({ format: 'cellscope-findings/1', findings: [f, finding()] });
    const list = readFindingFile(text, 'b.json');
    expect(list).toHaveLength(2);
    expect(list[0].title).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('locating a finding in the library', () => {
  it('says precisely what is missing or different, then finds the recording', async () => {
    const db = new CellscopeDB('findings-1');
    const model = await addModel(db, loadDemoModel(), 'code-lstm.onnx');
    const corpus = await addCorpus(db, new TextEncoder().encode('int x;\n'), 'x.c');
    const base = finding({
      model: { sha256: model.sha256, name: 'code-lstm.onnx' },
      corpus: { sha256: corpus.sha256, name: 'x.c', tokens: 7 },
      stream: { id: 'L1.fwd.h', units: 256 }
    });
    const problems = async (f: Finding) => {
      const r = await locateFinding(db, f);
      return 'problems' in r ? r.problems.join(' ') : `recording ${r.recordingId}`;
    };
    expect(
      await problems({ ...base, model: { sha256: sha('c'), name: 'code-lstm.onnx' } })
    ).toMatch(
      /model "code-lstm\.onnx" here is a different file: SHA-256 [0-9a-f]{12}…, the finding's is cccccccccccc…/
    );
    expect(
      await problems({ ...base, corpus: { ...base.corpus, sha256: sha('d'), name: 'y.c' } })
    ).toMatch(/corpus "y\.c" \(SHA-256 dddddddddddd…\) is not in this library/);
    expect(await problems(base)).toMatch(
      /has not been recorded here yet: record it \(streams "h,c"\)/
    );
    const id = await createRecording(db, {
      modelSha: model.sha256,
      corpusSha: corpus.sha256,
      name: 'r',
      streams: [{ id: 'L1.fwd.h', layer: 1, dir: 'fwd', kind: 'h', units: 256, range: [-1, 1] }],
      kinds: 'h',
      tokens: 7,
      chunkSize: 2048,
      documents: [{ name: 'x.c', start: 0 }],
      unknownTokens: 0,
      unknownExamples: []
    });
    expect(await problems({ ...base, stream: { id: 'L1.fwd.c', units: 256 } })).toMatch(
      /has stream L1\.fwd\.c/
    );
    expect(await problems({ ...base, stream: { id: 'L1.fwd.h', units: 128 } })).toMatch(
      /Stream L1\.fwd\.h has 256 units here but 128 in the finding/
    );
    expect(await problems(base)).toMatch(/is not complete: resume it/);
    await db.recordings.update(id, { status: 'complete' });
    expect(await problems(base)).toBe(`recording ${id}`);
    const q = findingQuery(id, base);
    expect(Object.fromEntries(q)).toEqual({
      rec: String(id),
      stream: 'L1.fwd.h',
      t: '10',
      zoom: '12',
      brush: '20,30',
      theta: '0.2',
      norm: 'raw', // named: the stream's default scale does not decide a finding's
      add: '3',
      // The rule's units, so the link shows exactly the finding's units (3 was added by hand).
      rule: '115'
    });
    db.close();
  });
});
