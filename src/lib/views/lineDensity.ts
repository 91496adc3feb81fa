/**
 * Many faint lines drawn fast: each unit's polyline over the window is rasterised into a count
 * image (one vertical span per pixel column between consecutive points), then counts become
 * alpha. Same look as stroking hundreds of paths at low opacity, a fraction of the cost. No DOM.
 * Counts are column-major, counts[x · height + y]: a pixel column is contiguous, which is how the
 * lines are drawn (draw the painted image with drawTransposed).
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
  if (cellWidth < 4) {
    // Zoomed out, hundreds of steps per line: connecting them would paint whole columns
    // (and cost ~100× more); each step's value is a point, which reads as a density.
    // Every unit step by step (values read in order), then the skipped ones taken out again.
    for (let i = 0; i < steps; i++) {
      const x0 = Math.floor(i * cellWidth);
      const x1 = Math.min(width, Math.floor((i + 1) * cellWidth));
      for (let x = x0; x < x1; x++) plotPoints(values, i * units, units, a, b, height, counts, x);
      for (const u of skip)
        for (let x = x0; x < x1; x++)
          counts[x * height + pixelRow(values[i * units + u], a, b, height)]--;
    }
    return counts;
  }
  // Each unit's pixel rows, unit by unit (values read once, in order).
  const ys = new Int32Array(units * steps);
  for (let i = 0; i < steps; i++)
    for (let u = 0; u < units; u++)
      ys[u * steps + i] = pixelRow(values[i * units + u], a, b, height);
  for (let u = 0; u < units; u++) {
    if (skip.has(u)) continue;
    const row = u * steps;
    for (let i = 0; i < steps; i++) {
      // From this point's centre to the next one's: a horizontal run, then a vertical span.
      const x0 = Math.floor((i + 0.5) * cellWidth);
      const x1 = i + 1 < steps ? Math.floor((i + 1.5) * cellWidth) : x0 + 1;
      const y0 = ys[row + i];
      const y1 = i + 1 < steps ? ys[row + i + 1] : y0;
      for (let x = x0; x < x1 && x < width; x++) {
        // Interpolate y across the run so steep segments stay connected.
        const ya = y0 + ((y1 - y0) * (x - x0)) / Math.max(1, x1 - x0);
        const yb = y0 + ((y1 - y0) * (x + 1 - x0)) / Math.max(1, x1 - x0);
        const lo = Math.round(Math.min(ya, yb));
        const hi = Math.round(Math.max(ya, yb));
        for (let py = lo; py <= hi; py++) counts[x * height + py]++;
      }
    }
  }
  return counts;
}

/** Pixel row of a value, clamped to the plot; NaN stays NaN (a typed array ignores that index). */
function pixelRow(v: number, a: number, b: number, height: number): number {
  const py = Math.floor(a * v + b + 0.5);
  return py < 0 ? 0 : py >= height ? height - 1 : py;
}

// Its own function so V8 optimises the hot loop once.
function plotPoints(
  values: Float32Array,
  row: number,
  units: number,
  a: number,
  b: number,
  height: number,
  counts: Uint16Array,
  x: number
) {
  const col = x * height;
  for (let u = 0; u < units; u++) counts[col + pixelRow(values[row + u], a, b, height)]++;
}

/** Counts to RGBA: one line at `alpha`, overlapping lines add up (capped at 0.85). */
export function paintDensity(
  counts: Uint16Array,
  rgb: [number, number, number],
  alpha: number,
  out: Uint8ClampedArray
): void {
  // One 32-bit pixel per count, in the platform's byte order (as ImageData is read).
  const rgba = new Uint8ClampedArray(256 * 4);
  for (let c = 1; c < 256; c++)
    rgba.set([...rgb, 255 * Math.min(0.85, 1 - Math.pow(1 - alpha, c))], c * 4);
  const lut = new Uint32Array(rgba.buffer);
  const px = new Uint32Array(out.buffer, out.byteOffset, counts.length);
  // No branch on "empty": lut[0] is transparent, and a mispredicted branch per pixel cost more.
  for (let i = 0; i < counts.length; i++) px[i] = lut[Math.min(255, counts[i])];
}
