/**
 * The backend contract: everything a backend must implement for Profundo to run on it.
 *
 * Core owns shapes, dtypes, broadcasting rules, autograd and memory scopes; a backend owns
 * only bytes and the loops over them. Every kernel receives fully validated inputs (core has
 * already checked shapes and dtypes and computed the output shape) and returns a fresh
 * {@link DataHandle} for a dense, row-major result. Kernels never mutate their inputs.
 *
 * @module
 */

/** Element types a tensor can hold. `bool` holds 0/1 and is what comparisons return. */
export type DType = 'float32' | 'int32' | 'bool';

/** The typed array that carries each dtype's values across the contract. */
export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : Uint8Array;

/** Any of the typed arrays used for tensor values. */
export type DataArray = Float32Array | Int32Array | Uint8Array;

/**
 * An opaque reference to a backend's storage. Core never looks inside it; only the backend
 * that created it can read, use or free it.
 */
export type DataHandle = object;

/** What a kernel receives for each input: the storage plus the metadata core tracks. */
export interface TensorInfo {
  readonly handle: DataHandle;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Element-wise functions of one argument. The output dtype equals the input dtype. */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'erf'
  | 'sin'
  | 'cos';

/**
 * Element-wise functions of two arguments with NumPy broadcasting. Both inputs share one
 * dtype. Arithmetic ops keep it; comparisons (`eq`, `ne`, `lt`, `le`, `gt`, `ge`) return `bool`.
 * `div` on int32 truncates toward zero; `pow` on int32 is integer exponentiation.
 */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge';

/** Reductions over a set of axes. `sum` of `bool` is not used; core casts first. */
export type ReduceOp = 'sum' | 'max';

/**
 * The interface a backend implements. The required part is the primitive kernel set below;
 * the optional `fused` kernels are faster versions of composites that core falls back to when
 * they are absent. A third-party backend proves itself with `@profundo/core/testing`.
 */
export interface Backend {
  /** A short name, e.g. `'cpu'`. */
  readonly name: string;

  // ----- memory -----------------------------------------------------------------------------

  /**
   * Stores `values` (row-major, `values.length` = product of `shape`) and returns a handle.
   * The backend may keep `values` without copying: core never mutates an array after writing it.
   */
  write(values: DataArray, shape: readonly number[], dtype: DType): DataHandle;
  /** Reads a tensor's values back. The caller owns the returned array. */
  read(info: TensorInfo): Promise<DataArray>;
  /** Synchronous read, for backends that can (CPU, WebGL). Absent on async-only backends. */
  readSync?(info: TensorInfo): DataArray;
  /** Frees the storage behind a handle. Core calls it exactly once per handle. */
  dispose(handle: DataHandle): void;

  // ----- element-wise -----------------------------------------------------------------------

  /** Applies `op` to every element of `x`. */
  unary(op: UnaryOp, x: TensorInfo): DataHandle;
  /** Applies `op` pairwise with broadcasting; `outShape` is the broadcast shape. */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle;
  /** `cond ? a : b` element-wise (cond is `bool`), all three broadcast to `outShape`. */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle;
  /** Converts to another dtype: float→int truncates toward zero, anything→bool is `x != 0`. */
  cast(x: TensorInfo, dtype: DType): DataHandle;

  // ----- reductions -------------------------------------------------------------------------

  /**
   * Reduces over `axes` (sorted, unique, non-empty). The result has `x`'s shape with those axes
   * removed. `max` over an empty axis is not requested; `sum` over one gives 0.
   */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle;
  /** Index (int32) of the first maximum along `axis`; the result drops that axis. */
  argmax(x: TensorInfo, axis: number): DataHandle;

  // ----- linear algebra ---------------------------------------------------------------------

  /**
   * Batched float32 matrix product of `a: [Ba, M, K]` and `b: [Bb, K, N]` (or their transposes
   * when `transA` / `transB`, i.e. `a: [Ba, K, M]`, `b: [Bb, N, K]`), giving `[B, M, N]`.
   * `Ba` and `Bb` are equal, or one of them is 1 and broadcasts.
   */
  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle;

  // ----- movement ---------------------------------------------------------------------------

  /** Reorders axes: output axis `i` is input axis `perm[i]`. */
  permute(x: TensorInfo, perm: readonly number[]): DataHandle;
  /** Broadcasts `x` (same rank as `shape`, each dim 1 or equal) to `shape` by repetition. */
  expand(x: TensorInfo, shape: readonly number[]): DataHandle;
  /** The box `begin[i] <= idx[i] < begin[i] + size[i]`, all within bounds. */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle;
  /** Pads each axis with `pads[i] = [before, after]` (non-negative) copies of `value`. */
  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle;
  /** Joins tensors of one dtype along `axis`; all other dims agree. */
  concat(xs: readonly TensorInfo[], axis: number): DataHandle;
  /**
   * PyTorch's `gather`: `out[i][j][k] = x[index[i][j][k]][j][k]` for `axis = 0`, etc. `index` is
   * int32 with `x`'s rank, every dim but `axis` no larger than `x`'s, values in range.
   */
  gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle;
  /**
   * The adjoint of `gather`: a float32 zero tensor of `outShape` into which each `src` element
   * is added at the position `index` names along `axis` (`index` and `src` share a shape).
   */
  scatterAdd(
    index: TensorInfo,
    src: TensorInfo,
    axis: number,
    outShape: readonly number[],
  ): DataHandle;

  // ----- optional fused kernels -------------------------------------------------------------

  /** Faster versions of composites; core uses them when present. */
  readonly fused?: FusedKernels;
}

/** Optional kernels a backend may provide for speed. Each must match core's composite. */
export interface FusedKernels {
  /** `softmax` along the last axis of a float32 tensor. */
  softmax?(x: TensorInfo): DataHandle;
  /** `logSoftmax` along the last axis of a float32 tensor. */
  logSoftmax?(x: TensorInfo): DataHandle;
}
