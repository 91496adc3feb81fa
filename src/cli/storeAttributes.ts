/**
 * The attributes of a recording's Zarr group (`cellscope`): the run's manifest without what
 * belongs to the .npy directory (its corpus files and output files: the store holds its own text
 * and tokens), plus what the store's reader needs — the LM head, the chunk height, the streams and
 * the documents. An unsharded run and `--finalize` both build them here, so a store recorded in
 * shards says what an unsharded one says (but for createdAt).
 */
import type { RecordCommandOptions } from './recordCommand';
import type { FileEntry } from './recordOutputs';
import type { TextInput, ZarrLm } from './recordText';

export const DEFAULT_CHUNK_ROWS = 4096;

/** The store's chunk height along time: --chunk (default 4096), whatever the recorder's runs. */
export const chunkRowsOf = (opts: RecordCommandOptions) => opts.chunk ?? DEFAULT_CHUNK_ROWS;

/** Each document: its name, first token, and its characters [start, end) in the stored text. */
export function storeDocuments({ documents, encoded }: Pick<TextInput, 'documents' | 'encoded'>) {
  return documents.map((d, i) => ({
    name: d.name,
    start: encoded.documentStarts[i],
    chars: [d.start, d.end]
  }));
}

export function storeAttributes(
  manifest: { streams: FileEntry[] } & Record<string, unknown>,
  lm: ZarrLm | null,
  opts: RecordCommandOptions,
  text: Pick<TextInput, 'documents' | 'encoded'>
): Record<string, unknown> {
  const { corpus: _corpus, outputs: _outputs, ...rest } = manifest;
  return {
    ...rest,
    ...(lm ? { lm } : {}),
    chunkRows: chunkRowsOf(opts),
    streamSpecs: manifest.streams.map((f) => ({ id: f.name, units: f.shape[1] })),
    documents: storeDocuments(text)
  };
}
