/**
 * Ordering ops: maxima and minima with their indices, `argmin`, `topk`, `sort`, `argsort`.
 * Composites of the primitive kernels (`argmax`, `reduce`, comparisons, `where`, `gather`),
 * so every backend runs them; the values are gathered from the input at the returned
 * indices, so the gradient flows to exactly those elements (PyTorch's rule for ops that
 * return indices).
 *
 * @module
 */
import { ValueError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fromArray } from '../tensor.js';
import { cast } from './cast.js';
import { gatherTrusted } from './conv.js';
import { eq, gt, lt, maximum, minimum, mul, ne, neg, sub, where } from './elementwise.js';
import { cat, reshape, squeeze, transpose, unsqueeze } from './movement.js';
import { argmax, max, sum } from './reduce.js';
import { expectDType } from './run.js';

/**
 * Values and their int32 indices along a dim, as the ops that select elements return them
 * ({@link maxWithIndices}, {@link minWithIndices}, {@link topk}, {@link sort}).
 *
 * @example
 * ```ts
 * const best: ValuesIndices = topk(tensor([0.2, 0.7, 0.1]), 1);
 * best.indices.item(); // 1
 * ```
 */
export interface ValuesIndices {
  /** The selected values (the input's dtype). */
  values: Tensor;
  /** Their positions along the dim (int32). */
  indices: Tensor;
}

/** Checks `x` and `dim` for an op that selects along one dim; returns the normalized axis. */
function selectAxis(op: string, x: Tensor, dim: number): number {
  expectDType(op, x, ['float32', 'int32']);
  if (typeof dim !== 'number') throw new ValueError(op, `dim must be a number, got ${typeof dim}`);
  return normalizeAxis(op, dim, Math.max(x.rank, 1));
}

/** `x` as rank >= 1 (a scalar as `[1]`), with `finish` putting a result back to the scalar layout. */
function atLeast1d(x: Tensor): Tensor {
  return x.rank === 0 ? reshape(x, [1]) : x;
}

/** A key whose maximum is `x`'s minimum, exactly for int32 too (`-1 - x` cannot overflow). */
function reversed(x: Tensor): Tensor {
  return x.dtype === 'int32' ? sub(-1, x) : neg(x);
}

function withIndices(op: string, x: Tensor, dim: number, keepdim: boolean, smallest: boolean): ValuesIndices {
  const axis = selectAxis(op, x, dim);
  const xs = atLeast1d(x);
  if (xs.shape[axis] === 0) throw new ValueError(op, `cannot reduce over dim ${axis} of size 0 (shape [${x.shape}])`);
  const indices = argmax(smallest ? reversed(xs) : xs, axis, true);
  const values = gatherTrusted(xs, axis, indices);
  if (keepdim && x.rank > 0) return { values, indices };
  return { values: squeeze(values, axis), indices: squeeze(indices, axis) };
}

/**
 * Maximum over `dim` with its index: PyTorch's `torch.max(x, dim, keepdim)`, which returns
 * `(values, indices)`. {@link max} stays the values-only reduction (over several dims or
 * all); this one takes one dim. The index is that of the first maximum (the first NaN when
 * there is one, whose value is then NaN). The gradient goes to the returned index only, as
 * in PyTorch (tied elements elsewhere get none; `max(x, dim)`, PyTorch's `amax`, splits it
 * evenly among the tied elements).
 *
 * @example
 * ```ts
 * const { values, indices } = maxWithIndices(tensor([[1, 9, 3], [7, 2, 8]]), 1);
 * values;  // [9, 8]
 * indices; // [1, 2]
 * ```
 */
export function maxWithIndices(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return withIndices('maxWithIndices', x, dim, keepdim, false);
}

/**
 * Minimum over `dim` with its index: PyTorch's `torch.min(x, dim, keepdim)`. The index is
 * that of the first minimum (the first NaN when there is one); the gradient goes to it only.
 *
 * @example
 * ```ts
 * const { values, indices } = minWithIndices(tensor([[1, 9, 3], [7, 2, 8]]), 0, true);
 * values;  // [[1, 2, 3]]
 * indices; // [[0, 1, 0]]
 * ```
 */
export function minWithIndices(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return withIndices('minWithIndices', x, dim, keepdim, true);
}

