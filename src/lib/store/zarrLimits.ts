/**
 * Upper bounds on what a Zarr store opened by URL may claim. The reader checks the store's
 * metadata against them before it allocates or fetches anything sized by that metadata, so a
 * damaged or hostile store is refused with a message instead of freezing or crashing the tab.
 * Each bound is far above what the recorder writes (chunks of 4,096 rows × 64 units, a few
 * MB of text) and below what a browser tab can hold.
 */

/** A metadata document (zarr.json, .zgroup, .zattrs, .zarray); the group's holds the vocabulary. */
export const MAX_METADATA_BYTES = 64 * 2 ** 20;

/** Dimensions of an array. */
export const MAX_RANK = 32;

/** Decoded bytes of one chunk: zarrita decodes a whole chunk to read any part of it. */
export const MAX_CHUNK_BYTES = 256 * 2 ** 20;

/** Tokens (time steps) of a recording. */
export const MAX_TOKENS = 100_000_000;

/** Streams in a recording, and units of one stream. */
export const MAX_STREAMS = 4096;
export const MAX_UNITS = 65_536;

/**
 * Recorder chunks (the reader keeps one start per chunk) and the values one tile read decodes
 * (recorder chunk rows × a stream's units, as float32: 128 MiB).
 */
export const MAX_CHUNKS = 1_000_000;
export const MAX_READ_VALUES = 2 ** 25;

/** Store chunks one read of a recorder chunk may touch (each is one request). */
export const MAX_FETCHES_PER_READ = 1024;

/** The corpus text (UTF-8 bytes) is read whole on open, in at most this many chunks. */
export const MAX_TEXT_BYTES = 256 * 2 ** 20;
export const MAX_TEXT_CHUNKS = 1024;

/** k of the stored top-k predictions, and entries of the vocabulary. */
export const MAX_TOP_K = 1000;
export const MAX_VOCAB = 10_000_000;
