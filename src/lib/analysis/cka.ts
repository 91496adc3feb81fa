/**
 * Linear CKA (Kornblith et al. 2019, "Similarity of neural network representations revisited",
 * eq. 5): for column-centred X [n, p] and Y [n, q] observed at the same n steps,
 *   CKA = ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F),
 * in [0, 1]; invariant to orthogonal transforms and isotropic scaling of either side, not to
 * arbitrary invertible ones. Undefined (null) when either side is constant. Pure code.
 */
import { addCross, addGramUpper, centreColumns, mirrorUpper, sumSquares } from './crossProducts';

/** CKA from the squared Frobenius norms of the three centred cross products. */
export function ckaFromNorms(crossSq: number, gramXSq: number, gramYSq: number): number | null {
  const den = Math.sqrt(gramXSq) * Math.sqrt(gramYSq);
  if (!(den > 0)) return null;
  return Math.min(1, crossSq / den);
}

/** ‖XᵀX‖²_F of centred rows (the Gram's upper triangle counted twice off the diagonal). */
export function gramNormSq(centred: Float64Array, n: number, p: number): number {
  const g = new Float64Array(p * p);
  addGramUpper(centred, p, 0, n, g);
  return sumSquares(mirrorUpper(g, p));
}

/** Linear CKA of two sets of units over the same n steps (rows [n, p] and [n, q]). */
export function linearCka(
  x: ArrayLike<number>,
  p: number,
  y: ArrayLike<number>,
  q: number,
  n: number
): number | null {
  const X = centreColumns(x, n, p);
  const Y = centreColumns(y, n, q);
  const cross = new Float64Array(p * q);
  addCross(X, p, Y, q, 0, n, cross);
  return ckaFromNorms(sumSquares(cross), gramNormSq(X, n, p), gramNormSq(Y, n, q));
}
