/**
 * Shape and movement ops: views (reshape and friends) share storage; the rest copy through
 * a backend kernel. Each backward is the op's adjoint movement.
 *
 * @module
 */
import { record } from '../autograd/graph.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { checkShape, normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import { fromArray, viewOf, type Tensor } from '../tensor.js';
import { gatherTrusted } from './conv.js';
import { sumTo } from './reduce.js';
import { freeOnError, live, runKernel, sameBackend } from './run.js';
import { uncheckedNumerics } from '../numerics.js';

/**
 * The same values in a new shape; one entry may be -1 (inferred). Shares storage.
 *
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const resolved = resolveShape('reshape', x, shape);
  const out = viewOf('reshape', x, resolved);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) throw new ShapeError(op, `only one dim may be -1, got [${shape}]`);
  if (unknown >= 0) {
    const rest = sizeOf(out.filter((_, i) => i !== unknown));
    if (rest === 0 || x.size % rest !== 0) {
      throw new ShapeError(op, `cannot infer the -1 in [${shape}] for ${x.size} elements (shape [${x.shape}])`);
    }
    out[unknown] = x.size / rest;
  }
  checkShape(op, out);
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(op, `cannot reshape [${x.shape}] (${x.size} elements) to [${shape}] (${sizeOf(out)} elements)`);
  }
  return out;
}

/**
 * Flattens dims `startDim..endDim` (inclusive) into one.
 *
 * @example
 * ```ts
 * flatten(zeros([8, 3, 4, 4])).shape;    // [384]
 * flatten(zeros([8, 3, 4, 4]), 1).shape; // [8, 48]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  live('flatten', x);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startDim, x.rank);
  const e = normalizeAxis('flatten', endDim, x.rank);
  if (s > e) throw new ShapeError('flatten', `startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Reorders dims: output dim `i` is input dim `dims[i]`.
 *
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  live('permute', x);
  if (dims.length !== x.rank) {
    throw new ShapeError('permute', `needs ${x.rank} dims for shape [${x.shape}], got [${dims}]`);
  }
  const perm = dims.map((d) => normalizeAxis('permute', d, x.rank));
  if (new Set(perm).size !== perm.length) throw new ShapeError('permute', `dims [${dims}] repeat a dim`);
  if (perm.every((p, i) => p === i)) return reshape(x, x.shape);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  const shape = perm.map((p) => x.shape[p]!);
  return runKernel('permute', [x], shape, x.dtype, (be, [xi]) => be.permute(xi!, perm), (g) => [permute(g, inverse)]);
}

/**
 * Swaps two dims (by default the last two).
 *
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3], [4, 5, 6]])); // [[1, 4], [2, 5], [3, 6]]
 * transpose(zeros([2, 3, 4]), 0, 2).shape;   // [4, 3, 2]
 * ```
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  live('transpose', x);
  const a = normalizeAxis('transpose', dim0, x.rank);
  const b = normalizeAxis('transpose', dim1, x.rank);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * Removes size-1 dims: all of them, or only `dim` (which must have size 1).
 *
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape;    // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape; // [3, 1]
 * ```
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  live('squeeze', x);
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis('squeeze', dim, x.rank);
  if (x.shape[a] !== 1) throw new ShapeError('squeeze', `dim ${dim} has size ${x.shape[a]}, not 1 (shape [${x.shape}])`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/**
 * Inserts a size-1 dim at `dim` (in `[-rank-1, rank]`).
 *
 * @example
 * ```ts
 * unsqueeze(tensor([1, 2, 3]), 0); // [[1, 2, 3]]
 * unsqueeze(tensor([1, 2, 3]), -1).shape; // [3, 1]
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  live('unsqueeze', x);
  const a = normalizeAxis('unsqueeze', dim, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/**
 * Broadcasts `x` to `shape` (NumPy alignment from the right; -1 keeps a dim). Only size-1
 * dims grow; new leading dims may be added.
 *
 * @example
 * ```ts
 * expand(tensor([[1], [2]]), [2, 3]); // [[1, 1, 1], [2, 2, 2]]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  live('expand', x);
  const lead = shape.length - x.rank;
  if (lead < 0) throw new ShapeError('expand', `cannot expand [${x.shape}] to fewer dims [${shape}]`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  checkShape('expand', target);
  for (let i = 0; i < x.rank; i++) {
    const d = x.shape[i]!;
    if (d !== 1 && d !== target[i + lead]) {
      throw new ShapeError('expand', `cannot expand [${x.shape}] to [${shape}]: dim ${i} has size ${d}, not 1`);
    }
  }
  const aligned = lead > 0 ? reshape(x, [...new Array<number>(lead).fill(1), ...x.shape]) : x;
  if (shapesEqual(aligned.shape, target)) return aligned === x ? reshape(x, target) : aligned;
  return runKernel('expand', [aligned], target, x.dtype, (be, [xi]) => be.expand(xi!, target), (g) => [sumTo(g, aligned.shape)]);
}

/**
 * The box that starts at `begin` and has `size` (-1: to the end of that dim) in each dim.
 *
 * @example
 * ```ts
 * slice(arange(10).reshape(2, 5), [0, 1], [2, 3]); // [[1, 2, 3], [6, 7, 8]]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  live('slice', x);
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new ShapeError('slice', `begin [${begin}] and size [${size ?? ''}] need ${x.rank} entries for shape [${x.shape}]`);
  }
  const sz = x.shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s === -1 ? d - begin[i]! : s;
  });
  for (let i = 0; i < x.rank; i++) {
    const b = begin[i]!;
    const s = sz[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > x.shape[i]!) {
      throw new ShapeError('slice', `box begin [${begin}] size [${sz}] does not fit in shape [${x.shape}] (dim ${i})`);
    }
  }
  if (shapesEqual(sz, x.shape)) return reshape(x, x.shape);
  return runKernel('slice', [x], sz, x.dtype, (be, [xi]) => be.slice(xi!, begin, sz), (g) => [
    pad(g, x.shape.map((d, i) => [begin[i]!, d - begin[i]! - sz[i]!] as [number, number])),
  ]);
}

/**
 * `length` entries of `dim` starting at `start` (negative `start` counts from the end).
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * narrow(x, 1, 1, 2);  // [[2, 3], [5, 6]]
 * narrow(x, 0, -1, 1); // [[4, 5, 6]]
 * ```
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  live('narrow', x);
  const a = normalizeAxis('narrow', dim, x.rank);
  const n = x.shape[a]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new ShapeError('narrow', `start ${start} and length ${length} do not fit in dim ${a} of size ${n} (shape [${x.shape}])`);
  }
  const begin = x.shape.map((_, i) => (i === a ? s : 0));
  const size = x.shape.map((d, i) => (i === a ? length : d));
  return slice(x, begin, size);
}

/** How {@link pad} fills: PyTorch's `F.pad` modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link pad}. */
export interface PadOptions {
  /**
   * `'constant'` (default: copies of `value`), `'reflect'` (mirrored without repeating the
   * edge: `[1, 2, 3]` padded by 2 reads `3 2 | 1 2 3 | 2 1`; each pad smaller than its dim),
   * `'replicate'` (the edge repeated) or `'circular'` (wrapped around; each pad at most its dim).
   */
  mode?: PadMode;
  /** The fill of `'constant'` (default 0). */
  value?: number;
}

