/**
 * Decoding a text file the user gave (a corpus, a vocabulary): UTF-8 only, and when it is not,
 * a sentence that names the file, what it is instead (UTF-16, UTF-32, binary, another 8-bit
 * encoding) and what to do. One decoder for the browser and the record command.
 */

export type DecodedText = { text: string } | { problem: string };

const ICONV_HINT = (from: string) => `(in an editor, or with iconv -f ${from} -t UTF-8)`;

/** Decode UTF-8 bytes (a leading UTF-8 byte order mark is dropped), or say why they are not. */
export function decodeUtf8Text(bytes: Uint8Array, name: string): DecodedText {
  const wide = wideEncoding(bytes);
  if (wide) {
    return {
      problem:
        `"${name}" is ${wide.startsWith('UTF-32') ? 'UTF-32' : 'UTF-16'} text, not UTF-8. ` +
        `Save it as UTF-8 ${ICONV_HINT(wide)} and try again.`
    };
  }
  if (bytes.subarray(0, 64 * 1024).includes(0)) {
    return {
      problem: `"${name}" looks like a binary file (it contains NUL bytes). Choose a UTF-8 text file.`
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0');
    const line = bytes.subarray(0, at).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
    return {
      problem:
        `"${name}" is not UTF-8 text: byte 0x${byte} at offset ${at} (line ${line}) does not fit. ` +
        `Convert the file to UTF-8 ${ICONV_HINT('latin1')}.`
    };
  }
}

/**
 * The iconv name of a UTF-16 or UTF-32 encoding, from its byte order mark or, without one, from
 * zero bytes in every other position (ASCII-range text in UTF-16); null for anything else.
 */
export function wideEncoding(bytes: Uint8Array): string | null {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'UTF-32LE' : 'UTF-16LE';
  if (a === 0xfe && b === 0xff) return 'UTF-16BE';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32BE';
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n === 0) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  // Zeros in one parity for most pairs, and (almost) never in the other.
  if (odd >= 0.3 * pairs && even <= 0.02 * pairs) return 'UTF-16LE';
  if (even >= 0.3 * pairs && odd <= 0.02 * pairs) return 'UTF-16BE';
  return null;
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
