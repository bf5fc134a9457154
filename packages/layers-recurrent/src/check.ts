/**
 * Input checks shared by the layers.
 *
 * @module
 */
import { BackendError, DTypeError, DisposedError, type Tensor } from '@profundo/core';

/** @internal Throws a DTypeError naming `layer` unless `x` is float32. */
export function expectFloat(layer: string, x: Tensor): void {
  if (x.dtype !== 'float32') {
    throw new DTypeError(layer, `input must be float32, got ${x.dtype} [${x.shape}]; cast it first (x.float())`);
  }
}

/** @internal Throws a DisposedError naming `layer` if `x` was disposed. */
export function expectLive(layer: string, x: Tensor, what = 'input'): void {
  if (x.isDisposed) throw new DisposedError(layer, `${what} (shape [${x.shape}]) was already disposed`);
}

/**
 * @internal Throws a BackendError naming `layer` unless every tensor given (skipping absent
 * ones) lives on one backend: checked before anything is computed, so nothing is left behind.
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
