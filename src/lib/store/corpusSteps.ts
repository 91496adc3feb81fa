/**
 * A corpus as the steps a model runs over: a text tokenized document by document, or a CSV time
 * series whose rows are the steps (fed as float features; their "token" text is the row's line).
 * One place for the recorder, the record form's estimate and the untrained twin.
 */
import { ModelFormatError } from '../onnx/proto';
import type { FeatureSteps } from '../record/featureFeed';
import { encodeDocuments, type EncodedCorpus } from '../tokenize/documents';
import { featureColumns, featureMatrix, parseSeriesCsv } from '../tokenize/series';
import type { LoadedCorpus, ModelRow } from './db';
import { modelTokenizer } from './library';

export type CorpusSteps = EncodedCorpus & { features: FeatureSteps | null };

/** Tokenize a text corpus, or read a CSV corpus's feature rows; refuses a mismatched pair. */
export function corpusSteps(model: ModelRow, corpus: LoadedCorpus): CorpusSteps {
  const featureInput = model.info.featureInput;
  if (!corpus.series) {
    if (featureInput)
      throw new ModelFormatError(
        `"${model.name}" takes float features per step: record it over a CSV corpus (a header row, one row per step), not over the text "${corpus.name}".`
      );
    return {
      ...encodeDocuments(modelTokenizer(model), corpus.text, corpus.documents),
      features: null
    };
  }
  if (!featureInput)
    throw new ModelFormatError(
      `"${corpus.name}" is a CSV time series, but "${model.name}" takes token ids: record a float-feature model over it, or add the text as a text corpus.`
    );
  const table = parseSeriesCsv(corpus.text, corpus.name);
  const columns = featureColumns(table, featureInput.columns, featureInput.width);
  return {
    ids: new Int32Array(table.rows),
    offsets: table.rowStarts,
    unknown: 0,
    unknownExamples: [],
    documentStarts: table.documentStarts,
    features: {
      input: featureInput,
      data: featureMatrix(table, columns),
      width: columns.length
    }
  };
}
