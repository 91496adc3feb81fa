/**
 * Every bad input to the record command is refused the same way: exit code 1, one line on stderr
 * that names the problem and what to do, no stack trace, and no output directory left behind.
 * Run in this process through the command's entry point (cli.test.ts checks the same contract on
 * a real process for a few of these).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrtNode } from '../../src/cli/recordCommand';
import type { SessionLike } from '../../src/lib/record/step';
import { root } from '../helpers/modelFixture';
import { expectOneLineFailure, ort, recordHere } from '../helpers/recordCli';

const tmp = () => mkdtempSync(join(tmpdir(), 'cli-in-'));
const fx = (c: string, f: string) => join(root, 'tests/fixtures/rnn', c, f);
const model = fx('lstm2_tokens_batchfirst', 'model.onnx');
const feedModel = fx('lstm_peepholes', 'model.onnx');
const feed = `x=${fx('lstm_peepholes', 'feed.x.npy')}`;

/** A directory with a good vocabulary and corpus for the 16-token fixture model. */
function inputs() {
  const dir = tmp();
  const vocab = join(dir, 'v.txt');
  writeFileSync(vocab, 'a\nb\nc\n<unk>\n');
  const text = join(dir, 'c.txt');
  writeFileSync(text, 'abc cab');
  return { dir, vocab, text, args: ['--model', model, '--text', text, '--vocab', vocab] };
}

/** Refused with `pattern`, and `out` (default: a fresh path) never made. */
async function refused(args: string[], pattern: RegExp, out = join(tmp(), 'out')) {
  expectOneLineFailure(await recordHere([...args, '--out', out]), pattern);
  expect(existsSync(out), `${out} was made`).toBe(false);
}

