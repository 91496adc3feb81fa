/**
 * The analyze command as a function of its arguments: prints a ranking or an atlas (JSON or a
 * table), or exactly one line on stderr that says what is wrong, and returns the exit code (0, or
 * 1 for every error). No stack trace unless CELLSCOPE_DEBUG is set. analyze.ts calls it with the
 * process's argv.
 */
import { parseAnalyzeArgs, USAGE } from './analyzeArgs';
import { atlasCommand, rankCommand } from './analyzeCommand';
import { atlasJson } from '../lib/export/atlasExport';
import { rankReportJson } from '../lib/export/rankJson';
import { atlasText, rankText } from './analyzeOutput';
import { builtinIds } from './analyzeTracks';
import { InputError } from './inputFiles';
import type { Io } from './recordMain';

/** Errors that describe the user's input; anything else is a bug and says so. */
const KNOWN = new Set([
  'InputError',
  'RankInputError',
  'TrackFileError',
  'ZarrError',
  'NpyError',
  'FileStoreError'
]);

export function errorLine(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message.split('\n')[0].trim() || err.name;
  return err instanceof InputError || KNOWN.has(err.name)
    ? message
    : `${message} (an unexpected error; set CELLSCOPE_DEBUG=1 for the stack trace)`;
}

export async function runAnalyze(argv: string[], io: Io = console): Promise<number> {
  try {
    const args = parseAnalyzeArgs(argv);
    if (args.command === 'help') {
      io.log(`${USAGE}\nbuilt-in tracks: ${builtinIds().join(', ')}`);
      return 0;
    }
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(2);
    if (args.command === 'rank') {
      const report = await rankCommand(args);
      if (args.json) io.log(JSON.stringify(rankReportJson(report, args.top)));
      else {
        for (const line of rankText(report, args.top)) io.log(line);
        io.log(`ranked ${report.units.length.toLocaleString('en-US')} units in ${seconds()} s`);
      }
    } else {
      const atlas = await atlasCommand(args);
      if (args.json)
        io.log(JSON.stringify(atlasJson({ ...atlas, units: atlas.units.slice(0, args.top) })));
      else {
        for (const line of atlasText(atlas, args.top)) io.log(line);
        io.log(`atlas of ${atlas.units.length.toLocaleString('en-US')} units in ${seconds()} s`);
      }
    }
    return 0;
  } catch (e) {
    io.error(`cellscope analyze: ${errorLine(e)}`);
    if (process.env.CELLSCOPE_DEBUG) io.error(String((e as Error)?.stack ?? e));
    return 1;
  }
}
