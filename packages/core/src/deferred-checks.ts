/**
 * Validation of values core cannot read yet. On a backend without `readSync`, an index tensor
 * that a kernel produced (a cast, an argmax) has no host copy, so core counts its bad values on
 * the device instead, with the contract's own kernels, and reads the count at the next `data()`,
 * which then rejects with the error of the op that got them (as a GPU reports a device-side
 * assert at the next synchronisation). Nothing a user can see goes unchecked.
 *
 * @module
 */
import type { Backend, DataHandle, TensorInfo } from './backend/backend.js';

interface Pending {
  readonly backend: Backend;
  /** An int32 scalar: how many values failed. */
  handle: DataHandle;
  readonly error: (count: number) => Error;
}

/** Keyed by op and rule, so a loop that repeats one op folds its counts into one scalar. */
const pending = new Map<string, Pending>();

/**
 * @internal Counts, on the device, the elements of `x` for which `bad` (a bool mask of `x`'s
 * shape, built from the backend's kernels) holds, to be reported by the next
 * {@link flushDeferredChecks}. Frees every handle it makes but the count.
 */
export function deferCheck(
  key: string,
  backend: Backend,
  x: TensorInfo,
  bad: (be: Backend, x: TensorInfo, scratch: DataHandle[]) => DataHandle,
  error: (count: number) => Error,
): void {
  const scratch: DataHandle[] = [];
  try {
    const mask = bad(backend, x, scratch);
    scratch.push(mask);
    const asInt = backend.cast({ handle: mask, shape: x.shape, dtype: 'bool' }, 'int32');
    scratch.push(asInt);
    const axes = x.shape.map((_, i) => i);
    let count = axes.length ? backend.reduce('sum', { handle: asInt, shape: x.shape, dtype: 'int32' }, axes) : asInt;
    if (count === asInt) scratch.pop();
    const earlier = pending.get(key);
    if (earlier && earlier.backend === backend) {
      const scalar = (handle: DataHandle): TensorInfo => ({ handle, shape: [], dtype: 'int32' });
      const sum = backend.binary('add', scalar(earlier.handle), scalar(count), []);
      scratch.push(earlier.handle, count);
      count = sum;
      earlier.handle = sum;
    } else {
      pending.set(earlier ? `${key}#${pending.size}` : key, { backend, handle: count, error });
    }
  } finally {
    for (const h of scratch) backend.dispose(h);
  }
}

/**
 * @internal Reads every pending count and frees it; rejects with the first failed check's
 * error. Called by `Tensor.data()` before it reads.
 */
export async function flushDeferredChecks(): Promise<void> {
  if (pending.size === 0) return;
  const all = [...pending.values()];
  pending.clear();
  let failure: Error | null = null;
  for (const p of all) {
    const [count] = await p.backend.read({ handle: p.handle, shape: [], dtype: 'int32' });
    p.backend.dispose(p.handle);
    if (count! > 0 && !failure) failure = p.error(count!);
  }
  if (failure) throw failure;
}

/** @internal A scalar of `x`'s dtype holding `value`, for comparisons against `x`. */
export function scalarLike(be: Backend, x: TensorInfo, value: number, scratch: DataHandle[]): TensorInfo {
  const values = x.dtype === 'float32' ? Float32Array.of(value) : x.dtype === 'int32' ? Int32Array.of(value) : Uint8Array.of(value);
  const handle = be.write(values, [], x.dtype);
  scratch.push(handle);
  return { handle, shape: [], dtype: x.dtype };
}