describe('bad arguments', () => {
  const { args, dir } = inputs();
  const cases: [string, string[], RegExp][] = [
    [
      'an unknown option',
      [...args, '--bogus'],
      /Unknown option --bogus\. See npm run record -- --help/
    ],
    ['a positional argument', [...args, 'corpus.txt'], /Unexpected argument "corpus.txt"/],
    ['an option without its value', [...args, '--chunk'], /--chunk needs a value/],
    ['a value for a flag', [...args, '--force=yes'], /--force takes no value/],
    ['an empty value', [...args, '--streams='], /--streams needs a value/],
    ['an option given twice', [...args, '--chunk', '4', '--chunk', '8'], /--chunk is given twice/],
    ['--text and --feed', [...args, '--feed', feed], /either --text or --feed\/--csv, not both/],
    ['no input', ['--model', model], /Give --text corpus.txt, --csv features.csv or --feed/],
    [
      '--zarr with --feed',
      ['--model', feedModel, '--feed', feed, '--zarr', join(dir, 'z')],
      /--zarr applies to --text only/
    ],
    [
      '--chunk with --feed',
      ['--model', feedModel, '--feed', feed, '--chunk', '4'],
      /--chunk applies to --text only/
    ],
    [
      '--feed without NAME=',
      ['--model', feedModel, '--feed', 'x.npy'],
      /--feed needs NAME=file.npy, got "x.npy"/
    ],
    [
      'an unknown tokenizer',
      [...args, '--tokenizer', 'bpe'],
      /--tokenizer must be char or word, got "bpe"/
    ],
    [
      'an unknown Zarr version',
      [...args, '--zarr', join(dir, 'z'), '--zarr-version', '4'],
      /--zarr-version must be 2 or 3/
    ],
    [
      '--zarr-version without --zarr',
      [...args, '--zarr-version', '2'],
      /--zarr-version needs --zarr DIR/
    ],
    [
      'an unknown stream kind',
      [...args, '--streams', 'h,x'],
      /--streams "h,x": Unknown stream kind\(s\) "x": use all, or a comma-separated list/
    ],
    ['an empty stream kind', [...args, '--streams', 'h,,c'], /Unknown stream kind\(s\) ""/],
    [
      'a stream kind the model does not have',
      [...args, '--streams', 'h,z'],
      /no layer of this model has z; its LSTM layers have h, c, i, f, o, g/
    ]
  ];
  for (const [what, a, pattern] of cases) it(what, () => refused(a, pattern));

  it('missing --model or --out', async () => {
    await refused(args.slice(2), /--model M.onnx is required/);
    expectOneLineFailure(await recordHere(args), /--out DIR is required/);
  });

  it('--chunk that is not a whole number from 1 to 65536', async () => {
    await refused([...args, '--chunk', '-5'], /--chunk needs a value \(one that starts with "-"/);
    for (const n of ['0', 'abc', '-5', '1.5', '1e3', '0x10', '65537', ' 8']) {
      await refused(
        [...args, `--chunk=${n}`],
        new RegExp(
          `--chunk must be a whole number of tokens from 1 to 65536, got "${n.replace('.', '\\.')}"`
        )
      );
    }
  });
});

describe('bad files', () => {
  const { args, dir, vocab } = inputs();
  const file = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const text = (f: string) => ['--model', model, '--vocab', vocab, '--text', f];
  const utf16 = (s: string, bom: boolean) =>
    Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(s, 'utf16le')]);

  it('a missing model, a directory as the model, a model that is not ONNX', async () => {
    await refused(
      ['--model', join(dir, 'none.onnx'), '--feed', feed],
      /Cannot read the model file .*none.onnx: there is no such file/
    );
    await refused(
      ['--model', dir, '--feed', feed],
      /Cannot read the model file .*: it is a directory/
    );
    await refused(
      ['--model', file('notes.onnx', 'my notes, not a model'), '--feed', feed],
      /not an ONNX model/
    );
  });
  it('a corpus that is missing, empty, only whitespace, binary, Latin-1, UTF-16 or UTF-32', async () => {
    await refused(
      text(join(dir, 'none.txt')),
      /Cannot read the text file .*none.txt: there is no such file/
    );
    await refused(text(file('empty.txt', '')), /"[^"]*empty.txt" is empty/);
    await refused(text(file('blank.txt', ' \n\t\r\n')), /"[^"]*blank.txt" holds only whitespace/);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await refused(text(file('image.png', png)), /"[^"]*image.png" looks like a binary file/);
    await refused(
      text(file('latin1.txt', Buffer.from('abc\ncafé', 'latin1'))),
      /"[^"]*latin1.txt" is not UTF-8 text: byte 0xE9 at offset 7 \(line 2\).*iconv -f latin1/
    );
    await refused(
      text(file('bom16.txt', utf16('abc', true))),
      /"[^"]*bom16.txt" is UTF-16 text, not UTF-8\. Save it as UTF-8/
    );
    await refused(
      text(file('raw16.txt', utf16('abc cab\n', false))),
      /"[^"]*raw16.txt" is UTF-16 text/
    );
    await refused(
      text(file('w32.txt', Uint8Array.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]))),
      /is UTF-32 text/
    );
  });
  it('vocabularies that would be misread', async () => {
    const v = (name: string, body: Uint8Array | string) => [
      ...args.slice(0, 4),
      '--vocab',
      file(name, body)
    ];
    await refused(
      v('rep.txt', 'a\nb\na\n'),
      /"[^"]*rep.txt": the token "a" appears twice \(line 1 and line 3\)/
    );
    await refused(v('l1.txt', Buffer.from('a\né\n', 'latin1')), /"[^"]*l1.txt" is not UTF-8 text/);
    await refused(v('w.txt', utf16('a\nb\n', true)), /"[^"]*w.txt" is UTF-16 text/);
    await refused(
      v('neg.dict', 'a 0\nb -1\n'),
      /"[^"]*neg.dict", line 2: the id "-1" of "b" is not a whole number/
    );
    await refused(
      v('two.dict', 'a 0\nb 1\na 2\n'),
      /lines 1 and 3: the token "a" has two ids \(0 and 2\)/
    );
    await refused(v('same.dict', 'a 0\nb 0\n'), /lines 1 and 2: id 0 is given to "a" and to "b"/);
    await refused(v('gap.dict', 'a 0\nb 2\n'), /no token has id 1/);
  });
});

