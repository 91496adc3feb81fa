/** Tokenizers turn corpus text into model input ids, remembering where each token starts. */

export interface TokenizerSpec {
  type: 'char' | 'word' | 'ids';
  vocab: string[];
  unk?: string | null;
  lowercase?: boolean;
  bos?: string | null;
  eos?: string | null;
}

export interface Encoded {
  ids: Int32Array;
  /** UTF-16 offset of each token's first character in the text. */
  offsets: Uint32Array;
  /** Tokens not in the vocabulary, mapped to the unknown token. */
  unknown: number;
  /** Distinct out-of-vocabulary strings (first 20), for the message shown to the user. */
  unknownExamples: string[];
}

export interface Tokenizer {
  readonly spec: TokenizerSpec;
  readonly vocabSize: number;
  encode(text: string): Encoded;
  /** Display text of a token id. */
  token(id: number): string;
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export function parseTokenizerSpec(json: string): TokenizerSpec {
  let spec: unknown;
  try {
    spec = JSON.parse(json);
  } catch {
    throw new TokenizerError("The model's cellscope.tokenizer metadata is not valid JSON.");
  }
  const s = spec as Partial<TokenizerSpec>;
  if (
    !s ||
    (s.type !== 'char' && s.type !== 'word' && s.type !== 'ids') ||
    !Array.isArray(s.vocab)
  ) {
    throw new TokenizerError(
      'The model\'s cellscope.tokenizer metadata needs {"type": "char"|"word"|"ids", "vocab": [...]}.'
    );
  }
  if (!s.vocab.every((v) => typeof v === 'string')) {
    throw new TokenizerError('Every vocabulary entry in cellscope.tokenizer must be a string.');
  }
  return s as TokenizerSpec;
}

export function createTokenizer(spec: TokenizerSpec): Tokenizer {
  if (spec.type === 'char') return charTokenizer(spec);
  if (spec.type === 'word') return wordTokenizer(spec);
  throw new TokenizerError(
    `Tokenizer type "${spec.type}" takes token ids, not text; feed the ids with --feed instead of --text.`
  );
}

/**
 * Token → id for one encode() call: unknown tokens map to the unknown token (or throw when the
 * vocabulary has none) and are counted, with up to 20 distinct examples kept for the message.
 */
function vocabLookup(spec: TokenizerSpec) {
  const index = new Map<string, number>();
  spec.vocab.forEach((v, i) => {
    if (!index.has(v)) index.set(v, i);
  });
  const unkId = spec.unk != null ? index.get(spec.unk) : undefined;
  return () => {
    let unknown = 0;
    const examples = new Set<string>();
    return {
      id(token: string): number {
        const id = index.get(spec.lowercase ? token.toLowerCase() : token);
        if (id !== undefined) return id;
        if (unkId === undefined) {
          throw new TokenizerError(
            `The token ${JSON.stringify(token)} is not in the model's vocabulary and the vocabulary has no unknown token.`
          );
        }
        unknown++;
        if (examples.size < 20) examples.add(token);
        return unkId;
      },
      unknowns: () => ({ unknown, unknownExamples: [...examples] })
    };
  };
}

function tokenizer(spec: TokenizerSpec, encode: Tokenizer['encode']): Tokenizer {
  return { spec, vocabSize: spec.vocab.length, token: (id) => spec.vocab[id] ?? '', encode };
}

/** Whitespace-separated words; offsets point at each word's first character. */
function wordTokenizer(spec: TokenizerSpec): Tokenizer {
  const lookup = vocabLookup(spec);
  return tokenizer(spec, (text) => {
    const l = lookup();
    const ids: number[] = [];
    const offsets: number[] = [];
    for (const m of text.matchAll(/\S+/g)) {
      ids.push(l.id(m[0]));
      offsets.push(m.index!);
    }
    return { ids: Int32Array.from(ids), offsets: Uint32Array.from(offsets), ...l.unknowns() };
  });
}

function charTokenizer(spec: TokenizerSpec): Tokenizer {
  const lookup = vocabLookup(spec);
  return tokenizer(spec, (text) => {
    const l = lookup();
    const ids = new Int32Array(text.length);
    const offsets = new Uint32Array(text.length);
    let n = 0;
    // Iterate by code point so a character outside the BMP is one token, not two halves.
    for (let i = 0; i < text.length;) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      ids[n] = l.id(ch);
      offsets[n++] = i;
      i += ch.length;
    }
    return { ids: ids.slice(0, n), offsets: offsets.slice(0, n), ...l.unknowns() };
  });
}
