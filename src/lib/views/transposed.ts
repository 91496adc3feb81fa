/**
 * Images painted in data order (one row per timestep) drawn with the axes swapped, so time runs
 * left to right: painting in data order is several times cheaper than transposing per pixel,
 * and the canvas transposes while it scales.
 */

/** A canvas holding an RGBA image (e.g. a heatmap painted by paintHeatmap). */
export function bitmapOf(img: ImageData): HTMLCanvasElement {
  const c = document.createElement('canvas');
  [c.width, c.height] = [img.width, img.height];
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

/**
 * Draw `source` (rows = positions along x, columns = positions along y) into the rectangle
 * (x, y, w, h) of ctx, without smoothing: source row r lands at x + r · w / source.height.
 */
export function drawTransposed(
  ctx: CanvasRenderingContext2D,
  source: CanvasImageSource & { width: number; height: number },
  x: number,
  y: number,
  w: number,
  h: number
): void {
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.transform(0, h / source.width, w / source.height, 0, x, y);
  ctx.drawImage(source, 0, 0);
  ctx.restore();
}
