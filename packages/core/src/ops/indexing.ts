/**
 * Indexing by integer tensors: `gather`, its adjoint `scatterAdd`, and `indexSelect`.
 *
 * @module
 */
import type { Tensor } from '../tensor.js';
import { ShapeError, ValueError } from '../errors.js';
import { deferCheck, scalarLike } from '../deferred-checks.js';
import { normalizeAxis } from '../shape.js';
import { expand, reshape } from './movement.js';
import { expectDType, freeOnError, runKernel, sameBackend } from './run.js';

/**
 * @internal Checks that every value of the int32 `index` lies in `[0, limit)` before a kernel
 * uses it (a bad index on a GPU would read garbage rather than fail). Uses the values core wrote
 * when it wrote them, else reads synchronously where the backend can; an index a kernel made on
 * an async-only backend is checked on the device and reported at the next `data()`.
 */
export function checkIndexValues(op: string, index: Tensor, limit: number, dim: number): void {
  if (index.size === 0) return;
  const info = index.info(op);
  const be = index.backend(op);
  const values = index._storage!.host ?? (be.readSync ? be.readSync(info) : null);
  const rule = `out of range for dim ${dim} of size ${limit}`;
  if (!values) {
    deferCheck(
      `${op}:${dim}:${limit}`,
      be,
      info,
      (b, x, scratch) => {
        const low = b.binary('lt', x, scalarLike(b, x, 0, scratch), x.shape);
        scratch.push(low);
        const high = b.binary('ge', x, scalarLike(b, x, limit, scratch), x.shape);
        scratch.push(high);
        return b.binary('maximum', { handle: low, shape: x.shape, dtype: 'bool' }, { handle: high, shape: x.shape, dtype: 'bool' }, x.shape);
      },
      (count) => new ValueError(op, `${count} index value(s) ${rule} (found on the device, as this backend reads only asynchronously)`),
    );
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= limit) throw new ValueError(op, `index ${v} at position ${i} is ${rule}`);
  }
}

/**
 * PyTorch's `gather`: along `dim`, picks `x`'s entry named by `index` (int32, same rank as
 * `x`, other dims no larger than `x`'s). The result has `index`'s shape.
 *
 * @example
 * ```ts
 * const logp = tensor([[0.1, 0.9], [0.8, 0.2]]);
 * gather(logp, 1, tensor([[1], [0]], { dtype: 'int32' })); // [[0.9], [0.8]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  expectDType('gather', index, ['int32'], 'index');
  const axis = normalizeAxis('gather', dim, x.rank);
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== axis && d > x.shape[i]!)) {
    throw new ShapeError('gather', `index of shape [${index.shape}] does not fit input [${x.shape}] along dim ${dim}`);
  }
  checkIndexValues('gather', index, x.shape[axis]!, axis);
  return gatherChecked(x, axis, index);
}

/**
 * @internal `gather` once the caller has checked its index values (and shapes): no second
 * check, which on a backend with readSync would read the device.
 */
export function gatherChecked(x: Tensor, axis: number, index: Tensor): Tensor {
  return runKernel('gather', [x, index], index.shape, x.dtype, (be, [xi, ii]) => be.gather(xi!, ii!, axis), (g) => [
    scatterAdd(index, g, axis, x.shape),
    null,
  ]);
}

/**
 * @internal Adds each `src` element into a zero tensor of `shape` at the position `index`
 * names along `axis`: the adjoint of {@link gather}.
 */
export function scatterAdd(index: Tensor, src: Tensor, axis: number, shape: readonly number[]): Tensor {
  expectDType('scatterAdd', src, ['float32'], 'src');
  return runKernel('scatterAdd', [index, src], shape, 'float32', (be, [ii, si]) => be.scatterAdd(ii!, si!, axis, shape), (g) => [
    null,
    gatherChecked(g, axis, index),
  ]);
}

/**
 * Entries of `dim` picked by a 1-D int32 `index`, in that order (repeats allowed).
 *
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0], { dtype: 'int32' }));
 * // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  x.info('indexSelect');
  expectDType('indexSelect', index, ['int32'], 'index');
  if (index.rank !== 1) throw new ShapeError('indexSelect', `index must be 1-D, got shape [${index.shape}]`);
  const axis = normalizeAxis('indexSelect', dim, x.rank);
  sameBackend('indexSelect', [x, index]);
  // Every check before the index views are made, and named after indexSelect.
  checkIndexValues('indexSelect', index, x.shape[axis]!, axis);
  const outShape = x.shape.map((d, i) => (i === axis ? index.size : d));
  const made: Tensor[] = [reshape(index, x.shape.map((_, i) => (i === axis ? index.size : 1)))];
  return freeOnError(made, () => {
    made.push(expand(made[0]!, outShape));
    return gatherChecked(x, axis, made[1]!);
  });
}
