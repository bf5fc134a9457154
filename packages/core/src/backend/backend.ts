/**
 * The backend contract: everything a backend must implement for Profundo to run on it.
 *
 * Core owns shapes, dtypes, broadcasting rules, autograd and memory scopes; a backend owns
 * only bytes and the loops over them. Every kernel receives fully validated inputs (core has
 * already checked shapes, dtypes, axes and index values and computed the output shape) and
 * returns a fresh {@link DataHandle} for a dense, row-major result. Each kernel's comment says
 * which dtypes it receives and the dtype of its result; rules shared by all of them:
 *
 * - **Inputs are never mutated**, not even temporarily (the conformance kit reads every input
 *   back after every kernel call).
 * - **Any dim may be 0 or 1.** A size-0 dim makes an empty result (a kernel still returns a
 *   handle); size-1 dims broadcast.
 * - **float32** results are float32 values. A backend may compute, and even store, in higher
 *   precision (float64, say) and round when read: the kit's tolerances allow it. NaN and
 *   ±Infinity follow IEEE 754 (`x / 0 = ±Inf`, `0 / 0 = NaN`, `Inf - Inf = NaN`,
 *   `0 · Inf = NaN`, in `matmul` too) and **NaN propagates**: every op of a NaN operand is NaN
 *   unless its comment says otherwise (comparisons, `cast`, `pow(NaN, 0) = 1`). The sign of a
 *   zero result is not specified (`sign(-0)` and `relu(-0)` may give `-0` or `0`).
 * - **int32** arithmetic wraps modulo 2^32 (two's complement) like C's and PyTorch's, within
 *   {@link Backend.maxExactInt}.
 * - **bool** values are 0 (false) and 1 (true); false < true.
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

/**
 * Element-wise functions of one argument. The output dtype equals the input dtype.
 *
 * - float32: every op, with IEEE values at the edges: `exp(-Inf) = 0`, `exp(Inf) = Inf`,
 *   `log(0) = -Inf`, `log(x < 0) = NaN`, `sqrt(x < 0) = NaN`, `sigmoid(±Inf) = 1 / 0`,
 *   `tanh(±Inf) = erf(±Inf) = ±1`, `sin(±Inf) = cos(±Inf) = NaN`, `relu(Inf) = Inf`,
 *   `sign(±Inf) = ±1`, `abs(-Inf) = Inf`. Every op of NaN is NaN: `sign(NaN)`, `relu(NaN)`
 *   and `abs(NaN)` included.
 * - int32: `neg`, `abs`, `sign`, `relu` only; `neg` and `abs` wrap (`abs(-2^31) = -2^31`).
 */
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
 * dtype. Arithmetic ops and `maximum` / `minimum` keep it; comparisons (`eq`, `ne`, `lt`,
 * `le`, `gt`, `ge`) return `bool`.
 *
 * - float32: every op. `pow` is JavaScript's `Math.pow`: `(-2)^3 = -8`, `(-2)^0.5 = NaN`,
 *   `x^0 = 1` (NaN too), `0^-1 = Inf`, `1^NaN = NaN`. `maximum` / `minimum` are NaN when
 *   either input is NaN. Comparisons with a NaN are false, except `ne`, which is true.
 * - int32: every op, in ordinary integer order. `add`, `sub`, `mul` and `pow` wrap modulo 2^32.
 *   `div` truncates toward zero (`-7 / 2 = -3`), `x / 0 = 0` for every `x`, and
 *   `-2^31 / -1 = -2^31` (wraps). `pow` is integer exponentiation: `x^0 = 1` (`0^0` too); a
 *   negative exponent gives the real result truncated toward zero: `1^-n = 1`,
 *   `(-1)^-n = ±1` by parity, `0^-n = 0` (the `x / 0` rule), any other base 0.
 * - bool: `maximum` (logical or), `minimum` (logical and) and the comparisons only; core
 *   rejects arithmetic on bool.
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

/**
 * Reductions over a set of axes, on float32 and int32 (core casts bool to int32 before summing).
 * `sum` follows IEEE on float32 (any NaN, or `Inf + -Inf`, gives NaN) and wraps on int32;
 * `max` is NaN when any reduced element is NaN.
 */
export type ReduceOp = 'sum' | 'max';

