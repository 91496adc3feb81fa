/**
 * The ONNX recurrent-op activation functions, with alpha/beta consumed the way onnxruntime does:
 * in order, only by the functions that take them; missing values fall back to the ONNX defaults.
 */
export type Activation = (x: number) => number;

export const sigmoid: Activation = (x) => 1 / (1 + Math.exp(-x));

interface Def {
  alpha?: number;
  beta?: number;
  make(alpha: number, beta: number): Activation;
}

const DEFS: Record<string, Def> = {
  sigmoid: { make: () => sigmoid },
  tanh: { make: () => Math.tanh },
  relu: { make: () => (x) => (x > 0 ? x : 0) },
  affine: { alpha: 1, beta: 0, make: (a, b) => (x) => a * x + b },
  leakyrelu: { alpha: 0.01, make: (a) => (x) => (x >= 0 ? x : a * x) },
  thresholdedrelu: { alpha: 1, make: (a) => (x) => (x >= a ? x : 0) },
  scaledtanh: { alpha: 1, beta: 1, make: (a, b) => (x) => a * Math.tanh(b * x) },
  hardsigmoid: {
    alpha: 0.2,
    beta: 0.5,
    make: (a, b) => (x) => Math.min(Math.max(a * x + b, 0), 1)
  },
  elu: { alpha: 1, make: (a) => (x) => (x >= 0 ? x : a * (Math.exp(x) - 1)) },
  softsign: { make: () => (x) => x / (1 + Math.abs(x)) },
  softplus: { make: () => (x) => Math.log(1 + Math.exp(x)) }
};

export class ActivationError extends Error {
  override name = 'ActivationError';
}

/** Build the activation functions of a node from its attribute lists. */
export function buildActivations(
  names: string[],
  alphas: number[] = [],
  betas: number[] = []
): Activation[] {
  let ai = 0;
  let bi = 0;
  return names.map((name) => {
    const def = DEFS[name.toLowerCase()];
    if (!def)
      throw new ActivationError(
        `Activation function "${name}" is not an ONNX recurrent activation.`
      );
    const alpha = def.alpha === undefined ? 0 : ai < alphas.length ? alphas[ai++] : def.alpha;
    const beta = def.beta === undefined ? 0 : bi < betas.length ? betas[bi++] : def.beta;
    return def.make(alpha, beta);
  });
}
