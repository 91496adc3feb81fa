/** Checks a corpus before anything is stored: it must be non-empty text. */

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/**
 * Decode corpus bytes as UTF-8 and refuse what is not text: empty files, and files with NUL
 * bytes or many invalid UTF-8 sequences (binaries, images, archives).
 */
export function validateCorpusText(bytes: Uint8Array, name: string): string {
  if (bytes.length === 0) {
    throw new CorpusError(`"${name}" is empty. Choose a text file with the corpus to record.`);
  }
  const sample = bytes.subarray(0, 64 * 1024);
  if (sample.includes(0)) {
    throw new CorpusError(
      `"${name}" looks like a binary file (it contains NUL bytes). Choose a UTF-8 text file.`
    );
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  if (bad > Math.max(8, text.length * 0.01)) {
    throw new CorpusError(
      `"${name}" is not UTF-8 text (${bad} undecodable bytes). Convert it to UTF-8 or choose a text file.`
    );
  }
  if (text.trim().length === 0) {
    throw new CorpusError(`"${name}" holds only whitespace. Choose a file with text to record.`);
  }
  return text;
}