/**
 * The interface a backend implements. The required part is the primitive kernel set below;
 * the optional `fused` kernels are faster versions of composites that core falls back to when
 * they are absent. A third-party backend proves itself with `@profundo/core/testing`.
 */
export interface Backend {
  /**
   * A short label for messages, e.g. `'cpu'`. It need not equal the name the backend is
   * registered under: core names a backend by its registered name everywhere (errors,
   * `memory().backends`), so one backend class can be registered twice as `'cpu-a'` and `'cpu-b'`.
   */
  readonly name: string;

  /**
   * The largest integer magnitude this backend's int32 tensors hold exactly. Absent means
   * `2^31 - 1`: the full int32 range, with the wrapping rules above. A backend that stores
   * integers in float32 (backend-gpujs) declares `2^24` and rejects writes of int32 values
   * beyond it; results of int32 arithmetic beyond it are then unspecified (the conformance kit
   * checks overflow and wrapping only within the declared range). `cast` to int32 saturates as
   * specified whatever this says.
   */
  readonly maxExactInt?: number;

  // ----- memory -----------------------------------------------------------------------------

  /**
   * Stores `values` (row-major, `values.length` = product of `shape`) and returns a handle.
   * The typed array matches `dtype` ({@link TypedArrayFor}); bool values are 0 or 1.
   * The backend may keep `values` without copying: core never mutates an array after writing it.
   */
  write<D extends DType>(values: TypedArrayFor<D>, shape: readonly number[], dtype: D): DataHandle;
  /**
   * Reads a tensor's values back as the typed array of `info.dtype` ({@link TypedArrayFor}).
   * The caller owns the returned array: it may modify it, so it must never be the backend's
   * own storage (return a copy).
   */
  read(info: TensorInfo): Promise<DataArray>;
  /**
   * Synchronous read, for backends that can (CPU, WebGL), with {@link Backend.read}'s rules.
   * Absent on async-only backends: core then validates index values from the host copy it keeps
   * of int32 tensors it wrote, or on the device, reporting bad ones at the next `data()`.
   */
  readSync?(info: TensorInfo): DataArray;
  /** Frees the storage behind a handle. Core calls it exactly once per handle. */
  dispose(handle: DataHandle): void;
  /**
   * The bytes the storage behind `handle` occupies, as `memory().bytes` should count it;
   * called once per handle. When absent core counts 4 bytes per float32 or int32 element and
   * 1 per bool: a backend that stores other widths (float64, padded textures) reports its own.
   */
  byteSize?(handle: DataHandle): number;

  // ----- element-wise -----------------------------------------------------------------------

  /** Applies `op` to every element of `x` (see {@link UnaryOp} for dtypes and edge values). */
  unary(op: UnaryOp, x: TensorInfo): DataHandle;
  /**
   * Applies `op` pairwise (see {@link BinaryOp}); `outShape` is the broadcast shape. `a` and `b`
   * may have lower rank than `outShape`: shapes are right-aligned (NumPy), each input dim 1 or
   * equal to the output's, e.g. `[3]` and `[4, 1, 3]` against `[2, 4, 5, 3]`.
   */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle;
  /**
   * `cond ? a : b` element-wise, all three broadcast to `outShape` right-aligned, as in
   * {@link Backend.binary}. `cond` is `bool`; `a` and `b` share any dtype, which the result
   * has. Values are selected, not computed: a NaN or Inf in the branch not taken never shows.
   */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle;
  /**
   * Converts to `dtype` (any dtype to any, a same-dtype cast copies):
   * float32 → int32 truncates toward zero, NaN → 0, and ±Inf or values outside the int32 range
   * saturate to `2147483647` / `-2147483648`; anything → bool is `x != 0` (NaN → true);
   * int32 → float32 rounds to nearest (`2^24 + 1 → 2^24`); bool → number gives 0 / 1.
   */
  cast(x: TensorInfo, dtype: DType): DataHandle;

  // ----- reductions -------------------------------------------------------------------------