/**
 * Pads each dim with `pads[i] = [before, after]` entries: copies of `value` (default 0), or
 * with `{ mode }` reflected, replicated or wrapped values as PyTorch's `F.pad` modes. The
 * non-constant modes gather from `x`, so the gradient of each padded entry flows back to the
 * entry it copies.
 *
 * @example
 * ```ts
 * pad(tensor([1, 2]), [[1, 2]]); // [0, 1, 2, 0, 0]
 * pad(tensor([1, 2, 3]), [[2, 2]], { mode: 'reflect' });   // [3, 2, 1, 2, 3, 2, 1]
 * pad(tensor([1, 2, 3]), [[1, 2]], { mode: 'replicate' }); // [1, 1, 2, 3, 3, 3]
 * pad(tensor([1, 2, 3]), [[1, 2]], { mode: 'circular' });  // [3, 1, 2, 3, 1, 2]
 * ```
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value: number | PadOptions = 0): Tensor {
  live('pad', x);
  if (pads.length !== x.rank) throw new ShapeError('pad', `needs ${x.rank} [before, after] pairs, got ${pads.length}`);
  for (const [b, a] of pads) {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new ValueError('pad', `padding must be non-negative integers, got [${b}, ${a}]`);
    }
  }
  const options: PadOptions = typeof value === 'number' ? { value } : (value ?? {});
  const mode = options.mode ?? 'constant';
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode)) {
    throw new ValueError('pad', `mode must be 'constant', 'reflect', 'replicate' or 'circular', got '${String(mode)}'`);
  }
  if (mode !== 'constant') return padByIndex(x, pads, mode, options);
  const fill = options.value ?? 0;
  if (typeof fill !== 'number') throw new ValueError('pad', `value must be a number, got ${typeof fill}`);
  const shape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  const run = (): Tensor =>
    runKernel('pad', [x], shape, x.dtype, (be, [xi]) => be.pad(xi!, pads, fill), (g) => [
      slice(g, pads.map((p) => p[0]), x.shape),
    ]);
  // A non-finite fill value is asked for (max pooling pads with -Infinity): not a numerics fault.
  return Number.isFinite(fill) ? run() : uncheckedNumerics(run);
}

/** `pad` in the reflect / replicate / circular modes: one gather per padded dim. */
function padByIndex(x: Tensor, pads: readonly (readonly [number, number])[], mode: Exclude<PadMode, 'constant'>, options: PadOptions): Tensor {
  if (options.value !== undefined) throw new ValueError('pad', `value applies to mode 'constant' only, got mode '${mode}'`);
  pads.forEach(([b, a], i) => {
    const n = x.shape[i]!;
    const limit = mode === 'reflect' ? `smaller than` : mode === 'circular' ? 'at most' : '';
    const bad = mode === 'reflect' ? b >= n || a >= n : mode === 'circular' ? b > n || a > n : n === 0;
    if ((b > 0 || a > 0) && bad) {
      throw new ValueError(
        'pad',
        mode === 'replicate'
          ? `mode 'replicate' cannot pad dim ${i} of size 0 (shape [${x.shape}])`
          : `mode '${mode}' needs each padding ${limit} its dim: [${b}, ${a}] for dim ${i} of size ${n} (shape [${x.shape}])`,
      );
    }
  });
  let y = x;
  pads.forEach(([b, a], axis) => {
    if (b === 0 && a === 0) return;
    const n = x.shape[axis]!;
    const len = n + b + a;
    const source = Int32Array.from({ length: len }, (_, i) => {
      const j = i - b;
      if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
      if (mode === 'circular') return ((j % n) + n) % n;
      return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
    });
    const outShape = y.shape.map((d, i) => (i === axis ? len : d));
    const index = expand(fromArray(source, y.shape.map((_, i) => (i === axis ? len : 1)), 'int32', y.backend('pad')), outShape);
    y = gatherTrusted(y, axis, index);
  });
  return y;
}

