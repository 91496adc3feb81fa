/** Stream ids and layout: `L{k}.{fwd|bwd}.{kind}`, one row per timestep (DESIGN.md). */
import type { LayerTap } from '../onnx';

export type Direction = 'fwd' | 'bwd';
export type StreamKind = 'h' | 'c' | 'i' | 'f' | 'o' | 'g' | 'z' | 'r' | 'n';

export interface StreamSpec {
  id: string;
  layer: number;
  dir: Direction;
  kind: StreamKind;
  units: number;
}

export const streamId = (layer: number, dir: Direction, kind: StreamKind) =>
  `L${layer}.${dir}.${kind}`;

/** The streams this recorder version writes: h of every layer and direction. */
export function planStreams(taps: LayerTap[]): StreamSpec[] {
  const out: StreamSpec[] = [];
  for (const tap of taps) {
    const dirs: Direction[] = tap.directions === 2 ? ['fwd', 'bwd'] : ['fwd'];
    for (const dir of dirs) {
      out.push({
        id: streamId(tap.layer, dir, 'h'),
        layer: tap.layer,
        dir,
        kind: 'h',
        units: tap.hiddenSize
      });
    }
  }
  return out;
}
