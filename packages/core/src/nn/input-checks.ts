/**
 * Input checks for module authors: the typed errors Profundo's own layers throw, naming the
 * layer, so that a custom layer fails the same way before it computes anything.
 *
 * @module
 */
import { BackendError, DTypeError, DisposedError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/**
 * Throws a `DTypeError` naming `layer` unless `x` is float32.
 *
 * @example
 * ```ts
 * const ids = tensor([1, 2], { dtype: 'int32' });
 * try {
 *   nn.expectFloat('MyLayer', ids);
 * } catch (e) {
 *   console.log(e instanceof DTypeError); // true
 * }
 * ```
 */
export function expectFloat(layer: string, x: Tensor): void {
  if (x.dtype !== 'float32') {
    throw new DTypeError(layer, `input must be float32, got ${x.dtype} [${x.shape}]; cast it first (x.float())`);
  }
}

/**
 * Throws a `DisposedError` naming `layer` if `x` was disposed; `what` names the argument.
 *
 * @example
 * ```ts
 * const h = zeros([2, 4]);
 * h.dispose();
 * try {
 *   nn.expectLive('MyCell', h, 'hidden state');
 * } catch (e) {
 *   console.log(e instanceof DisposedError); // true
 * }
 * ```
 */
export function expectLive(layer: string, x: Tensor, what = 'input'): void {
  if (x.isDisposed) throw new DisposedError(layer, `${what} (shape [${x.shape}]) was already disposed`);
}

/**
 * Throws a `BackendError` naming `layer` unless every tensor given lives on one backend
 * (absent and disposed ones are skipped). Call it before computing, so nothing is left behind.
 *
 * @example
 * ```ts
 * const x = ones([2, 3]);
 * const w = ones([3, 4]);
 * nn.expectOneBackend('MyLayer', [['input', x], ['weight', w], ['bias', null]]); // passes
 * ```
 */
export function expectOneBackend(layer: string, named: readonly (readonly [string, Tensor | null | undefined])[]): void {
  let first: readonly [string, Tensor] | null = null;
  for (const [name, t] of named) {
    if (!t || t.isDisposed) continue;
    if (!first) first = [name, t];
    else if (t.backend(layer) !== first[1].backend(layer)) {
      throw new BackendError(layer, `${name} lives on backend '${t.backendName}', ${first[0]} on '${first[1].backendName}'`);
    }
  }
}
