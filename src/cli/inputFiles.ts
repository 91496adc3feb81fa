/** What the record command reads from the user's files, and how it says what is wrong with them. */
import { readFileSync } from 'node:fs';

/** A problem with what the user gave us: printed as one line, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}

export function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new InputError(`Cannot read the ${what} file ${path}.`);
  }
}
