/**
 * Gradient checking by central finite differences.
 *
 * @module
 */
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../memory.js';
import { tensor } from '../ops/creation.js';
import { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';

/** Tolerances and step of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-3, suited to float32). */
  eps?: number;
  /** Absolute tolerance (default 1e-2). */
  atol?: number;
  /** Relative tolerance (default 1e-2). */
  rtol?: number;
  /** Seed of the random output weighting (default 0). */
  seed?: number;
}

/** Thrown by {@link gradcheck} when an analytic gradient disagrees with finite differences. */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
}

/**
 * Checks the autograd gradient of `fn` at `inputs` against central finite differences.
 * The output is reduced with fixed random weights `w` to the scalar `sum(w · fn(inputs))`, so
 * every output element's gradient is checked, not just their sum. Float32 inputs are
 * perturbed one element at a time; others (indices) are passed through unchanged.
 * Resolves to `true`, or rejects with a {@link GradcheckError} naming the worst element.
 *
 * @example
 * ```ts
 * await gradcheck((a, b) => a.mul(b).sin(), [randn([3, 4]), randn([4])]);
 * ```
 */
export async function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): Promise<true> {
  const eps = options.eps ?? 1e-3;
  const atol = options.atol ?? 1e-2;
  const rtol = options.rtol ?? 1e-2;
  const values = await Promise.all(inputs.map((t) => t.data()));
  const probe = noGrad(() => fn(...inputs));
  const rng = new Generator(options.seed ?? 0);
  const weights = Float64Array.from({ length: probe.size }, () => rng.uniform() * 2 - 1);
  const outShape = probe.shape;
  probe.dispose();

  // Analytic: backward of sum(w · y).
  const leaves = inputs.map((t, i) =>
    t.dtype === 'float32' ? tensor(values[i] as Float32Array, { shape: t.shape, requiresGrad: true }) : t,
  );
  const analytic: (Float32Array | null)[] = [];
  tidy(() => {
    const y = fn(...leaves);
    y.mul(tensor(Float32Array.from(weights), { shape: outShape })).sum().backward();
  });
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (leaf === inputs[i]) {
      analytic.push(null);
      continue;
    }
    analytic.push(leaf.grad ? ((await leaf.grad.data()) as Float32Array) : new Float32Array(leaf.size));
    leaf.grad?.dispose();
    leaf.dispose();
  }

  // Numeric: perturb one element at a time, evaluate in float64 on the host.
  const evaluate = async (i: number, j: number, delta: number): Promise<number> => {
    const bumped = Float32Array.from(values[i] as Float32Array);
    bumped[j] = bumped[j]! + delta;
    const y = noGrad(() =>
      tidy(() => fn(...inputs.map((t, k) => (k === i ? tensor(bumped, { shape: t.shape }) : t)))),
    );
    const out = await y.data();
    y.dispose();
    let s = 0;
    for (let q = 0; q < out.length; q++) s += weights[q]! * out[q]!;
    return s;
  };
  let worst = { excess: 0, report: '' };
  for (let i = 0; i < inputs.length; i++) {
    const a = analytic[i];
    if (!a) continue;
    const base = values[i] as Float32Array;
    for (let j = 0; j < base.length; j++) {
      // The actual step after float32 rounding, so the quotient is exact in that respect.
      const up = Math.fround(base[j]! + eps) - base[j]!;
      const down = Math.fround(base[j]! - eps) - base[j]!;
      const numeric = ((await evaluate(i, j, eps)) - (await evaluate(i, j, -eps))) / (up - down);
      const err = Math.abs(a[j]! - numeric);
      const excess = err - (atol + rtol * Math.abs(numeric));
      if (excess > worst.excess) {
        worst = { excess, report: `input ${i}, element ${j}: analytic ${a[j]}, numeric ${numeric}` };
      }
    }
  }
  if (worst.excess > 0) throw new GradcheckError(`gradcheck failed at ${worst.report} (atol ${atol}, rtol ${rtol})`);
  return true;
}