/**
 * Index (int32) of the first minimum along `dim`, or in the flattened tensor when `dim` is
 * omitted; a NaN counts as the minimum (PyTorch's rule: NaN propagates), so with NaNs present
 * it is the index of the first NaN.
 *
 * @example
 * ```ts
 * argmin(tensor([[1, 9, 3], [7, 2, 8]]), 1); // [0, 1]
 * argmin(tensor([[4, 2], [0, 5]]));          // 2 (in the flattened tensor)
 * ```
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  expectDType('argmin', x, ['float32', 'int32']);
  if (dim === undefined) {
    if (x.size === 0) throw new ValueError('argmin', `cannot take the argmin of an empty tensor (shape [${x.shape}])`);
    const r = argmax(reversed(reshape(x, [x.size])), 0);
    return keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  const axis = selectAxis('argmin', x, dim);
  const xs = atLeast1d(x);
  if (xs.shape[axis] === 0) throw new ValueError('argmin', `cannot reduce over dim ${axis} of size 0 (shape [${x.shape}])`);
  const r = argmax(reversed(xs), axis, keepdim && x.rank > 0);
  return x.rank === 0 && !keepdim ? reshape(r, []) : r;
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** The dim to select along (default -1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
}

/** Positions 0..n-1 along `axis` of a rank-`rank` tensor, shaped to broadcast (int32). */
function positions(x: Tensor, axis: number): Tensor {
  const n = x.shape[axis]!;
  const shape = x.shape.map((d, i) => (i === axis ? n : 1));
  return fromArray(Int32Array.from({ length: n }, (_, i) => i), shape, 'int32', x.backend('topk'));
}

/**
 * The `k` largest (or, with `largest: false`, smallest) elements along `dim` and their
 * indices, in order (largest first, or smallest first): PyTorch's `torch.topk(x, k, dim,
 * largest, sorted=True)`. Ties keep the lower index first; NaN counts as larger than every
 * number, as in PyTorch. It takes `k` passes of element-wise work over the input (O(k·n)
 * per row), suited to the small `k` of beam search over a large vocabulary; use {@link sort}
 * for a full ordering. The gradient flows to the selected elements.
 *
 * @example
 * ```ts
 * const { values, indices } = topk(tensor([[0.1, 0.5, 0.2, 0.9]]), 2);
 * values;  // [[0.9, 0.5]]
 * indices; // [[3, 1]]
 * topk(tensor([3, 1, 2]), 1, { largest: false }).indices; // [1]
 * ```
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): ValuesIndices {
  const op = 'topk';
  const axis = selectAxis(op, x, options.dim ?? -1);
  const largest = options.largest ?? true;
  if (typeof largest !== 'boolean') throw new ValueError(op, `largest must be a boolean, got ${String(largest)}`);
  const xs = atLeast1d(x);
  const n = xs.shape[axis]!;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new ValueError(op, `k must be an integer in [0, ${n}] (the size of dim ${axis} of [${x.shape}]), got ${k}`);
  }
  const isFloat = xs.dtype === 'float32';
  // NaN ranks above every number: first for the largest, last for the smallest. For the
  // smallest the key is -x with NaN at -Infinity, and ties at -Infinity prefer a non-NaN.
  const nan = isFloat && !largest ? ne(xs, xs) : null;
  const key = largest ? xs : nan ? where(nan, -Infinity, neg(xs)) : reversed(xs);
  // The value taken elements are masked with: no larger than any element still in the running.
  const lowest: Tensor | number = isFloat ? -Infinity : gatherTrusted(key, axis, argmax(sub(-1, key), axis, true));
  const pos = positions(xs, axis);
  const picked: Tensor[] = [];
  let taken: Tensor | null = null;
  for (let i = 0; i < k; i++) {
    const masked: Tensor = taken ? where(taken, lowest, key) : key;
    const m = max(masked, axis, true);
    let hit = eq(masked, m);
    if (isFloat && largest) hit = maximum(hit, minimum(ne(masked, masked), ne(m, m))); // NaN is the largest
    if (taken) hit = minimum(hit, eq(taken, 0));
    if (nan) {
      const preferred = minimum(hit, eq(nan, 0));
      hit = where(gt(max(cast(preferred, 'int32'), axis, true), 0), preferred, hit);
    }
    const idx = argmax(cast(hit, 'int32'), axis, true);
    picked.push(idx);
    const sel = eq(pos, idx);
    taken = taken ? maximum(taken, sel) : sel;
  }
  const shape = xs.shape.map((d, i) => (i === axis ? 0 : d));
  const indices = k === 0 ? fromArray(new Int32Array(0), shape, 'int32', xs.backend(op)) : cat(picked, axis);
  const values = gatherTrusted(xs, axis, indices);
  return { values, indices };
}

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** The dim to sort along (default -1, the last). */
  dim?: number;
  /** Largest first (default false: smallest first). */
  descending?: boolean;
}

