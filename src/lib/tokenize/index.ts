export { createTokenizer, parseTokenizerSpec, TokenizerError } from './tokenizer';
export type { Encoded, Tokenizer, TokenizerSpec } from './tokenizer';
export { validateCorpusText, CorpusError } from './corpus';
export { lineStarts, lineCol } from './lines';
export { parseVocabFile, readVocabFile } from './vocab';
export { parseFeatureCsv, CsvError } from './csv';
export type { FeatureTable } from './csv';
export {
  splitText,
  jsonlDocuments,
  joinDocuments,
  encodeDocuments,
  DocumentError
} from './documents';
export type { DocumentSpan, EncodedCorpus } from './documents';
