/**
 * The lstmvis command as a function of its arguments: prints what it wrote, or exactly one line
 * on stderr that says what is wrong, and returns the exit code (0, or 1 for every error). No
 * stack trace unless CELLSCOPE_DEBUG is set. lstmvis.ts calls it with the process's argv.
 */
import { InputError } from './inputFiles';
import { parseLstmvisArgs, USAGE } from './lstmvisArgs';
import { lstmvisExport } from './lstmvisExportCommand';
import { lstmvisImport } from './lstmvisImportCommand';
import type { Io } from './recordMain';

/** Errors that describe the user's input; anything else is a bug and says so. */
const KNOWN = new Set(['InputError', 'LstmvisError', 'NpyError', 'TokenizerError']);

function errorLine(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message.split('\n')[0].trim() || err.name;
  return err instanceof InputError || KNOWN.has(err.name)
    ? message
    : `${message} (an unexpected error; set CELLSCOPE_DEBUG=1 for the stack trace)`;
}

export async function runLstmvis(argv: string[], io: Io = console): Promise<number> {
  try {
    const args = parseLstmvisArgs(argv);
    if (args.command === 'help') {
      io.log(USAGE);
      return 0;
    }
    if (args.command === 'import') {
      const m = await lstmvisImport(args);
      io.log(
        `cellscope lstmvis: imported "${m.lstmvis.name}": ${m.streams.length} streams (${m.streams.map((s) => `${s.source} → ${s.name}`).join(', ')}), ${m.tracks.length} meta tracks, ${m.tokens} tokens → ${args.out}`
      );
      for (const w of m.lstmvis.warnings) io.log(`  warning: ${w}`);
      return 0;
    }
    const r = await lstmvisExport(args);
    io.log(
      `cellscope lstmvis: exported "${r.name}": ${r.streams} streams, ${r.tokens} tokens → ${args.out} (${r.files.join(', ')})`
    );
    for (const n of r.notes) io.log(`  note: ${n}`);
    return 0;
  } catch (e) {
    io.error(`cellscope lstmvis: ${errorLine(e)}`);
    if (process.env.CELLSCOPE_DEBUG) io.error(String((e as Error)?.stack ?? e));
    return 1;
  }
}
