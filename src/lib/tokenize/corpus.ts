/**
 * Checks a corpus before anything is stored: it must be non-empty UTF-8 text. The one check for
 * the browser's library and the record command's --text.
 */
import { decodeUtf8Text } from './textBytes';

export { firstInvalidUtf8 } from './textBytes';

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/**
 * Decode corpus bytes as UTF-8 and refuse what is not text: empty or whitespace-only files,
 * UTF-16/UTF-32 text, files with NUL bytes (binaries, images, archives), and other encodings.
 */
export function validateCorpusText(bytes: Uint8Array, name: string): string {
  if (bytes.length === 0) {
    throw new CorpusError(`"${name}" is empty. Choose a text file with the corpus to record.`);
  }
  const decoded = decodeUtf8Text(bytes, name);
  if ('problem' in decoded) throw new CorpusError(decoded.problem);
  if (decoded.text.trim().length === 0) {
    throw new CorpusError(`"${name}" holds only whitespace. Choose a file with text to record.`);
  }
  return decoded.text;
}
