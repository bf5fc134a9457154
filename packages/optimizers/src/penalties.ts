/**
 * L2 and L1 penalties: differentiable loss terms that pull weights toward zero.
 *
 * Regularization in this package, in one place:
 * - {@link l2Penalty} and {@link l1Penalty}: terms to add to the loss;
 * - the `weightDecay` option of every optimizer: the L2 penalty's gradient added inside the
 *   step (`g + λθ`, which equals `l2Penalty(params, λ / 2)`), and {@link AdamW}'s decoupled
 *   decay (`θ ← θ(1 − γλ)`), which is not an L2 penalty under adaptive step sizes;
 * - {@link clipGradNorm} and {@link clipGradValue}: limits on the gradient before a step;
 * - dropout, which lives in `@profundo/core` as `nn.Dropout` / `nn.dropout`: inverted dropout
 *   that zeroes activations with probability `p` in `train()` mode and is the identity in
 *   `eval()` mode.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(64, 1));
 * const x = randn([32, 20]);
 * const y = randn([32, 1]);
 * const loss = nn.mseLoss(model.forward(x), y).add(l2Penalty(model.parameters(), 1e-4));
 * ```
 *
 * @module
 */
import { BackendError, DisposedError, DTypeError, ValueError, type Tensor } from '@profundo/core';

/**
 * The L2 penalty `λ Σᵢ ‖θᵢ‖²` over `params`: the plain sum of squares, with no ½ factor, so
 * its gradient is `2λθ`. Adding it to the loss is equivalent to an optimizer's
 * `weightDecay` of `2λ` (for SGD and the other coupled-decay optimizers). Differentiable; a
 * scalar on the parameters' backend.
 *
 * @param params the tensors to penalize (typically the weights, often without the biases).
 * @param lambda the strength λ (>= 0).
 *
 * @example
 * ```ts
 * const w = tensor([1, -2], { requiresGrad: true });
 * const penalty = l2Penalty([w], 0.5); // 2.5 (0.5 · (1² + 2²))
 * penalty.backward();
 * w.grad;                              // [1, -2] (2λθ)
 * // In training: nn.crossEntropy(model.forward(x), y).add(l2Penalty(model.parameters(), 5e-4))
 * ```
 */
export function l2Penalty(params: readonly Tensor[], lambda: number): Tensor {
  checkPenalty('l2Penalty', params, lambda);
  return params.map((p) => p.square().sum()).reduce((a, b) => a.add(b)).mul(lambda);
}

/**
 * The L1 penalty `λ Σᵢ ‖θᵢ‖₁ = λ Σ |θ|` over `params`, which drives weights to exactly zero
 * (sparsity). Its gradient is `λ · sign(θ)` (0 where θ = 0). Differentiable; a scalar on the
 * parameters' backend.
 *
 * @param params the tensors to penalize.
 * @param lambda the strength λ (>= 0).
 *
 * @example
 * ```ts
 * const w = tensor([0.5, -2, 0], { requiresGrad: true });
 * const penalty = l1Penalty([w], 0.1); // 0.25 (0.1 · (0.5 + 2 + 0))
 * penalty.backward();
 * w.grad;                              // [0.1, -0.1, 0]
 * // In training: nn.mseLoss(model.forward(x), y).add(l1Penalty([model.weight], 1e-3))
 * ```
 */
export function l1Penalty(params: readonly Tensor[], lambda: number): Tensor {
  checkPenalty('l1Penalty', params, lambda);
  return params.map((p) => p.abs().sum()).reduce((a, b) => a.add(b)).mul(lambda);
}

function checkPenalty(op: string, params: readonly Tensor[], lambda: number): void {
  if (params.length === 0) throw new ValueError(op, 'got no parameters to penalize');
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ValueError(op, `lambda must be a finite number >= 0, got ${lambda}`);
  params.forEach((p, i) => {
    if (p.isDisposed) throw new DisposedError(op, `parameter ${i} (shape [${p.shape}]) was already disposed`);
    if (p.dtype !== 'float32') throw new DTypeError(op, `parameters must be float32, got ${p.dtype} (parameter ${i})`);
    if (p.backend(op) !== params[0]!.backend(op)) {
      throw new BackendError(op, `parameter ${i} lives on backend '${p.backendName}', parameter 0 on '${params[0]!.backendName}'`);
    }
  });
}
