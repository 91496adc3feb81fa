/**
 * The zoo of bundled trained models, each with its example corpus and the unit its card names
 * (models/NAME.md; the claim itself is models/NAME.claims.json, tested by
 * tests/unit/modelCard.test.ts): one click records the model over the corpus and opens the
 * explorer on that unit. Model and corpus enter the library only when asked for.
 */
import { asset } from '$app/paths';
import codeLstmClaims from '../../models/code-lstm.claims.json';
import codeLstmUrl from '../../models/code-lstm.onnx?url';
import kjvClaims from '../../models/kjv-word-lstm.claims.json';
import kjvUrl from '../../models/kjv-word-lstm.onnx?url';
import kjvBookClaims from '../../models/kjv-book-bilstm.claims.json';
import kjvBookUrl from '../../models/kjv-book-bilstm.onnx?url';
import minGruClaims from '../../models/min-gru.claims.json';
import minGruUrl from '../../models/min-gru.onnx?url';
import parenRnnClaims from '../../models/paren-rnn.claims.json';
import proseGruClaims from '../../models/prose-gru.claims.json';
import proseGruUrl from '../../models/prose-gru.onnx?url';
import seriesClaims from '../../models/series-lstm.claims.json';
import seriesUrl from '../../models/series-lstm.onnx?url';
import parenRnnUrl from '../../models/paren-rnn.onnx?url';
import { BUILTIN_TRACKS } from './analysis/builtinTracks';
import { addCorpus, addModel, type DocumentMode } from './store/library';
import type { CellscopeDB, CorpusRow, ModelRow } from './store/db';

export interface ZooClaim {
  /** a built-in track, or a track file's column (shown by name) */
  builtin?: string;
  column?: string;
  /** the column's category, for a labelled column */
  category?: string;
  stream: string;
  unit: number;
  score: number;
  heldout: number;
}

export interface ZooEntry {
  id: string;
  title: string;
  /** one line: the architecture, the data and the held-out metric */
  summary: string;
  modelUrl: string;
  modelName: string;
  corpusPath: string;
  corpusName: string;
  /** streams to record */
  kinds: string;
  /** how the corpus splits into documents (default: one, the whole file) */
  documents?: DocumentMode;
  /** the unit the card names (the first claim) */
  claim: ZooClaim;
  /** the corpus is a CSV time series (its columns are tracks: the claim's column among them) */
  series?: boolean;
}

