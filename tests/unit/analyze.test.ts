/**
 * `npm run analyze` against scikit-learn and SciPy: a recording of the bundled tiny LSTM made by
 * `npm run record` (tests/fixtures/analyze/rec), ranked from its .npy directory (8-bit codes, as
 * the browser stores them) and from a Zarr store of the same values (float32, exactly), by regex,
 * built-in and CSV tracks; every unit's AUC, r, ρ, score, sign and held-out score, the chance
 * baseline, the held-out pick and the atlas equal the reference of make_reference.py to 1e-9.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import reference from '../fixtures/analyze/reference.json';
import {
  analyze,
  analyzeHere,
  fixtures,
  jsonOf,
  recDir,
  trackCsv,
  zarrFromNpy
} from './analyzeRun';

const TOL = 1e-9;
const zarrDir = join(mkdtempSync(join(tmpdir(), 'analyze-')), 'rec.zarr');
beforeAll(() => zarrFromNpy(recDir, zarrDir));

type Num = number | null;

function expectClose(got: Num, want: Num, what: string) {
  if (want === null || got === null) expect(got, what).toBe(want);
  else expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(TOL);
}

interface Unit {
  stream: string;
  unit: number;
  score: Num;
  sign: number;
  auc: Num;
  r: Num;
  spearman: Num;
  heldout: Num;
  levels?: Num[];
}

const args = (a: string[]) => a.map((x) => (x === 'TRACK' ? trackCsv : x));

describe('analyze rank --json equals the scikit-learn / SciPy reference', () => {
  for (const c of reference.cases) {
    it(`${c.recording}: ${c.args.join(' ')}`, async () => {
      const dir = c.recording === 'zarr' ? zarrDir : recDir;
      const got = jsonOf(
        await analyzeHere(['rank', '--recording', dir, ...args(c.args), '--json'])
      );
      const want = c.expected;
      for (const k of ['track', 'metric', 'steps', 'base_rate', 'split', 'levels'] as const)
        expect(got[k], k).toEqual(want[k]);
      expect(got.chance.shifts).toBe(want.chance.shifts);
      expectClose(got.chance.best, want.chance.best, 'chance.best');
      expectClose(got.chance.p95, want.chance.p95, 'chance.p95');
      const pick = got.heldout_pick;
      expect([pick.stream, pick.unit]).toEqual([want.heldout_pick.stream, want.heldout_pick.unit]);
      expectClose(pick.score_pick, want.heldout_pick.score_pick, 'score_pick');
      expectClose(pick.score_heldout, want.heldout_pick.score_heldout, 'score_heldout');

      const units = got.units as Unit[];
      expect(units).toHaveLength(want.units.length);
      // Best first.
      for (let i = 1; i < units.length; i++)
        expect(units[i - 1].score ?? -1).toBeGreaterThanOrEqual(units[i].score ?? -1);
      const byKey = new Map(units.map((u) => [`${u.stream}/${u.unit}`, u]));
      for (const w of want.units as Unit[]) {
        const u = byKey.get(`${w.stream}/${w.unit}`)!;
        const at = `${w.stream} unit ${w.unit}`;
        expect(u, at).toBeDefined();
        expect(u.sign, `${at} sign`).toBe(w.sign);
        for (const k of ['score', 'auc', 'r', 'spearman', 'heldout'] as const)
          expectClose(u[k], w[k], `${at} ${k}`);
        expect(u.levels?.length ?? 0).toBe(w.levels?.length ?? 0);
        w.levels?.forEach((l, j) => expectClose(u.levels![j], l, `${at} level ${j}`));
      }
    });
  }
});

describe('analyze atlas --json', () => {
  const cases = [
    {
      what: 'the code built-ins and every column of a CSV explain every unit',
      args: ['--tracks', trackCsv],
      want: reference.atlas.suggested
    },
    {
      what: 'noise explains no unit (--builtins none: only the CSV columns)',
      args: ['--builtins', 'none', '--tracks', join(fixtures, 'noise.csv')],
      want: reference.atlas.none
    }
  ];
  for (const { what, args, want } of cases)
    it(what, async () => {
      const got = jsonOf(await analyzeHere(['atlas', '--recording', recDir, ...args, '--json']));
      expect(got.tracks).toEqual(want.tracks);
      expect(got.skipped.map((s: { track: string }) => s.track)).toEqual(want.skipped);
      for (const s of got.skipped) expect(s.reason).toMatch(/is 0 at every one of its 2,100 steps/);
      expect(got.units).toHaveLength(want.units.length);
      const byKey = new Map(got.units.map((u: Unit) => [`${u.stream}/${u.unit}`, u]));
      want.units.forEach((w) => {
        const at = `${w.stream} unit ${w.unit}`;
        const u = byKey.get(`${w.stream}/${w.unit}`) as Record<string, Num | string>;
        expect([u.track, u.candidate], at).toEqual([w.track, w.candidate]);
        for (const k of ['score', 'heldout', 'chance', 'margin'] as const)
          expectClose(u[k] as Num, w[k], `${at} ${k}`);
      });
    });
});

describe('analyze as a process', () => {
  it('prints the same JSON as the entry point, limited by --top', async () => {
    const a = ['rank', '--recording', zarrDir, '--builtin', 'c.paren', '--json'];
    const here = jsonOf(await analyzeHere(a));
    const proc = jsonOf(await analyze([...a, '--top', '5']));
    expect(proc.units).toHaveLength(5);
    expect(proc).toEqual({ ...here, units: here.units.slice(0, 5) });
  });

  it('prints a header and a table of the top units for people', async () => {
    const r = await analyze([
      'rank',
      '--recording',
      recDir,
      '--track',
      trackCsv,
      '--column',
      'kind',
      '--category',
      'letter'
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const want = reference.cases.find((c) => c.recording === 'npy' && c.args.includes('letter'))!;
    const e = want.expected;
    expect(lines[0]).toBe('track     kind is letter');
    expect(lines[1]).toBe('metric    AUC over 2,100 steps');
    expect(lines[2]).toBe(
      `base rate ${e.base_rate!.positive_steps.toLocaleString('en-US')} positive steps of 2,100 (${((100 * e.base_rate!.positive_steps) / 2100).toFixed(1)}%) in ${e.base_rate!.positive_runs} runs`
    );
    expect(lines[3]).toBe(
      'held out  pick on first half of the steps / second half: 1,050 / 1,050 steps'
    );
    expect(lines[4]).toContain(
      `chance    best ${e.chance.best.toFixed(3)}, 95th percentile ${e.chance.p95.toFixed(3)}`
    );
    expect(lines[5]).toContain(
      `pick      ${e.heldout_pick.stream} unit ${e.heldout_pick.unit}: ${e.heldout_pick.score_pick.toFixed(3)} on the pick part`
    );
    expect(lines.filter((l) => l.startsWith('warning'))).toContainEqual(
      expect.stringMatching(/Short recording: 2,100 steps/)
    );
    const header = lines.findIndex((l) =>
      /^stream\s+unit\s+score\s+sign\s+held-out\s+auc\s+r\s+spearman$/.test(l)
    );
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 1, header + 21);
    expect(rows).toHaveLength(20);
    const best = [...(e.units as Unit[])].sort((a, b) => b.score! - a.score!)[0];
    expect(rows[0]).toMatch(
      new RegExp(
        `^${best.stream.replace(/\./g, '\\.')}\\s+${best.unit}\\s+${best.score!.toFixed(3)}\\s`
      )
    );
    expect(lines[header + 21]).toBe('… 12 more units (--top N, or --json)');
    expect(lines.at(-1)).toMatch(/^ranked 32 units in \d+\.\d\d s$/);
    expect(r.stdout).not.toMatch(/NaN|undefined/);
  });
});
