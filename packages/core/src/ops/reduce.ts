/**
 * Reductions over dims, with PyTorch's `dim` / `keepdim` conventions.
 *
 * @module
 */
import { ShapeError, ValueError } from '../errors.js';
import { normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { add, eq, maximum, minimum, mul, div, ne, neg } from './elementwise.js';
import { expand, narrow, pad, reshape } from './movement.js';
import { expectDType, runKernel } from './run.js';

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function droppedShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

/**
 * Sum over `dim` (a dim, a list of dims, or all when omitted). A bool tensor sums to int32.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 1);        // [3, 7]
 * sum(tensor([[1, 2], [3, 4]]), 0, true);  // [[4, 6]]
 * ```
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  x.info('sum');
  const axes = normalizeAxes('sum', dim, x.rank);
  if (x.dtype === 'bool') x = cast(x, 'int32');
  const outShape = keepdim ? keptShape(x.shape, axes) : droppedShape(x.shape, axes);
  if (axes.length === 0) return reshape(x, outShape);
  const out = runKernel(
    'sum',
    [x],
    droppedShape(x.shape, axes),
    x.dtype,
    (be, [xi]) => be.reduce('sum', xi!, axes),
    (g) => [expand(reshape(g, keptShape(x.shape, axes)), x.shape)],
  );
  return keepdim ? reshape(out, outShape) : out;
}

/**
 * Mean over `dim` (all dims when omitted) of a float32 tensor.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * mean(x).item();  // 2.5
 * mean(x, 0);      // [2, 3]
 * mean(x, 1, true); // [[1.5], [3.5]]
 * ```
 */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  expectDType('mean', x, ['float32']);
  const axes = normalizeAxes('mean', dim, x.rank);
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  return div(sum(x, axes, keepdim), count);
}

/**
 * Maximum over `dim` (all dims when omitted). Returns values only; use {@link maxWithIndices}
 * for PyTorch's `torch.max(x, dim)` (values and indices) or {@link argmax} for indices alone.
 * Tie rule (PyTorch's `amax` / `max()`): the gradient is split evenly among the elements
 * equal to the maximum (a NaN maximum: among the NaNs); {@link maxWithIndices} gives it to
 * the returned index only.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 9, 3], [7, 2, 8]]);
 * max(x).item(); // 9
 * max(x, 1);     // [9, 8]
 * ```
 */
export function max(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  expectDType('max', x, ['float32', 'int32']);
  const axes = normalizeAxes('max', dim, x.rank);
  const outShape = keepdim ? keptShape(x.shape, axes) : droppedShape(x.shape, axes);
  if (axes.length === 0) return reshape(x, outShape);
  checkNonEmpty('max', x, axes);
  const out: Tensor = runKernel(
    'max',
    [x],
    droppedShape(x.shape, axes),
    x.dtype,
    (be, [xi]) => be.reduce('max', xi!, axes),
    (g) => {
      // PyTorch's amax rule: the gradient is split evenly among the elements equal to the
      // maximum (NaN counting as equal to a NaN maximum).
      const k = keptShape(x.shape, axes);
      const m = expand(reshape(out, k), x.shape);
      const hit = cast(maximum(eq(x, m), minimum(ne(x, x), ne(m, m))), 'float32');
      return [div(mul(expand(reshape(g, k), x.shape), hit), sum(hit, axes, true))];
    },
  );
  return keepdim ? reshape(out, outShape) : out;
}

/**
 * Minimum over `dim` (all dims when omitted). Values only: {@link minWithIndices} returns the
 * indices too. Tie rule as {@link max}'s: the gradient is split evenly among tied elements.
 *
 * @example
 * ```ts
 * min(tensor([[1, 9, 3], [7, 2, 8]]), 0); // [1, 2, 3]
 * ```
 */
export function min(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  expectDType('min', x, ['float32', 'int32']);
  checkNonEmpty('min', x, normalizeAxes('min', dim, x.rank));
  return neg(max(neg(x), dim, keepdim));
}

/** Throws a ValueError naming `op` when one of `axes` of `x` is empty (nothing to reduce). */
function checkNonEmpty(op: string, x: Tensor, axes: readonly number[]): void {
  for (const a of axes) {
    if (x.shape[a] === 0) throw new ValueError(op, `cannot reduce over dim ${a} of size 0 (shape [${x.shape}])`);
  }
}

/**
 * Index (int32) of the first maximum along `dim`, or in the flattened tensor when `dim` is
 * omitted.
 *
 * @example
 * ```ts
 * argmax(tensor([[1, 9, 3], [7, 2, 8]]), 1); // [1, 2]
 * ```
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  expectDType('argmax', x, ['float32', 'int32']);
  if (dim === undefined) {
    if (x.size === 0) throw new ValueError('argmax', `cannot take the argmax of an empty tensor (shape [${x.shape}])`);
    const flat = reshape(x, [x.size]);
    const r = argmax(flat, 0);
    return keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  const axis = normalizeAxis('argmax', dim, x.rank);
  if (x.shape[axis] === 0) throw new ValueError('argmax', `cannot reduce over dim ${axis} of size 0`);
  const out = runKernel('argmax', [x], droppedShape(x.shape, [axis]), 'int32', (be, [xi]) => be.argmax(xi!, axis));
  return keepdim ? reshape(out, keptShape(x.shape, [axis])) : out;
}

/**
 * Cumulative sum along `dim`: `out[i] = x[0] + … + x[i]` (PyTorch's `torch.cumsum`). A bool
 * tensor sums to int32; int32 sums wrap like `sum`. Computed in ⌈log2 n⌉ shifted adds
 * (Hillis–Steele), so float32 results may differ from a left-to-right sum in the last bits.
 * The gradient is the reversed cumulative sum of the upstream gradient.
 *
 * @example
 * ```ts
 * cumsum(tensor([1, 2, 3, 4]), 0);      // [1, 3, 6, 10]
 * cumsum(tensor([[1, 2], [3, 4]]), 0); // [[1, 2], [4, 6]]
 * ```
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  expectDType('cumsum', x, ['float32', 'int32', 'bool']);
  if (typeof dim !== 'number') throw new ValueError('cumsum', `dim must be a number, got ${typeof dim}`);
  const axis = normalizeAxis('cumsum', dim, Math.max(x.rank, 1));
  if (x.dtype === 'bool') x = cast(x, 'int32');
  if (x.rank === 0) return reshape(x, []);
  const n = x.shape[axis]!;
  let y = x;
  for (let s = 1; s < n; s *= 2) {
    const pads = x.shape.map((_, i): [number, number] => (i === axis ? [s, 0] : [0, 0]));
    y = add(y, pad(narrow(y, axis, 0, n - s), pads));
  }
  return y === x ? reshape(x, x.shape) : y;
}

/** @internal Sums a broadcast gradient back down to `shape` (the adjoint of broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new ShapeError('sumTo', `cannot reduce [${g.shape}] to [${shape}]`);
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes), shape);
}