  /**
   * Reduces float32 or int32 `x` over `axes` (sorted, unique, non-empty; see {@link ReduceOp}).
   * The result has `x`'s dtype and shape with those axes removed. `sum` over an empty axis
   * gives 0; `max` over one is never requested.
   */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle;
  /**
   * Index (int32) of the FIRST maximum along `axis` of float32 or int32 `x`; the result drops
   * that axis. A NaN counts as larger than every number, so with NaNs present the result is the
   * index of the first NaN. Never requested over an empty axis.
   */
  argmax(x: TensorInfo, axis: number): DataHandle;

  // ----- linear algebra ---------------------------------------------------------------------

  /**
   * Batched float32 matrix product of `a: [Ba, M, K]` and `b: [Bb, K, N]` (or their transposes
   * when `transA` / `transB`, i.e. `a: [Ba, K, M]`, `b: [Bb, N, K]`), giving `[B, M, N]`.
   * `Ba` and `Bb` are equal, or one of them is 1 and broadcasts. Any size may be 0 (`K = 0`
   * gives zeros). Sums of products follow IEEE: a NaN in a row of `a` makes that output row NaN,
   * `Inf · 0 = NaN` (skipping zero terms is not allowed); the summation order is free.
   */
  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle;

  // ----- movement ---------------------------------------------------------------------------
  // Any dtype; the result has `x`'s dtype, and values (NaN, ±Inf, every int32) move unchanged.

  /** Reorders axes: output axis `i` is input axis `perm[i]`. */
  permute(x: TensorInfo, perm: readonly number[]): DataHandle;
  /** Broadcasts `x` (same rank as `shape`, each dim 1 or equal) to `shape` by repetition. */
  expand(x: TensorInfo, shape: readonly number[]): DataHandle;
  /** The box `begin[i] <= idx[i] < begin[i] + size[i]`, all within bounds. */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle;
  /**
   * Pads each axis with `pads[i] = [before, after]` (non-negative) copies of `value`, which is
   * representable in `x`'s dtype (an integer for int32, 0 or 1 for bool; ±Infinity for float32).
   */
  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle;
  /** Joins tensors of one dtype (the result's) along `axis`; all other dims agree; any may be empty. */
  concat(xs: readonly TensorInfo[], axis: number): DataHandle;
  /**
   * PyTorch's `gather`: `out[i][j][k] = x[index[i][j][k]][j][k]` for `axis = 0`, etc. `index` is
   * int32 with `x`'s rank, every dim but `axis` no larger than `x`'s, values in range (core
   * checks them). The result has `index`'s shape and `x`'s dtype.
   */
  gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle;
  /**
   * The adjoint of `gather`: a float32 zero tensor of `outShape` into which each float32 `src`
   * element is added at the position the int32 `index` names along `axis` (`index` and `src`
   * share a shape; values in range). Sums follow IEEE (`Inf + -Inf = NaN`) in any order.
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

/**
 * Geometry of a 2-D convolution, as core hands it to the fused conv kernels (all values are
 * validated positive / non-negative integers, and the output size is at least 1×1).
 *
 * With input `[N, C, H, W]` and weight `[O, C / groups, kH, kW]` the output is
 * `[N, O, OH, OW]` where `OH = floor((H + top + bottom - dH·(kH - 1) - 1) / sH) + 1` and
 * likewise `OW` with `left`, `right`, `dW`, `kW`, `sW`.
 */
export interface Conv2dParams {
  /** `[sH, sW]`: step between neighbouring output positions. */
  readonly stride: readonly [number, number];
  /** `[top, bottom, left, right]`: implicit zeros around the input. */
  readonly padding: readonly [number, number, number, number];
  /** `[dH, dW]`: step between kernel taps. */
  readonly dilation: readonly [number, number];
  /** Channel groups: input channels `g·C/groups …` see only output channels `g·O/groups …`. */
  readonly groups: number;
}

/**
 * Geometry of a 2-D pooling window, as core hands it to the fused pooling kernels. The output
 * of input `[N, C, H, W]` is `[N, C, OH, OW]` with
 * `OH = floor((H + top + bottom - kH) / sH) + 1` (likewise `OW`); every window overlaps the
 * input (core checks that padding is at most half the window).
 */
export interface Pool2dParams {
  /** `[kH, kW]`: window size. */
  readonly kernelSize: readonly [number, number];
  /** `[sH, sW]`: step between windows. */
  readonly stride: readonly [number, number];
  /** `[top, bottom, left, right]`: padding around the input (see each kernel for its value). */
  readonly padding: readonly [number, number, number, number];
}

/**
 * Optional kernels a backend may provide for speed (the conformance kit reports the cases of an
 * absent one as skipped). Each must match core's composite (built from the primitives above) to
 * float32 rounding, NaN and ±Inf included, and must handle `N = 0`. Core uses a fused forward kernel only when
 * either no gradient is needed or the kernels of its backward are present too: `conv2d` with
 * `conv2dBackpropInput` and `conv2dBackpropFilter`, `maxPool2d` with `maxPool2dBackprop`,
 * `avgPool2d` with `avgPool2dBackprop`. All tensors here are float32 and NCHW; weights OIHW.
 */
export interface FusedKernels {
  /**
   * `softmax` along the last axis of a float32 tensor. As core's composite: `-Inf` entries get
   * 0, and a row holding a NaN or `+Inf` (or only `-Inf`) is all NaN.
   */
  softmax?(x: TensorInfo): DataHandle;
  /** `logSoftmax` along the last axis of a float32 tensor. */
  logSoftmax?(x: TensorInfo): DataHandle;

