/**
 * The lstmvis command's arguments: import or export, a source directory and --out, checked before
 * any file is read. Every problem is an InputError with one line naming the option.
 */
import { parseArgs } from 'node:util';
import { InputError } from './inputFiles';

export const USAGE =
  'usage: npm run lstmvis -- import PROJECT_DIR --out RECDIR [--stream PATH=ID]... [--force]\n' +
  '       npm run lstmvis -- export RECDIR --out PROJECT_DIR [--vocab FILE] [--force]\n' +
  '  import  an LSTMVis project (lstm.yml, HDF5 states, .dict) as npm run record writes a\n' +
  '          recording: manifest.json, one float32 .npy per stream, the corpus, and its meta\n' +
  '          tracks (tracks.csv, for npm run analyze -- rank --track)\n' +
  '  --stream PATH=ID  the stream id of the state dataset PATH (default: type state → L{layer-1}.fwd.c,\n' +
  '          output → L{layer-1}.fwd.h); e.g. --stream states1=L0.fwd.h for h stored as a state\n' +
  '  export  a recording of npm run record (or of import) as an LSTMVis project: lstm.yml,\n' +
  '          states.hdf5, train.hdf5, train.dict, meta.hdf5 (tracks, the LM head top-5)\n' +
  '  --vocab FILE  the vocabulary the recording was made with (as for npm run record), so that\n' +
  '          train.dict names every id; without it tokens are read from the corpus text, and the\n' +
  "          LM head's predictions are left out\n" +
  '  --force       write into a non-empty --out';

const OPTIONS = {
  out: { type: 'string' },
  stream: { type: 'string', multiple: true },
  vocab: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean' }
} as const;

const SEE_HELP = 'See npm run lstmvis -- --help.';

export type LstmvisArgs =
  | { command: 'help' }
  | {
      command: 'import';
      project: string;
      out: string;
      streams: Map<string, string>;
      force: boolean;
    }
  | { command: 'export'; recording: string; out: string; vocab?: string; force: boolean };

export function parseLstmvisArgs(argv: string[]): LstmvisArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, tokens: true });
  } catch (e) {
    throw new InputError(`${(e as Error).message.split('\n')[0]} ${SEE_HELP}`);
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return { command: 'help' };
  const [command, source, ...extra] = positionals;
  if (command !== 'import' && command !== 'export')
    throw new InputError(
      command === undefined
        ? `Give a command: import or export. ${SEE_HELP}`
        : `Unknown command "${command}": use import or export. ${SEE_HELP}`
    );
  const what = command === 'import' ? 'PROJECT_DIR' : 'RECDIR';
  if (!source) throw new InputError(`${command} needs ${what}. ${SEE_HELP}`);
  if (extra.length) throw new InputError(`Unexpected argument "${extra[0]}". ${SEE_HELP}`);
  for (const t of tokens)
    if (t.kind === 'option' && t.value === '')
      throw new InputError(`--${t.name} needs a value. ${SEE_HELP}`);
  if (!values.out) throw new InputError(`--out is required. ${SEE_HELP}`);
  if (command === 'import') {
    if (values.vocab !== undefined) throw new InputError('--vocab applies to export, not import.');
    const streams = new Map<string, string>();
    for (const s of values.stream ?? []) {
      const m = /^([^=]+)=(.+)$/.exec(s);
      if (!m)
        throw new InputError(`--stream ${s}: give PATH=ID, such as --stream states1=L0.fwd.h.`);
      if (streams.has(m[1])) throw new InputError(`--stream ${m[1]} is given twice.`);
      streams.set(m[1], m[2]);
    }
    return { command, project: source, out: values.out, streams, force: !!values.force };
  }
  if (values.stream) throw new InputError('--stream applies to import, not export.');
  return {
    command,
    recording: source,
    out: values.out,
    vocab: values.vocab,
    force: !!values.force
  };
}