describe('output directories', () => {
  const { args, dir } = inputs();

  it('--out that is a file, or a path under a file', async () => {
    const f = join(dir, 'taken');
    writeFileSync(f, 'x');
    expectOneLineFailure(
      await recordHere([...args, '--out', f]),
      /--out .*taken is a file, not a directory/
    );
    expect(readFileSync(f, 'utf8')).toBe('x');
    await refused(args, /--out .* is under .*taken, which is a file/, join(f, 'sub', 'dir'));
  });

  it('a non-empty --out is refused, and left as it was, unless --force', async () => {
    const out = join(tmp(), 'rec');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.md'), 'mine');
    expectOneLineFailure(
      await recordHere([...args, '--out', out]),
      /already holds 1 file\(s\)\. Give a new or empty directory, or add --force/
    );
    expect(readdirSync(out)).toEqual(['notes.md']);
    expect((await recordHere([...args, '--out', out, '--force', '--streams', 'h,c'])).code).toBe(0);
    expect(readdirSync(out)).toContain('L0.fwd.c.npy');
    // --force again with fewer streams: the old recording's files go, the user's file stays.
    expect((await recordHere([...args, '--out', out, '--force', '--streams', 'h'])).code).toBe(0);
    const files = readdirSync(out);
    expect(files).toContain('notes.md');
    expect(files).toContain('L0.fwd.h.npy');
    expect(files).not.toContain('L0.fwd.c.npy');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.streamKinds).toEqual(['h']);
  });

  it('an empty existing --out is used without --force', async () => {
    const out = tmp();
    expect((await recordHere([...args, '--out', out])).code).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('--zarr: non-empty needs --force, and --force replaces only a Zarr store', async () => {
    const base = tmp();
    const zarr = join(base, 'rec.zarr');
    const run = (o: string, ...more: string[]) =>
      recordHere([...args, '--out', join(base, o), '--zarr', zarr, ...more]);
    expect((await run('a')).code).toBe(0);
    expectOneLineFailure(await run('b'), /--zarr .*rec.zarr already holds .* add --force/);
    expect(existsSync(join(base, 'b'))).toBe(false);
    expect((await run('c', '--force', '--zarr-version', '2')).code).toBe(0);
    // The v3 store was replaced whole by the v2 one.
    expect(existsSync(join(zarr, '.zgroup'))).toBe(true);
    expect(existsSync(join(zarr, 'zarr.json'))).toBe(false);
    const other = join(base, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'keep.txt'), 'mine');
    expectOneLineFailure(
      await recordHere([...args, '--out', join(base, 'd'), '--zarr', other, '--force']),
      /--zarr .*other holds files but no Zarr store/
    );
    expect(readdirSync(other)).toEqual(['keep.txt']);
  });

  it('--out and --zarr the same, or --out inside the store', async () => {
    const base = tmp();
    const same = join(base, 'x');
    await refused(
      [...args, '--zarr', same],
      /--out and --zarr must be different directories/,
      same
    );
    await refused(
      [...args, '--zarr', same],
      /--out cannot be inside the --zarr store/,
      join(same, 'npy')
    );
  });
});

/** onnxruntime-node whose sessions fail on the second run: a run that stops part-way. */
const failingOrt: OrtNode = {
  Tensor: ort.Tensor,
  InferenceSession: {
    async create(bytes, options) {
      const session = await ort.InferenceSession.create(bytes, options);
      let runs = 0;
      return Object.assign(Object.create(session) as SessionLike, {
        run: (...a: Parameters<SessionLike['run']>) =>
          ++runs === 2 ? Promise.reject(new Error('bad allocation')) : session.run(...a)
      });
    }
  }
};

describe('a run that fails after it started writing', () => {
  const { args } = inputs();
  const partial = (out: string, ...more: string[]) =>
    recordHere([...args, '--chunk', '2', '--out', out, ...more], failingOrt);

  it('removes the directories it made (with their missing parents) and says so in one line', async () => {
    const base = tmp();
    const r = await partial(join(base, 'a', 'b', 'out'), '--zarr', join(base, 'z', 'rec.zarr'));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cellscope record: bad allocation\. The run stopped; removed .*z and removed .*a\b/
    );
    expect(readdirSync(base)).toEqual([]);
  });

  it('in a directory that was there, removes only what it wrote', async () => {
    const out = tmp();
    writeFileSync(join(out, 'notes.md'), 'mine');
    const r = await partial(out, '--force');
    expect(r.stderr).toMatch(/The run stopped; removed what it wrote in /);
    expect(readdirSync(out)).toEqual(['notes.md']);
  });
});
