export { createTokenizer, parseTokenizerSpec, TokenizerError } from './tokenizer';
export type { Encoded, Tokenizer, TokenizerSpec } from './tokenizer';
export { validateCorpusText, CorpusError } from './corpus';
export { lineStarts, lineCol } from './lines';
export { parseVocabFile } from './vocab';
