/**
 * Gate saturation (Karpathy, Johnson & Fei-Fei 2015, fig. 3): for every unit of a gate stream,
 * the fraction of steps where the gate is left-saturated (value < 0.1: nearly closed) and the
 * fraction where it is right-saturated (value > 0.9: nearly open). A forget gate that is right-
 * saturated most of the time keeps its cell's memory for long.
 *
 * Stored gates are 8-bit codes (store/tiles.ts): a sigmoid gate's tile spans [0, 1], code
 * c = floor(255·v + ½) and decodes to c/255. Because 0.1·255 = 25.5 and 0.9·255 = 229.5 fall
 * exactly on code boundaries, the codes decide the thresholds exactly as the unquantised values
 * would: v < 0.1 ⟺ c ≤ 25 and v > 0.9 ⟺ c ≥ 230, for every float32 v in [0, 1] (tested
 * around both boundaries in tests/unit/gateSaturationCodes.test.ts). Any other decode (a tile
 * scaled per unit, or float32 values) is tested on the value as decoded. Pure code.
 */

export const LEFT_BELOW = 0.1;
export const RIGHT_ABOVE = 0.9;

/** A unit's values as stored: 8-bit codes decoded per segment, or floats (structural: store/codeColumn.ts). */
export interface StoredValues {
  length: number;
  codes: Uint8Array | null;
  /** first step of each segment with its own decode (value = lo + code × step; step NaN: floats) */
  starts: number[];
  lo: number[];
  step: number[];
  f32: Float32Array | null;
}

/** Per-unit saturation of one gate stream over `steps` steps. */
export interface GateSaturation {
  stream: string;
  steps: number;
  /** fraction of steps with the gate < 0.1, per unit */
  left: Float64Array;
  /** fraction of steps with the gate > 0.9, per unit */
  right: Float64Array;
}

const isLeft = (v: number) => v < LEFT_BELOW;
const isRight = (v: number) => v > RIGHT_ABOVE;

/**
 * The codes of a segment that decode (as float32, as the reader decodes them) to a saturated
 * value: codes ≤ leftMax are left-saturated, codes ≥ rightMin right-saturated (−1 / 256: none).
 * The decode rises with the code, so each set is a run at one end.
 */
export function codeLimits(lo: number, step: number): { leftMax: number; rightMin: number } {
  const value = (c: number) => Math.fround(lo + c * step);
  let leftMax = -1;
  while (leftMax < 255 && isLeft(value(leftMax + 1))) leftMax++;
  let rightMin = 256;
  while (rightMin > 0 && isRight(value(rightMin - 1))) rightMin--;
  return { leftMax, rightMin };
}

/** Counts saturated steps per unit, fed chunk by chunk (floats) or unit by unit (stored codes). */
export class SaturationCounter {
  readonly left: Float64Array;
  readonly right: Float64Array;
  /** steps counted for each unit */
  readonly counted: Float64Array;

  constructor(
    readonly stream: string,
    readonly units: number
  ) {
    this.left = new Float64Array(units);
    this.right = new Float64Array(units);
    this.counted = new Float64Array(units);
  }

  /** Rows of all units: values[r * units + u], r < rows. */
  addRows(values: Float32Array, rows: number): void {
    const U = this.units;
    if (values.length < rows * U)
      throw new RangeError(`${rows} rows of ${U} units need ${rows * U} values.`);
    for (let u = 0; u < U; u++) {
      let [l, r] = [0, 0];
      for (let i = u, n = 0; n < rows; n++, i += U) {
        const v = values[i];
        l += v < LEFT_BELOW ? 1 : 0;
        r += v > RIGHT_ABOVE ? 1 : 0;
      }
      this.left[u] += l;
      this.right[u] += r;
      this.counted[u] += rows;
    }
  }

  /** One unit over a span of steps, as stored. */
  addStored(unit: number, col: StoredValues): void {
    col.starts.forEach((s, i) => {
      const e = i + 1 < col.starts.length ? col.starts[i + 1] : col.length;
      const [l, r] = Number.isNaN(col.step[i])
        ? countFloats(col.f32!, s, e)
        : countCodes(col.codes!, s, e, codeLimits(col.lo[i], col.step[i]));
      this.left[unit] += l;
      this.right[unit] += r;
    });
    this.counted[unit] += col.length;
  }

  /** The fractions so far (0 for a unit with no steps counted). */
  result(): GateSaturation {
    const frac = (x: Float64Array) =>
      x.map((n, u) => (this.counted[u] > 0 ? n / this.counted[u] : 0));
    return {
      stream: this.stream,
      steps: this.counted.reduce((a, b) => Math.max(a, b), 0),
      left: frac(this.left),
      right: frac(this.right)
    };
  }
}

// Hot loops in their own functions, so V8 optimises each once.
function countCodes(
  codes: Uint8Array,
  s: number,
  e: number,
  { leftMax, rightMin }: { leftMax: number; rightMin: number }
): [number, number] {
  let [l, r] = [0, 0];
  for (let t = s; t < e; t++) {
    const c = codes[t];
    l += c <= leftMax ? 1 : 0;
    r += c >= rightMin ? 1 : 0;
  }
  return [l, r];
}

function countFloats(values: Float32Array, s: number, e: number): [number, number] {
  let [l, r] = [0, 0];
  for (let t = s; t < e; t++) {
    l += isLeft(values[t]) ? 1 : 0;
    r += isRight(values[t]) ? 1 : 0;
  }
  return [l, r];
}

/** Units whose gate is right-saturated more than `above` of the time (forget gates: long memory). */
export function mostlyOpen(s: GateSaturation, above = 0.5): number[] {
  const out: number[] = [];
  s.right.forEach((r, u) => {
    if (r > above) out.push(u);
  });
  return out;
}
