/**
 * Gradient clipping: limits on the gradients before an optimizer step.
 *
 * @module
 */
import { BackendError, DisposedError, DTypeError, div, noGrad, scalar, tidy, ValueError, type Tensor } from '@profundo/core';

/**
 * Rescales the gradients of `params` in place so that their total norm (the norm of all of
 * them concatenated) is at most `maxNorm`, as PyTorch's `clip_grad_norm_`:
 *
 * ```
 * n     ← ‖(g₁, g₂, …)‖_p
 * scale ← min(1, maxNorm / (n + 1e-6))
 * gᵢ    ← scale · gᵢ
 * ```
 *
 * The scale is computed on the device, so nothing is read back; the total norm (before
 * clipping) is returned as a scalar tensor. Parameters without a gradient are skipped; with
 * no gradients at all the result is 0. Each `param.grad` keeps its identity (its values are
 * swapped with `assign`).
 *
 * @param params the parameters whose `grad` to clip.
 * @param maxNorm the largest allowed total norm (>= 0).
 * @param normType the `p` of the p-norm (> 0), or `Infinity` for the largest absolute value.
 * @returns The total norm of the gradients before clipping.
 *
 * @example
 * ```ts
 * const w = tensor([0, 0], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 1 });
 * w.mul(tensor([3, 4])).sum().backward(); // w.grad: [3, 4], of norm 5
 * const norm = clipGradNorm([w], 1.0);   // 5 (the norm before clipping)
 * w.grad;                                // [0.6, 0.8]
 * opt.step();
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2): Tensor {
  if (!(maxNorm >= 0)) throw new ValueError('clipGradNorm', `maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new ValueError('clipGradNorm', `normType must be > 0 or Infinity, got ${normType}`);
  const grads = gradsOf('clipGradNorm', params);
  if (grads.length === 0) return scalar(0);
  return tidy(() =>
    noGrad(() => {
      let total: Tensor;
      if (normType === Infinity) {
        total = grads.map((g) => g.abs().max()).reduce((a, b) => a.maximum(b));
      } else if (normType === 2) {
        total = grads.map((g) => g.square().sum()).reduce((a, b) => a.add(b)).sqrt();
      } else if (normType === 1) {
        total = grads.map((g) => g.abs().sum()).reduce((a, b) => a.add(b));
      } else {
        total = grads.map((g) => g.abs().pow(normType).sum()).reduce((a, b) => a.add(b)).pow(1 / normType);
      }
      const scale = div(maxNorm, total.add(1e-6)).minimum(1);
      for (const g of grads) g.assign(g.mul(scale));
      return total;
    }),
  );
}

/**
 * Clamps every gradient element of `params` into `[-clipValue, clipValue]` in place, as
 * PyTorch's `clip_grad_value_`. Parameters without a gradient are skipped.
 *
 * @param params the parameters whose `grad` to clip.
 * @param clipValue the largest allowed absolute value (>= 0).
 *
 * @example
 * ```ts
 * const w = tensor([0, 0], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 1 });
 * w.mul(tensor([-3, 0.2])).sum().backward(); // w.grad: [-3, 0.2]
 * clipGradValue([w], 0.5);
 * w.grad;                                    // [-0.5, 0.2]
 * opt.step();
 * ```
 */
export function clipGradValue(params: readonly Tensor[], clipValue: number): void {
  if (!(clipValue >= 0)) throw new ValueError('clipGradValue', `clipValue must be >= 0, got ${clipValue}`);
  const grads = gradsOf('clipGradValue', params);
  tidy(() => noGrad(() => {
    for (const g of grads) g.assign(g.clamp(-clipValue, clipValue));
  }));
}

/**
 * The gradients of `params` (those that have one), checked before any is changed: live,
 * float32 and on one backend, so a clip that fails leaves every gradient as it was.
 */
function gradsOf(op: string, params: readonly Tensor[]): Tensor[] {
  const grads: Tensor[] = [];
  params.forEach((p, i) => {
    const g = p.grad;
    if (!g) return;
    if (g.isDisposed) throw new DisposedError(op, `the gradient of parameter ${i} (shape [${g.shape}]) was disposed`);
    if (g.dtype !== 'float32') throw new DTypeError(op, `the gradient of parameter ${i} must be float32, got ${g.dtype}`);
    if (grads.length > 0 && g.backend(op) !== grads[0]!.backend(op)) {
      throw new BackendError(op, `the gradient of parameter ${i} lives on backend '${g.backendName}', an earlier one on '${grads[0]!.backendName}'`);
    }
    grads.push(g);
  });
  return grads;
}
