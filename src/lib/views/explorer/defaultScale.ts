/**
 * The select view's default scale for a stream. Streams no activation bounds — cell states c and
 * picked tensors — have units whose ranges differ by orders of magnitude (one c unit swings over
 * ±1, the next over ±200), so no single raw θ fits them: they default to z-score per unit. h and
 * the gates (tanh, sigmoid) stay raw. By kind, not by the stored range: a Zarr store carries none.
 */
import type { Normalization } from '../../analysis/threshold';
import type { StreamSpec } from '../../record/streams';

export function defaultNormalization(stream: Pick<StreamSpec, 'kind'> | undefined): Normalization {
  return stream && (stream.kind === 'c' || stream.kind === 'tensor') ? 'zscore' : 'raw';
}

/** The default per stream id of a recording (an id it does not have, or none: `current`'s). */
export function streamNormalization(
  streams: Pick<StreamSpec, 'id' | 'kind'>[],
  current: string
): (id: string | null) => Normalization {
  return (id) =>
    defaultNormalization(streams.find((s) => s.id === id) ?? streams.find((s) => s.id === current));
}