  /**
   * Cross-correlation (PyTorch's `conv2d` without bias) of `x: [N, C, H, W]` with
   * `weight: [O, C / groups, kH, kW]`, giving `[N, O, OH, OW]`:
   * `y[n, o, i, j] = Σ_{c, p, q} x[n, g·C/groups + c, i·sH + p·dH - top, j·sW + q·dW - left] · weight[o, c, p, q]`
   * where `g = floor(o / (O / groups))` and `x` reads 0 outside the input.
   */
  conv2d?(x: TensorInfo, weight: TensorInfo, params: Conv2dParams): DataHandle;
  /**
   * The gradient of {@link FusedKernels.conv2d} with respect to `x`: given `dy: [N, O, OH, OW]`
   * and the weight, returns `dx` of `inputShape` (`[N, C, H, W]`), the adjoint of the forward
   * map (every tap adds `dy · weight` back into the input position it read; taps that read
   * padding add nothing).
   */
  conv2dBackpropInput?(
    dy: TensorInfo,
    weight: TensorInfo,
    inputShape: readonly number[],
    params: Conv2dParams,
  ): DataHandle;
  /**
   * The gradient of {@link FusedKernels.conv2d} with respect to the weight: given the forward
   * input `x` and `dy`, returns `dw` of `weightShape` (`[O, C / groups, kH, kW]`),
   * `dw[o, c, p, q] = Σ_{n, i, j} dy[n, o, i, j] · x[n, g·C/groups + c, i·sH + p·dH - top, j·sW + q·dW - left]`.
   */
  conv2dBackpropFilter?(
    x: TensorInfo,
    dy: TensorInfo,
    weightShape: readonly number[],
    params: Conv2dParams,
  ): DataHandle;

  /**
   * Max pooling of `x: [N, C, H, W]`: each output is the maximum of its window, padding
   * counting as -Infinity (so never chosen); a window holding a NaN gives NaN.
   */
  maxPool2d?(x: TensorInfo, params: Pool2dParams): DataHandle;
  /**
   * The gradient of {@link FusedKernels.maxPool2d} with respect to `x` (shape of `x`): each
   * `dy` element is added at the position of its window's FIRST maximum in `x` (scanning the
   * window row by row), as PyTorch routes it; a NaN counts as the maximum (the first NaN wins).
   */
  maxPool2dBackprop?(dy: TensorInfo, x: TensorInfo, params: Pool2dParams): DataHandle;
  /**
   * Average pooling of `x: [N, C, H, W]`, padding counting as 0. The divisor is `kH · kW` when
   * `countIncludePad`, else the number of window positions inside the input.
   */
  avgPool2d?(x: TensorInfo, params: Pool2dParams, countIncludePad: boolean): DataHandle;
  /**
   * The gradient of {@link FusedKernels.avgPool2d} with respect to its input, of
   * `inputShape`: each `dy` element divided by its window's divisor is added to every input
   * position of the window.
   */
  avgPool2dBackprop?(
    dy: TensorInfo,
    inputShape: readonly number[],
    params: Pool2dParams,
    countIncludePad: boolean,
  ): DataHandle;
}
