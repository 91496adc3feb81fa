/**
 * Interventions on recurrent units: which stream, which units, set or scale, over which steps.
 * One description for the browser's re-runs and the record command's `--clamp STREAM:UNIT=VALUE`.
 * Steps count in the whole recording (input positions); a chunk or window sees them as local steps.
 */
import type { LayerTap } from '../onnx/surgery';
import type { DirectionClamps, UnitClamp } from './clampedCells';
import { directionName, streamId, type StreamSpec } from './streams';

export interface Intervention {
  /** `L{k}.{fwd|bwd}.h` or `L{k}.{fwd|bwd}.c` (LSTM). */
  stream: string;
  units: number[];
  /** set: the value replaces the unit's; scale: it multiplies it (zero is set 0). */
  op: 'set' | 'scale';
  value: number;
  /** First step it applies at (default 0) and the step after the last (default: the end). */
  from?: number;
  to?: number;
}

export class InterventionError extends Error {}

const CLAMP = /^(L\d+\.(?:fwd|bwd)\.[hc]):(\d+)=(.+)$/;

/** `L0.fwd.c:177=0` → set unit 177 of L0.fwd.c to 0 at every step. */
export function parseClamp(spec: string): Intervention {
  const m = CLAMP.exec(spec.trim());
  const value = m ? Number(m[3]) : NaN;
  if (!m || !Number.isFinite(value) || m[3].trim() === '') {
    throw new InterventionError(
      `--clamp ${JSON.stringify(spec)}: write STREAM:UNIT=VALUE, e.g. L0.fwd.c:177=0 (stream h or c, a unit number, a finite value).`
    );
  }
  return { stream: m[1], units: [Number(m[2])], op: 'set', value };
}

/** The layer and direction a stream id names, with its kind. */
function locate(taps: LayerTap[], stream: string) {
  for (const tap of taps) {
    for (let d = 0; d < tap.directions; d++) {
      const dir = directionName(tap, d);
      for (const kind of ['h', 'c'] as const)
        if (streamId(tap.layer, dir, kind) === stream) return { tap, d, kind };
    }
  }
  return null;
}

/** Refuse, naming the problem, what cannot be applied to this model. */
export function checkInterventions(taps: LayerTap[], list: Intervention[]): void {
  for (const iv of list) {
    const at = locate(taps, iv.stream);
    const known = taps
      .flatMap((t) =>
        Array.from({ length: t.directions }, (_, d) =>
          (t.op === 'LSTM' ? ['h', 'c'] : ['h']).map((k) =>
            streamId(t.layer, directionName(t, d), k as 'h')
          )
        ).flat()
      )
      .join(', ');
    if (!at || (at.kind === 'c' && at.tap.op !== 'LSTM')) {
      throw new InterventionError(
        `Cannot intervene on ${iv.stream}: interventions apply to the h or c stream of a recurrent layer (this model has ${known || 'none'}).`
      );
    }
    if (!at.tap.internals?.weights.R || !at.tap.override) {
      throw new InterventionError(
        `Cannot intervene on ${iv.stream}: the layer's weights are not constants in the model.`
      );
    }
    const H = at.tap.hiddenSize;
    const bad = iv.units.find((u) => !Number.isInteger(u) || u < 0 || u >= H);
    if (bad !== undefined || iv.units.length === 0) {
      throw new InterventionError(
        `Unit ${bad ?? '(none)'} of ${iv.stream} does not exist: units are 0 to ${H - 1}.`
      );
    }
    if (!Number.isFinite(iv.value))
      throw new InterventionError(`The value for ${iv.stream} must be a finite number.`);
    if ((iv.from ?? 0) < 0 || (iv.to !== undefined && iv.to <= (iv.from ?? 0)))
      throw new InterventionError(`The steps of the intervention on ${iv.stream} are empty.`);
  }
}

/** Layers (indices into taps) with an intervention on steps [start, end) (default: any step). */
export function intervenedLayers(
  taps: LayerTap[],
  list: Intervention[],
  start = 0,
  end = Infinity
): number[] {
  const layers = new Set<number>();
  for (const iv of list) {
    if ((iv.from ?? 0) >= end || (iv.to ?? Infinity) <= start) continue;
    const at = locate(taps, iv.stream);
    if (at) layers.add(taps.indexOf(at.tap));
  }
  return [...layers].sort((a, b) => a - b);
}

/** The clamps of one direction of a layer, in local steps of a run that starts at `start`. */
export function directionClamps(
  tap: LayerTap,
  d: number,
  list: Intervention[],
  start: number,
  steps: number
): DirectionClamps {
  const out: DirectionClamps = { h: [], c: [] };
  const dir = directionName(tap, d);
  for (const kind of ['h', 'c'] as const) {
    const id = streamId(tap.layer, dir, kind);
    for (const iv of list) {
      if (iv.stream !== id) continue;
      const from = Math.max(0, (iv.from ?? 0) - start);
      const to = Math.min(steps, (iv.to ?? Infinity) - start);
      if (to <= from) continue;
      for (const unit of iv.units) {
        const c: UnitClamp = { unit, from, to };
        if (iv.op === 'set') c.set = iv.value;
        else c.scale = iv.value;
        out[kind].push(c);
      }
    }
  }
  return out;
}

/** `L0.fwd.c:177=0` back from an intervention (one per unit), for manifests and file names. */
export function describeIntervention(iv: Intervention): string {
  const range =
    iv.from || iv.to !== undefined ? ` @${iv.from ?? 0}..${iv.to === undefined ? '' : iv.to}` : '';
  return `${iv.stream}:${iv.units.join(',')}${iv.op === 'set' ? '=' : '*='}${iv.value}${range}`;
}

/**
 * Streams whose intervened values may leave the range the activations imply (a set value outside
 * it, a scale above 1 in size) are stored without a fixed range, so the 8-bit codec never clips.
 */
export function widenIntervenedRanges(streams: StreamSpec[], list: Intervention[]): StreamSpec[] {
  return streams.map((s) => {
    const r = s.range;
    const out = list.some(
      (iv) =>
        iv.stream === s.id &&
        r &&
        (iv.op === 'set' ? iv.value < r[0] || iv.value > r[1] : Math.abs(iv.value) > 1)
    );
    return out ? { ...s, range: null } : s;
  });
}