export const ZOO: ZooEntry[] = [
  {
    id: 'code-lstm',
    title: 'Character LSTM on C code',
    summary:
      '2 × 256 LSTM, trained on C headers from Debian packages; 2.13 bits per character held out.',
    modelUrl: codeLstmUrl,
    modelName: 'code-lstm.onnx',
    corpusPath: '/corpora/stb_c_lexer.h.txt',
    corpusName: 'stb_c_lexer.h',
    kinds: 'h,c',
    claim: codeLstmClaims.claims[0]
  },
  {
    id: 'paren-rnn',
    title: 'Vanilla RNN on nested parentheses',
    summary:
      '2 × 64 tanh RNN on a generated bracket language (like LSTMVis’s parens); 1.915 bits per character held out, the generator’s floor 1.911.',
    modelUrl: parenRnnUrl,
    modelName: 'paren-rnn.onnx',
    corpusPath: '/corpora/paren-rnn.txt',
    corpusName: 'paren-rnn.txt',
    kinds: parenRnnClaims.streams,
    claim: parenRnnClaims.claims[0]
  },
  {
    id: 'kjv-word-lstm',
    title: 'Word LSTM on the King James Bible',
    summary:
      '2 × 256 LSTM over the 5,000 most frequent words of the KJV (public domain); perplexity 137 on held-out books (unigram 276).',
    modelUrl: kjvUrl,
    modelName: 'kjv-word-lstm.onnx',
    corpusPath: '/corpora/kjv-mark.txt',
    corpusName: 'kjv-mark.txt',
    kinds: kjvClaims.streams,
    claim: kjvClaims.claims[0]
  },
  {
    id: 'prose-gru',
    title: 'Character GRU on English prose',
    summary:
      '2 × 256 GRU on the King James Bible (public domain); 1.77 bits per character on held-out books.',
    modelUrl: proseGruUrl,
    modelName: 'prose-gru.onnx',
    corpusPath: '/corpora/kjv-held-out.txt',
    corpusName: 'kjv-held-out.txt',
    kinds: proseGruClaims.streams,
    claim: proseGruClaims.claims[0]
  },
  {
    id: 'min-gru',
    title: 'minGRU, a gated linear recurrence',
    summary:
      '3 × 256 minGRU (Feng et al. 2024), each layer an ONNX Loop, on the King James Bible; 2.78 bits per character held out (short training).',
    modelUrl: minGruUrl,
    modelName: 'min-gru.onnx',
    corpusPath: '/corpora/kjv-held-out.txt',
    corpusName: 'kjv-held-out.txt',
    kinds: minGruClaims.streams,
    claim: minGruClaims.claims[0]
  },
  {
    id: 'kjv-book-bilstm',
    title: 'Bidirectional LSTM classifier: which part of the Bible',
    summary:
      'Word-level bidirectional LSTM (128 units each way) names the section of the King James Bible a 3-verse passage comes from, of 6; 77.5% right on held-out chapters (majority class 25.7%).',
    modelUrl: kjvBookUrl,
    modelName: 'kjv-book-bilstm.onnx',
    corpusPath: '/corpora/kjv-books.txt',
    corpusName: 'kjv-books.txt',
    kinds: kjvBookClaims.streams,
    documents: { kind: 'blank-lines' },
    claim: kjvBookClaims.claims[0]
  },
  {
    id: 'series-lstm',
    title: 'LSTM forecaster on a time series',
    summary:
      '2 × 64 LSTM forecasting the next hour of a generated power-grid series (load, temp, wind, price) with daily and weekly cycles and calm/storm regimes; MSE 0.114 held out (persistence 0.214).',
    modelUrl: seriesUrl,
    modelName: 'series-lstm.onnx',
    corpusPath: '/corpora/series-forecast.csv',
    corpusName: 'series-forecast.csv',
    kinds: seriesClaims.streams,
    claim: seriesClaims.claims[0],
    series: true
  }
];

/** The track's name as the Tracks panel shows it. */
export const claimTrackName = (c: ZooClaim) =>
  BUILTIN_TRACKS.find((b) => b.id === c.builtin)?.name ??
  c.builtin ??
  `${(c.column ?? '').replace(/_/g, ' ')}${c.category ? ` is ${c.category}` : ''}`;

/** The explorer link that shows the entry's unit: its stream, its page, and the claim's track. */
export function showcaseQuery(entry: ZooEntry, recordingId: number): string {
  const { stream, unit, builtin } = entry.claim;
  const p = new URLSearchParams({ rec: String(recordingId), stream, unit: `${stream}:${unit}` });
  // A track file cannot ride in a link (the unit page still shows the unit); a column of a
  // time-series corpus can.
  if (builtin) p.set('track', `builtin:${builtin}`);
  else if (entry.series && entry.claim.column) p.set('track', `csv:${entry.claim.column}`);
  return `?${p}`;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load the bundled file ${url} (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The entry's model and corpus in the library (added now when missing). */
export async function ensureZooEntry(
  db: CellscopeDB,
  entry: ZooEntry
): Promise<{ model: ModelRow; corpus: CorpusRow }> {
  const [modelBytes, corpusBytes] = await Promise.all([
    fetchBytes(entry.modelUrl),
    fetchBytes(asset(entry.corpusPath))
  ]);
  const demo = entry.id === 'code-lstm';
  const model = await addModel(db, modelBytes, entry.modelName, demo);
  const corpus = await addCorpus(
    db,
    corpusBytes,
    entry.corpusName,
    demo,
    entry.series ? { kind: 'csv' } : (entry.documents ?? { kind: 'whole' })
  );
  return { model, corpus };
}
