/** Compare recorded .npy files with reference .npy files (tests only). */
import { existsSync, readFileSync } from 'node:fs';
import { readNpy } from '../../src/lib/export/npy';

export function loadNpy(path: string) {
  return readNpy(new Uint8Array(readFileSync(path)), path);
}

/**
 * Max error of a against b: absolute, except for cell states (kind c), which are unbounded, where
 * it is scaled by max(1, |b|) — float32 keeps 7 significant digits.
 */
export function npyError(actualPath: string, refPath: string, scaled = false): number {
  if (!existsSync(actualPath)) throw new Error(`missing ${actualPath}`);
  const a = loadNpy(actualPath);
  const b = loadNpy(refPath);
  if (a.shape.join() !== b.shape.join())
    throw new Error(`${actualPath}: shape ${a.shape} ≠ reference ${b.shape}`);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const y = Number(b.data[i]);
    const e = Math.abs(x - y) / (scaled ? Math.max(1, Math.abs(y)) : 1);
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}
