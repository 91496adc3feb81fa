/**
 * Stream ids and layout: `L{k}.{fwd|bwd}.{kind}` — k counts recurrent layers from the input
 * (0-based, graph order); kind is h, c or a gate (LSTM i, f, o, g; GRU z, r, n). One row per
 * timestep: the state right after that token, a backward direction indexed by input position like
 * ONNX `Y` (README, "What is recorded").
 */
import type { LayerTap } from '../onnx/surgery';

export type Direction = 'fwd' | 'bwd';
export type StreamKind = 'h' | 'c' | 'i' | 'f' | 'o' | 'g' | 'z' | 'r' | 'n';

export interface StreamSpec {
  id: string;
  layer: number;
  dir: Direction;
  /** A recurrent state kind, or 'tensor' for a named tensor the user picked. */
  kind: StreamKind | 'tensor';
  units: number;
  /** For kind 'tensor': the tensor's name in the graph. */
  tensor?: string;
  /** Known value range (from the activation functions), used by the 8-bit tile codec; else null. */
  range: [number, number] | null;
}

const ACT_RANGE: Record<string, [number, number]> = {
  sigmoid: [0, 1],
  hardsigmoid: [0, 1],
  tanh: [-1, 1],
  softsign: [-1, 1]
};

/** Range of a stream's values implied by the layer's activations (direction d). */
function streamRange(
  tap: Pick<LayerTap, 'op' | 'layerInfo'>,
  d: number,
  kind: StreamKind
): [number, number] | null {
  const per = tap.op === 'LSTM' ? 3 : tap.op === 'GRU' ? 2 : 1;
  const acts = tap.layerInfo.activations;
  const act = (i: number) => ACT_RANGE[(acts[per * d + i] ?? acts[i] ?? '').toLowerCase()] ?? null;
  const within01 = (r: [number, number] | null) => !!r && r[0] >= 0 && r[1] <= 1;
  if (tap.op === 'LSTM') {
    if (kind === 'c') return null;
    if (kind === 'g') return act(1);
    if (kind === 'h') return within01(act(0)) ? act(2) : null;
    return act(0);
  }
  if (tap.op === 'GRU') return kind === 'z' || kind === 'r' ? act(0) : act(1);
  return act(0);
}

/** A named tensor recorded per token: it must have the time axis (leading axes of size 1). */
export interface TensorPick {
  name: string;
  units: number;
}

export const tensorStreamId = (name: string) => `tensor:${name}`;

export function tensorStreams(picks: TensorPick[]): StreamSpec[] {
  return picks.map((p) => ({
    id: tensorStreamId(p.name),
    layer: -1,
    dir: 'fwd',
    kind: 'tensor',
    units: p.units,
    tensor: p.name,
    range: null
  }));
}

/**
 * Units of a tensor recorded per token, from its shape on a probe of `steps` tokens: the first
 * axis of that size is time, every axis before it must be 1. null when it has no time axis.
 */
export function unitsPerToken(shape: number[], steps: number): number | null {
  const axis = shape.indexOf(steps);
  if (axis < 0 || shape.slice(0, axis).some((d) => d !== 1)) return null;
  return shape.slice(axis + 1).reduce((a, b) => a * b, 1);
}

export const KINDS: Record<LayerTap['op'], StreamKind[]> = {
  LSTM: ['h', 'c', 'i', 'f', 'o', 'g'],
  GRU: ['h', 'z', 'r', 'n'],
  RNN: ['h']
};

export const streamId = (layer: number, dir: Direction, kind: StreamKind) =>
  `L${layer}.${dir}.${kind}`;

/** Which direction names a tap's direction index d has: a lone reverse direction is "bwd". */
export function directionName(tap: Pick<LayerTap, 'direction'>, d: number): Direction {
  return d === 1 || tap.direction === 'reverse' ? 'bwd' : 'fwd';
}

/** Parse a `--streams` value: "all", "h", "h,c", or any list of kinds. */
export function parseKinds(spec: string): Set<StreamKind> {
  if (spec === 'all') return new Set(['h', 'c', 'i', 'f', 'o', 'g', 'z', 'r', 'n']);
  const all = new Set<string>(['h', 'c', 'i', 'f', 'o', 'g', 'z', 'r', 'n']);
  const kinds = spec.split(',').map((s) => s.trim());
  const bad = kinds.filter((k) => !all.has(k));
  if (bad.length || !kinds.length) {
    throw new Error(
      `Unknown stream kind(s) ${bad.map((k) => JSON.stringify(k)).join(', ')}: ` +
        'use all, or a comma-separated list of h, c, i, f, o, g, z, r, n.'
    );
  }
  return new Set(kinds as StreamKind[]);
}

/** Kinds other than h need the internal taps (c_t and gates). */
export const needsInternals = (kinds: Set<StreamKind>) => [...kinds].some((k) => k !== 'h');

/** The streams a recording of these taps holds, in layer / direction / kind order. */
export function planStreams(
  taps: LayerTap[],
  kinds: Set<StreamKind> = new Set(['h'])
): StreamSpec[] {
  const out: StreamSpec[] = [];
  for (const tap of taps) {
    for (let d = 0; d < tap.directions; d++) {
      const dir = directionName(tap, d);
      for (const kind of KINDS[tap.op]) {
        if (!kinds.has(kind)) continue;
        if (kind !== 'h' && !tap.internals?.gates) continue;
        out.push({
          id: streamId(tap.layer, dir, kind),
          layer: tap.layer,
          dir,
          kind,
          units: tap.hiddenSize,
          range: streamRange(tap, d, kind)
        });
      }
    }
  }
  return out;
}
