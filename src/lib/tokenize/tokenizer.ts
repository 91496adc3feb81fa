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

function vocabIndex(spec: TokenizerSpec) {
  const index = new Map<string, number>();
  spec.vocab.forEach((v, i) => {
    if (!index.has(v)) index.set(v, i);
  });
  return { index, unkId: spec.unk != null ? index.get(spec.unk) : undefined };
}

function unknownError(token: string): TokenizerError {
  return new TokenizerError(
    `The token ${JSON.stringify(token)} is not in the model's vocabulary and the vocabulary has no unknown token.`
  );
}

/** Whitespace-separated words; offsets point at each word's first character. */
function wordTokenizer(spec: TokenizerSpec): Tokenizer {
  const { index, unkId } = vocabIndex(spec);
  return {
    spec,
    vocabSize: spec.vocab.length,
    token: (id) => spec.vocab[id] ?? '',
    encode(text) {
      const ids: number[] = [];
      const offsets: number[] = [];
      let unknown = 0;
      const examples = new Set<string>();
      for (const m of text.matchAll(/\S+/g)) {
        const word = spec.lowercase ? m[0].toLowerCase() : m[0];
        let id = index.get(word);
        if (id === undefined) {
          if (unkId === undefined) throw unknownError(word);
          id = unkId;
          unknown++;
          if (examples.size < 20) examples.add(m[0]);
        }
        ids.push(id);
        offsets.push(m.index!);
      }
      return {
        ids: Int32Array.from(ids),
        offsets: Uint32Array.from(offsets),
        unknown,
        unknownExamples: [...examples]
      };
    }
  };
}

function charTokenizer(spec: TokenizerSpec): Tokenizer {
  const { index, unkId } = vocabIndex(spec);
  return {
    spec,
    vocabSize: spec.vocab.length,
    token: (id) => spec.vocab[id] ?? '',
    encode(text) {
      const ids = new Int32Array(text.length);
      const offsets = new Uint32Array(text.length);
      let n = 0;
      let unknown = 0;
      const examples = new Set<string>();
      // Iterate by code point so a character outside the BMP is one token, not two halves.
      for (let i = 0; i < text.length;) {
        const cp = text.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        const key = spec.lowercase ? ch.toLowerCase() : ch;
        let id = index.get(key);
        if (id === undefined) {
          if (unkId === undefined) throw unknownError(ch);
          id = unkId;
          unknown++;
          if (examples.size < 20) examples.add(ch);
        }
        ids[n] = id;
        offsets[n] = i;
        n++;
        i += ch.length;
      }
      return {
        ids: ids.slice(0, n),
        offsets: offsets.slice(0, n),
        unknown,
        unknownExamples: [...examples]
      };
    }
  };
}
