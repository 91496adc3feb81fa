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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new CorpusError(
      `"${name}" is not UTF-8 text: byte 0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')} at offset ${at} ` +
        'does not fit. Convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8).'
    );
  }
  if (text.trim().length === 0) {
    throw new CorpusError(`"${name}" holds only whitespace. Choose a file with text to record.`);
  }
  return text;
}

/** Offset of the first byte that breaks UTF-8 (overlong forms and surrogates included). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
      if (
        k === 1 &&
        ((b === 0xe0 && c < 0xa0) ||
          (b === 0xed && c > 0x9f) ||
          (b === 0xf0 && c < 0x90) ||
          (b === 0xf4 && c > 0x8f))
      ) {
        return i;
      }
    }
    i += n + 1;
  }
  return -1;
}