/**
 * Joins tensors along `dim`; every other dim must agree.
 *
 * @example
 * ```ts
 * cat([zeros([2, 3]), ones([1, 3])], 0).shape; // [3, 3]
 * ```
 */
export function cat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new ValueError('cat', 'needs at least one tensor');
  live('cat', ...xs);
  const first = xs[0]!;
  const axis = normalizeAxis('cat', dim, first.rank);
  for (const t of xs) {
    if (t.dtype !== first.dtype) throw new DTypeError('cat', `all tensors need dtype ${first.dtype}, got ${t.dtype}`);
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw new ShapeError('cat', `shapes [${first.shape}] and [${t.shape}] differ outside dim ${axis}`);
    }
  }
  sameBackend('cat', xs);
  if (xs.length === 1) return reshape(first, first.shape);
  const shape = [...first.shape];
  shape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
  return runKernel('cat', xs, shape, first.dtype, (be, infos) => be.concat(infos, axis), (g) => {
    let offset = 0;
    return xs.map((t) => {
      const part = narrow(g, axis, offset, t.shape[axis]!);
      offset += t.shape[axis]!;
      return part;
    });
  });
}

/**
 * Stacks same-shaped tensors along a new dim `dim`.
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]);    // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new ValueError('stack', 'needs at least one tensor');
  live('stack', ...xs);
  const first = xs[0]!;
  for (const t of xs) {
    if (t.dtype !== first.dtype) throw new DTypeError('stack', `all tensors need dtype ${first.dtype}, got ${t.dtype}`);
    if (!shapesEqual(t.shape, first.shape)) throw new ShapeError('stack', `shapes [${first.shape}] and [${t.shape}] differ`);
  }
  sameBackend('stack', xs);
  const axis = normalizeAxis('stack', dim, first.rank + 1);
  // Checked above, so cat can only fail in its kernel; the views go with it then.
  const views = xs.map((t) => unsqueeze(t, axis));
  return freeOnError(views, () => cat(views, axis));
}
