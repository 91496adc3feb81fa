/**
 * Many faint lines drawn fast: each unit's polyline over the window is rasterised into a count
 * image (one vertical span per pixel column between consecutive points), then counts become
 * alpha. Same look as stroking hundreds of paths at low opacity, a fraction of the cost. No DOM.
 */
export function lineDensity(
  values: Float32Array,
  steps: number,
  units: number,
  skip: Set<number>,
  cellWidth: number,
  width: number,
  height: number,
  /** the y scale as py = a · v + b (a linear scale, inlined: it runs per value) */
  a: number,
  b: number
): Uint16Array {
  const counts = new Uint16Array(width * height);
  const ys = new Int32Array(steps);
  for (let u = 0; u < units; u++) {
    if (skip.has(u)) continue;
    for (let i = 0; i < steps; i++) {
      const py = Math.round(a * values[i * units + u] + b);
      ys[i] = py < 0 ? 0 : py >= height ? height - 1 : py;
    }
    if (cellWidth < 4) {
      // Zoomed out, hundreds of steps per line: connecting them would paint whole columns
      // (and cost ~100× more); each step's value is a point, which reads as a density.
      for (let i = 0; i < steps; i++) {
        const x0 = Math.floor(i * cellWidth);
        const x1 = Math.min(width, Math.floor((i + 1) * cellWidth));
        for (let x = x0; x < x1; x++) counts[ys[i] * width + x]++;
      }
      continue;
    }
    for (let i = 0; i < steps; i++) {
      // From this point's centre to the next one's: a horizontal run, then a vertical span.
      const x0 = Math.floor((i + 0.5) * cellWidth);
      const x1 = i + 1 < steps ? Math.floor((i + 1.5) * cellWidth) : x0 + 1;
      const a = ys[i];
      const b = i + 1 < steps ? ys[i + 1] : a;
      for (let x = x0; x < x1 && x < width; x++) {
        // Interpolate y across the run so steep segments stay connected.
        const ya = a + ((b - a) * (x - x0)) / Math.max(1, x1 - x0);
        const yb = a + ((b - a) * (x + 1 - x0)) / Math.max(1, x1 - x0);
        const lo = Math.round(Math.min(ya, yb));
        const hi = Math.round(Math.max(ya, yb));
        for (let py = lo; py <= hi; py++) counts[py * width + x]++;
      }
    }
  }
  return counts;
}

/** Counts to RGBA: one line at `alpha`, overlapping lines add up (capped at 0.85). */
export function paintDensity(
  counts: Uint16Array,
  rgb: [number, number, number],
  alpha: number,
  out: Uint8ClampedArray
): void {
  const lut = new Uint8ClampedArray(256);
  for (let c = 0; c < 256; c++) lut[c] = 255 * Math.min(0.85, 1 - Math.pow(1 - alpha, c));
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!c) continue;
    out[i * 4] = rgb[0];
    out[i * 4 + 1] = rgb[1];
    out[i * 4 + 2] = rgb[2];
    out[i * 4 + 3] = lut[c > 255 ? 255 : c];
  }
}