/** The sorting permutation along `axis` (int32, `x`'s shape). */
function sortIndices(op: string, x: Tensor, options: SortOptions): Tensor {
  const axis = selectAxis(op, x, options.dim ?? -1);
  const descending = options.descending ?? false;
  if (typeof descending !== 'boolean') throw new ValueError(op, `descending must be a boolean, got ${String(descending)}`);
  const xs = atLeast1d(x);
  const n = xs.shape[axis]!;
  if (n === 0) return cast(xs, 'int32');
  // Rows along the last dim: element i against every element j, [..., i, j].
  const last = axis === xs.rank - 1 ? xs : transpose(xs, axis, -1);
  const a = unsqueeze(last, -1);
  const b = unsqueeze(last, -2);
  let before = descending ? gt(b, a) : lt(b, a); // j strictly before i
  let same = eq(b, a);
  if (xs.dtype === 'float32') {
    // NaN sorts as the largest value: last ascending, first descending; NaNs tie with each other.
    const nanA = ne(a, a);
    const nanB = ne(b, b);
    before = maximum(before, descending ? minimum(nanB, eq(nanA, 0)) : minimum(nanA, eq(nanB, 0)));
    same = maximum(same, minimum(nanA, nanB));
  }
  // Stable: among equal elements the lower index goes first.
  const lower = fromArray(Uint8Array.from({ length: n * n }, (_, t) => (t % n < Math.floor(t / n) ? 1 : 0)), [n, n], 'bool', xs.backend(op));
  const rank = sum(maximum(before, minimum(same, lower)), -1); // each element's place, [..., n]
  // The element whose place is p, for each p: [..., p, i] one-hot, times i, summed over i.
  const iRow = fromArray(Int32Array.from({ length: n }, (_, i) => i), [n], 'int32', xs.backend(op));
  const pCol = fromArray(Int32Array.from({ length: n }, (_, i) => i), [n, 1], 'int32', xs.backend(op));
  const order = sum(mul(cast(eq(unsqueeze(rank, -2), pCol), 'int32'), iRow), -1);
  const indices = axis === xs.rank - 1 ? order : transpose(order, axis, -1);
  return x.rank === 0 ? reshape(indices, []) : indices;
}

/**
 * Sorts along `dim` (default last), smallest first or `descending`, returning the sorted
 * values and the permutation (int32): PyTorch's `torch.sort(x, dim, descending, stable=True)`.
 * The sort is stable (equal elements keep their order) and NaN sorts as the largest value.
 * It compares every pair along the dim, O(n²) memory per row: meant for dims of up to a few
 * thousand; for the largest few of a long dim use {@link topk}. The gradient flows back
 * through the permutation.
 *
 * @example
 * ```ts
 * const { values, indices } = sort(tensor([3, 1, 2, 1]));
 * values;  // [1, 1, 2, 3]
 * indices; // [1, 3, 2, 0]
 * sort(tensor([[3, 1], [0, 5]]), { dim: 0, descending: true }).values; // [[3, 5], [0, 1]]
 * ```
 */
export function sort(x: Tensor, options: SortOptions = {}): ValuesIndices {
  const indices = sortIndices('sort', x, options);
  const axis = normalizeAxis('sort', options.dim ?? -1, Math.max(x.rank, 1));
  const values = x.rank === 0 ? reshape(x, []) : gatherTrusted(x, axis, indices);
  return { values, indices };
}

/**
 * The permutation (int32) that sorts `x` along `dim`: {@link sort}'s indices, with its rules
 * (stable, NaN largest, O(n²) memory per row).
 *
 * @example
 * ```ts
 * argsort(tensor([0.3, -1, 2]));                       // [1, 0, 2]
 * argsort(tensor([0.3, -1, 2]), { descending: true }); // [2, 0, 1]
 * ```
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  return sortIndices('argsort', x, options);
}
