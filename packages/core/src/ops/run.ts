/**
 * The one path every op takes to a kernel: check the inputs are live and on one backend,
 * run the kernel, wrap the result, record the backward rule.
 *
 * @module
 */
import type { Backend, DataHandle, DType, TensorInfo } from '../backend/backend.js';
import { record } from '../autograd/graph.js';
import { backendLabel } from '../backend/registry.js';
import { BackendError, DTypeError } from '../errors.js';
import { wrapHandle, type Tensor } from '../tensor.js';
import { checkResult } from '../numerics.js';

/** @internal */
export function runKernel(
  op: string,
  inputs: readonly Tensor[],
  shape: readonly number[],
  dtype: DType,
  kernel: (backend: Backend, infos: TensorInfo[]) => DataHandle,
  backward?: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  const infos = inputs.map((t) => t.info(op));
  const backend = sameBackend(op, inputs);
  const out = wrapHandle(backend, kernel(backend, infos), shape, dtype);
  checkResult(op, inputs, out); // the checkNumerics mode: every kernel's result passes here
  return backward ? record(out, op, inputs, backward) : out;
}

/** @internal The backend shared by all `inputs`; mixing backends is an error. */
export function sameBackend(op: string, inputs: readonly Tensor[]): Backend {
  const backend = inputs[0]!.backend(op);
  for (const t of inputs) {
    const b = t.backend(op);
    if (b !== backend) {
      throw new BackendError(op, `inputs live on different backends ('${backendLabel(backend)}' and '${backendLabel(b)}')`);
    }
  }
  return backend;
}

/** @internal Throws a DisposedError naming `op` if any tensor was disposed. */
export function live(op: string, ...tensors: readonly Tensor[]): void {
  for (const t of tensors) t.info(op);
}

/** @internal Throws unless `t` is live and has one of `dtypes`. */
export function expectDType(op: string, t: Tensor, dtypes: readonly DType[], what = 'input'): void {
  t.info(op);
  if (!dtypes.includes(t.dtype)) {
    throw new DTypeError(op, `${what} must be ${dtypes.join(' or ')}, got ${t.dtype}`);
  }
}

/**
 * @internal Runs `fn`, which uses tensors the caller made for it (scalars for number operands,
 * views); if it throws, disposes them before rethrowing, so that a failed op leaves nothing
 * behind. On success they stay: the op's result may hold them for backward.
 */
export function freeOnError<T>(made: readonly Tensor[], fn: () => T): T {
  if (made.length === 0) return fn();
  try {
    return fn();
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
}
