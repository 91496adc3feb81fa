/**
 * The analyze command's arguments: a subcommand (rank, atlas) and its options, parsed and checked
 * before any file is read. Every problem is an InputError with one line that names the option
 * and what to give instead.
 */
import { parseArgs } from 'node:util';
import type { RankMetric } from '../lib/analysis/rankTarget';
import { InputError } from './inputFiles';

export const USAGE =
  'usage: npm run analyze -- rank --recording DIR (--track FILE.csv [--column NAME] [--category VALUE] | --builtin ID | --regex REGEX)\n' +
  '                              [--streams L0.fwd.c,...] [--metric auto|auc|pearson|spearman] [--top N] [--json]\n' +
  '       npm run analyze -- atlas --recording DIR [--tracks FILE.csv] [--builtins suggested|all|none]\n' +
  '                              [--streams L0.fwd.c,...] [--top N] [--json]\n' +
  '  --recording DIR  the --out directory (manifest.json + .npy) or the --zarr store of npm run record\n' +
  '  --track FILE     a CSV with a "token" column and one row per recorded step (or a JSON track);\n' +
  '                   --column picks its column, --category one value of a categorical column\n' +
  '  --builtin ID     a built-in track (listed below)\n' +
  '  --regex REGEX    1 on tokens that overlap a match of REGEX, else 0\n' +
  '  --tracks FILE    atlas: every column of FILE is a candidate (each value of a categorical one),\n' +
  '                   with the built-in tracks of the family the text looks like (code or prose;\n' +
  '                   --builtins all: both families, none: only FILE)\n' +
  '  --top N          units to print (default 20; with --json, units to list: default all)';

const OPTIONS = {
  recording: { type: 'string' },
  track: { type: 'string' },
  column: { type: 'string' },
  category: { type: 'string' },
  builtin: { type: 'string' },
  regex: { type: 'string' },
  tracks: { type: 'string' },
  builtins: { type: 'string' },
  streams: { type: 'string' },
  metric: { type: 'string' },
  top: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' }
} as const;

type Option = keyof typeof OPTIONS;

const ONLY: Record<'rank' | 'atlas', Option[]> = {
  rank: ['track', 'column', 'category', 'builtin', 'regex', 'metric'],
  atlas: ['tracks', 'builtins']
};

export interface CommonArgs {
  recording: string;
  streams?: string[];
  top?: number;
  json: boolean;
}

export type TrackSource =
  | { kind: 'csv'; file: string; column?: string; category?: string }
  | { kind: 'builtin'; id: string }
  | { kind: 'regex'; pattern: string };

export type AnalyzeArgs =
  | { command: 'help' }
  | (CommonArgs & {
      command: 'rank';
      track: TrackSource;
      metric: RankMetric | 'auto';
    })
  | (CommonArgs & {
      command: 'atlas';
      tracks?: string;
      builtins?: 'suggested' | 'all' | 'none';
    });

const SEE_HELP = 'See npm run analyze -- --help.';

/** node:util's parse errors, in the command's words. */
function parseError(e: Error & { code?: string }): InputError {
  const option = e.message.match(/'(-[^' ]+)/)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new InputError(`Unknown option ${option}. ${SEE_HELP}`);
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /does not take/.test(e.message))
    return new InputError(`${option} takes no value. ${SEE_HELP}`);
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return new InputError(
      `${option} needs a value (one that starts with "-" is written ${option}=-…). ${SEE_HELP}`
    );
  return new InputError(`${e.message.split('\n')[0]} ${SEE_HELP}`);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
      tokens: true
    });
  } catch (e) {
    throw parseError(e as Error);
  }
}

function topCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1)
    throw new InputError(`--top must be a whole number ≥ 1, got ${JSON.stringify(value)}.`);
  return n;
}

function trackSource(values: ReturnType<typeof parse>['values']): TrackSource {
  const given = (['track', 'builtin', 'regex'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1)
    throw new InputError(
      given.length
        ? `Give one of --${given.join(', --')}, not ${given.length}: rank ranks by one track.`
        : `rank needs a track: --track FILE.csv --column NAME, --builtin ID or --regex REGEX. ${SEE_HELP}`
    );
  for (const k of ['column', 'category'] as const)
    if (values[k] !== undefined && values.track === undefined)
      throw new InputError(`--${k} applies to --track FILE only.`);
  if (values.track !== undefined)
    return { kind: 'csv', file: values.track, column: values.column, category: values.category };
  if (values.builtin !== undefined) return { kind: 'builtin', id: values.builtin };
  return { kind: 'regex', pattern: values.regex! };
}

export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  const { values, positionals, tokens } = parse(argv);
  if (values.help) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (command !== 'rank' && command !== 'atlas')
    throw new InputError(
      command === undefined
        ? `Give a command: rank or atlas. ${SEE_HELP}`
        : `Unknown command "${command}": use rank or atlas. ${SEE_HELP}`
    );
  if (extra.length)
    throw new InputError(
      `Unexpected argument "${extra[0]}": every input is given with an option (--recording DIR, --track FILE). ${SEE_HELP}`
    );
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new InputError(`--${t.name} is given twice; give it once.`);
    seen.add(t.name);
    if (t.value === '') throw new InputError(`--${t.name} needs a value. ${SEE_HELP}`);
    const other = command === 'rank' ? 'atlas' : 'rank';
    if (ONLY[other].includes(t.name as Option))
      throw new InputError(`--${t.name} applies to ${other}, not ${command}. ${SEE_HELP}`);
  }
  if (values.recording === undefined)
    throw new InputError(
      `--recording DIR is required (the --out or --zarr directory of npm run record). ${SEE_HELP}`
    );
  const common: CommonArgs = {
    recording: values.recording,
    streams: values.streams?.split(',').map((s) => s.trim()),
    top: topCount(values.top),
    json: values.json ?? false
  };
  if (common.streams?.some((s) => !s))
    throw new InputError(
      `--streams needs stream ids separated by commas, such as L0.fwd.h,L1.fwd.c.`
    );
  if (command === 'atlas') {
    const builtins = values.builtins;
    if (builtins !== undefined && !['suggested', 'all', 'none'].includes(builtins))
      throw new InputError(
        `--builtins must be suggested, all or none, got ${JSON.stringify(builtins)}.`
      );
    return {
      command,
      ...common,
      tracks: values.tracks,
      builtins: builtins as 'suggested' | 'all' | 'none' | undefined
    };
  }
  const metric = values.metric ?? 'auto';
  if (!['auto', 'auc', 'pearson', 'spearman'].includes(metric))
    throw new InputError(
      `--metric must be auto, auc, pearson or spearman, got ${JSON.stringify(metric)}.`
    );
  return {
    command,
    ...common,
    track: trackSource(values),
    metric: metric as RankMetric | 'auto'
  };
}
