/**
 * `npm run analyze` refuses bad input with exit code 1 and one line on stderr that names the
 * problem and what to do, never a stack trace: arguments, recording directories (.npy and Zarr),
 * track files, built-in and regex tracks, tracks that cannot rank, and recordings without text.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/modelFixture';
import { recordHere } from '../helpers/recordCli';
import { analyze, analyzeHere, expectOneLineFailure, jsonOf, recDir, trackCsv } from './analyzeRun';

const tmp = () => mkdtempSync(join(tmpdir(), 'analyze-bad-'));
const rank = (...a: string[]) => analyzeHere(['rank', '--recording', recDir, ...a]);
const csv = (text: string) => {
  const path = join(tmp(), 'track.csv');
  writeFileSync(path, text);
  return path;
};
const steps = (n: number, value: (t: number) => string) =>
  ['token,x', ...Array.from({ length: n }, (_, t) => `${t},${value(t)}`)].join('\n');

/** A copy of the fixture recording with its manifest changed by `edit`. */
function editedRecording(edit: (m: Record<string, unknown>) => void): string {
  const dir = join(tmp(), 'rec');
  cpSync(recDir, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

describe('arguments', () => {
  const cases: [string[], RegExp][] = [
    [[], /Give a command: rank or atlas/],
    [['plot'], /Unknown command "plot": use rank or atlas/],
    [['rank', '--recording', recDir, '--regex', 'x', '--bogus'], /Unknown option --bogus/],
    [['rank', '--regex', 'x'], /--recording DIR is required/],
    [['rank', '--recording', recDir], /rank needs a track: --track FILE.csv --column NAME/],
    [
      ['rank', '--recording', recDir, '--regex', 'x', '--builtin', 'c.paren'],
      /Give one of --builtin, --regex, not 2/
    ],
    [['rank', '--recording', recDir, '--regex', 'a', '--regex', 'b'], /--regex is given twice/],
    [['rank', '--recording', recDir, '--regex', 'x', 'extra'], /Unexpected argument "extra"/],
    [['rank', '--recording', recDir, '--regex', 'x', '--top', '0'], /--top must be a whole/],
    [['rank', '--recording', recDir, '--regex', 'x', '--metric', 'r2'], /--metric must be auto/],
    [
      ['rank', '--recording', recDir, '--builtin', 'c.paren', '--column', 'x'],
      /--column applies to --track/
    ],
    [['rank', '--recording'], /--recording needs a value/],
    [['rank', '--recording', recDir, '--json=yes', '--regex', 'x'], /--json takes no value/],
    [['atlas', '--recording', recDir, '--regex', 'x'], /--regex applies to rank, not atlas/],
    [['atlas', '--recording', recDir, '--builtins', 'code'], /--builtins must be suggested/],
    [['rank', '--recording', recDir, '--regex', 'x', '--streams', 'L0.fwd.h,'], /--streams needs/]
  ];
  for (const [args, pattern] of cases)
    it(`refuses ${args.join(' ') || '(nothing)'}`, async () => {
      expectOneLineFailure(await analyzeHere(args), pattern);
    });

  it('--help prints the usage and the built-in tracks, exit 0', async () => {
    const r = await analyzeHere(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run analyze -- rank --recording DIR/);
    expect(r.stdout).toMatch(/built-in tracks: c\.string, c\.char, .*prose\.punct/);
  });
});

describe('recording directories', () => {
  it('refuses a missing directory, a file, and a directory that is not a recording', async () => {
    const r = (dir: string) => analyzeHere(['rank', '--recording', dir, '--regex', 'x']);
    expectOneLineFailure(
      await r('/no/such/dir'),
      /--recording \/no\/such\/dir: there is no such directory/
    );
    expectOneLineFailure(await r(trackCsv), /is a file\. Give the directory npm run record wrote/);
    expectOneLineFailure(
      await r(tmp()),
      /holds neither a manifest\.json nor a Zarr store: it is not a recording/
    );
  });

  it('refuses a broken manifest, a missing or mismatched stream file, and a batch', async () => {
    const r = (dir: string) => analyzeHere(['rank', '--recording', dir, '--regex', 'x']);
    const notJson = join(tmp(), 'rec');
    cpSync(recDir, notJson, { recursive: true });
    writeFileSync(join(notJson, 'manifest.json'), '{"format":');
    expectOneLineFailure(await r(notJson), /manifest\.json is not valid JSON/);
    expectOneLineFailure(
      await r(editedRecording((m) => (m.format = 'cellscope-record/9'))),
      /manifest\.json: format is "cellscope-record\/9", not "cellscope-record\/1"/
    );
    const missing = editedRecording(() => {});
    rmSync(join(missing, 'L1.fwd.c.npy'));
    expectOneLineFailure(
      await r(missing),
      /L1\.fwd\.c\.npy is missing: the recording is incomplete/
    );
    expectOneLineFailure(
      await r(editedRecording((m) => ((m.streams as { shape: number[] }[])[0].shape = [2100, 9]))),
      /L0\.fwd\.h\.npy holds <f4 \[2100,8\] in \d+ bytes, not float32 \[2100,9\]/
    );
    expectOneLineFailure(
      await r(editedRecording((m) => (m.batch = 3))),
      /holds a batch of 3 sequences; analyze ranks one sequence/
    );
    expectOneLineFailure(
      await r(editedRecording((m) => ((m.streams as { name: string }[])[0].name = 'L7.fwd.h'))),
      /lists a stream "L7\.fwd\.h" that none of its layers has/
    );
  });

  it('says when a text recording lacks its corpus files (an older record wrote it)', async () => {
    expectOneLineFailure(
      await analyzeHere([
        'rank',
        '--recording',
        editedRecording((m) => delete m.corpus),
        '--builtin',
        'c.string'
      ]),
      /--builtin c\.string: this recording has no corpus files \(an older npm run record wrote it\); record it again, or use its --zarr store/
    );
    expectOneLineFailure(
      await analyzeHere(['atlas', '--recording', recDir, '--builtins', 'none']),
      /--builtins none leaves no candidate tracks: give them with --tracks FILE/
    );
  });

  it('refuses a Zarr store that is not a cellscope recording, as the browser does', async () => {
    const dir = join(tmp(), 'plain.zarr');
    mkdirSync(dir);
    writeFileSync(join(dir, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group' }));
    expectOneLineFailure(
      await analyzeHere(['rank', '--recording', dir, '--regex', 'x']),
      /is a Zarr v3 store but not a cellscope recording/
    );
  });

  it('refuses an unknown stream, naming the ones there are', async () => {
    expectOneLineFailure(
      await rank('--regex', 'x', '--streams', 'L0.fwd.h,L9.fwd.g'),
      /No stream L9\.fwd\.g in this recording\. It has: L0\.fwd\.h, L0\.fwd\.c, L1\.fwd\.h, L1\.fwd\.c\./
    );
  });
});

describe('tracks', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'an unknown built-in',
      ['--builtin', 'c.strings'],
      /Unknown built-in track "c\.strings"\. Known ones: c\.string, /
    ],
    [
      'a bad regex',
      ['--regex', '(a'],
      /--regex: Invalid regular expression \/\(a\/: Unterminated group/
    ],
    [
      'a regex that matches nothing',
      ['--regex', 'qqqzzz'],
      /The track "\/qqqzzz\/" is 0 at every one of its 2,100 steps: .* Choose a track that varies/
    ],
    [
      'a regex that matches everything',
      ['--regex', '[\\s\\S]'],
      /is 1 at every one of its 2,100 steps/
    ],
    [
      'AUC of a numeric track',
      ['--builtin', 'c.paren', '--metric', 'auc'],
      /AUC needs a binary \(0\/1\) track, and "paren depth" has other values/
    ],
    [
      'a missing track file',
      ['--track', '/no/track.csv'],
      /Cannot read the track file \/no\/track\.csv: there is no such file/
    ],
    [
      'several columns and no --column',
      ['--track', trackCsv],
      /has 3 value columns \("position", "gappy", "kind"\): pick one with --column NAME/
    ],
    [
      'an unknown column',
      ['--track', trackCsv, '--column', 'depth'],
      /has no column "depth"; its value columns are "position", "gappy", "kind"/
    ],
    [
      'a categorical column without --category',
      ['--track', trackCsv, '--column', 'kind'],
      /Column "kind" of .* is categorical \("space", "punct", "letter", "digit"\): rank by one value with --category VALUE/
    ],
    [
      'an unknown category',
      ['--track', trackCsv, '--column', 'kind', '--category', 'emoji'],
      /--category "emoji" is not a value of column "kind"/
    ],
    [
      '--category of a numeric column',
      ['--track', trackCsv, '--column', 'gappy', '--category', '1'],
      /--category applies to a categorical column, and "gappy" .* holds numbers/
    ]
  ];
  for (const [what, args, pattern] of cases)
    it(`refuses ${what}`, async () => {
      expectOneLineFailure(await rank(...args), pattern);
    });

  it('refuses track files that are not one value per step', async () => {
    expectOneLineFailure(
      await rank('--track', csv(steps(2099, () => '1'))),
      /track\.csv: the track has 2,099 values but the recording has 2,100 tokens \(1 fewer\)/
    );
    expectOneLineFailure(
      await rank('--track', csv(steps(2103, () => '1'))),
      /2,103 values but the recording has 2,100 tokens \(3 more\)/
    );
    expectOneLineFailure(
      await rank('--track', csv('step,x\n0,1\n')),
      /the header needs a "token" column \(token index\) or a "char" or "offset" column/
    );
    expectOneLineFailure(
      await rank('--track', csv('token,x\n0,1,2\n')),
      /track\.csv, line 2: 3 cells, but the header has 2/
    );
    expectOneLineFailure(
      await rank('--track', csv(steps(2100, (t) => (t === 5 ? 'inf' : '1')))),
      /track\.csv, line 7, column "x": "inf" is not a finite number/
    );
    expectOneLineFailure(
      await rank('--track', csv(steps(2100, () => '0.5'))),
      /The track "x" is 0\.5 at every one of its 2,100 steps/
    );
  });
});

describe('a recording without text (--feed)', () => {
  let feedDir: string;
  beforeAll(async () => {
    feedDir = join(tmp(), 'feed');
    const model = join(root, 'tests/fixtures/rnn/lstm2_tokens_batchfirst');
    const r = await recordHere([
      '--model',
      join(model, 'model.onnx'),
      '--out',
      feedDir,
      '--feed',
      `tokens=${join(model, 'feed.tokens.npy')}`
    ]);
    expect(r.stderr).toBe('');
  });
  const onFeed = (...a: string[]) => analyzeHere(['rank', '--recording', feedDir, ...a]);

  it('refuses built-in and regex tracks, and tracks placed by character offset', async () => {
    expectOneLineFailure(
      await onFeed('--builtin', 'c.string'),
      /--builtin c\.string: this recording has no text .* need the text recorded with --text/
    );
    expectOneLineFailure(await onFeed('--regex', 'a'), /--regex a: this recording has no text/);
    expectOneLineFailure(
      await onFeed('--track', csv('char,x\n0,1\n3,0\n')),
      /places values by character offset, but this recording has no text .*: give a "token" column/
    );
    expectOneLineFailure(
      await analyzeHere(['atlas', '--recording', feedDir, '--builtins', 'all']),
      /--builtins all: this recording has no text .*, so it has no built-in tracks/
    );
    expectOneLineFailure(
      await analyzeHere(['atlas', '--recording', feedDir]),
      /This recording has no text .*, so it has no built-in tracks: give candidate tracks with --tracks FILE/
    );
  });

  it('ranks by a track given per step', async () => {
    const report = jsonOf(await onFeed('--track', csv(steps(10, (t) => String(t % 3))), '--json'));
    expect(report.steps).toBe(10);
    expect(report.units).toHaveLength(96); // 12 streams of 8 units
    expect(report.metric).toBe('pearson');
  });
});

it('a real process prints one line and no stack trace', async () => {
  const r = await analyze(['rank', '--recording', '/no/such/dir', '--regex', 'x']);
  expectOneLineFailure(r, /there is no such directory/);
});
