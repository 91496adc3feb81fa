/** The committed NumPy/SciPy reference cases for the comparison kernels (tests only). */
import { readFileSync } from 'node:fs';

export interface CompareCase {
  name: string;
  n: number;
  p: number;
  q: number;
  half: number;
  x: number[];
  y: number[];
  cka: number;
  r: (number | null)[];
  rPick: (number | null)[];
  rHeld: (number | null)[];
  pairsOnPick: [number, number][];
  pickScore: number;
}

export const compareCases = (): CompareCase[] =>
  JSON.parse(readFileSync('tests/fixtures/compare/compare-cases.json', 'utf8')).cases;
