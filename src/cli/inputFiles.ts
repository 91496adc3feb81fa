/** What the record command reads from the user's files, and how it says what is wrong with them. */
import { readFileSync } from 'node:fs';

/** A problem with what the user gave us: printed as one line, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}

const WHY: Record<string, string> = {
  ENOENT: 'there is no such file',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied'
};

export function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const why = WHY[(e as NodeJS.ErrnoException).code ?? ''];
    throw new InputError(`Cannot read the ${what} file ${path}${why ? `: ${why}` : ''}.`);
  }
}
