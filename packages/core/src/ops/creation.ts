/**
 * Creating tensors from values, constants and random draws.
 *
 * @module
 */
import type { Backend, DataArray, DType } from '../backend/backend.js';
import { DTypeError, OutOfMemoryError, ShapeError, ValueError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import { checkShape, sizeOf } from '../shape.js';
import { BYTES_PER_ELEMENT } from '../memory.js';
import { fromArray, type Tensor } from '../tensor.js';

/** Nested arrays of numbers or booleans, as accepted by {@link tensor}. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Options shared by the creation functions. */
export interface TensorOptions {
  /** Element type; `float32` unless the values say otherwise (an Int32Array is int32). */
  dtype?: DType;
  /** Makes the new tensor a leaf that gradients flow to (float32 only). */
  requiresGrad?: boolean;
}

/**
 * The most elements a tensor can hold: 2^31 − 1. Int32 indices (argmax, gather, Embedding ids)
 * address no more, and it is the smallest typed-array length limit among JavaScript engines
 * (V8 in Node 20 allows 2^32).
 */
const MAX_ELEMENTS = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** @internal Checks `shape` and that a tensor can hold that many elements; returns the count. */
export function checkSize(op: string, shape: readonly number[]): number {
  checkShape(op, shape);
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS) {
    throw new ValueError(op, `shape [${shape}] holds ${n} elements, more than the ${MAX_ELEMENTS} (2^31 - 1) a tensor can hold`);
  }
  return n;
}

/**
 * @internal Checks that the number `value` is stored exactly as `dtype`: an integer in
 * [-2^31, 2^31 - 1] for int32 (ValueError out of range, DTypeError when not an integer), 0 or 1
 * for bool (DTypeError). `where` locates it in the message (e.g. ' at flat index 3').
 */
export function checkValue(op: string, value: number, dtype: DType, where = ''): void {
  if (dtype === 'int32') {
    if (!Number.isInteger(value)) throw new DTypeError(op, `value ${value}${where} is not an integer; dtype int32 needs integers`);
    if (value < INT32_MIN || value > INT32_MAX) {
      throw new ValueError(op, `value ${value}${where} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`);
    }
  } else if (dtype === 'bool' && value !== 0 && value !== 1) {
    throw new DTypeError(op, `value ${value}${where} is not 0/1/true/false; dtype bool needs those`);
  }
}

function checkDType(op: string, dtype: DType): void {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new DTypeError(op, `dtype must be 'float32', 'int32' or 'bool', got '${String(dtype)}'`);
  }
}

function allocate(op: string, dtype: DType, n: number): DataArray {
  try {
    return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  } catch (e) {
    // Under the element limit, only a failed allocation (out of memory) lands here.
    if (!(e instanceof RangeError)) throw e;
    const bytes = n * BYTES_PER_ELEMENT[dtype];
    throw new OutOfMemoryError(op, bytes, `could not allocate ${n} ${dtype} values (${bytes} bytes): ${e.message}`);
  }
}

function finish(
  values: DataArray,
  shape: readonly number[],
  dtype: DType,
  options: TensorOptions,
  op: string,
  backend?: Backend,
): Tensor {
  const t = fromArray(values, shape, dtype, backend);
  if (options.requiresGrad) {
    if (dtype !== 'float32') {
      t.dispose();
      throw new DTypeError(op, `only float32 tensors can require grad, got ${dtype}`);
    }
    t.requiresGrad = true;
  }
  return t;
}

/**
 * Makes a tensor from nested arrays, a number, or a flat typed array with a `shape`.
 * Typed arrays are copied, so later changes to them do not reach the tensor.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);                                   // float32 [2, 2]
 * tensor(new Int32Array([3, 1, 2]));                          // int32 [3]
 * tensor(new Float32Array(6), { shape: [2, 3] });
 * tensor([1, 2, 3], { dtype: 'int32' });
 * tensor([0.5, -1], { requiresGrad: true });
 * ```
 */
export function tensor(
  values: NestedArray | DataArray,
  options: TensorOptions & { shape?: readonly number[] } = {},
): Tensor {
  const op = 'tensor';
  if (ArrayBuffer.isView(values)) {
    const own: DType = values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
    if (!(values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array)) {
      throw new DTypeError(op, `typed array must be Float32Array, Int32Array or Uint8Array, got ${(values as object).constructor.name}`);
    }
    const dtype = options.dtype ?? own;
    checkDType(op, dtype);
    if (dtype !== own) {
      throw new DTypeError(op, `a ${values.constructor.name} holds ${own} values but dtype '${dtype}' was requested; convert explicitly`);
    }
    const shape = options.shape ?? [values.length];
    checkSize(op, shape);
    if (sizeOf(shape) !== values.length) {
      throw new ShapeError(op, `shape [${shape}] needs ${sizeOf(shape)} values, got ${values.length}`);
    }
    if (values instanceof Uint8Array) checkBool(op, values);
    return finish(values.slice(), shape, dtype, options, op);
  }
  const shape = inferShape(values);
  const flat: (number | boolean)[] = [];
  flatten(values, shape, 0, flat);
  const isBool = flat.length > 0 && typeof flat[0] === 'boolean';
  const dtype = options.dtype ?? (isBool ? 'bool' : 'float32');
  checkDType(op, dtype);
  if (options.shape) checkSize(op, options.shape);
  const out = allocate(op, dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    if (dtype !== 'float32') checkValue(op, v, dtype, ` at flat index ${i}`);
    out[i] = v;
  }
  if (options.shape) {
    if (sizeOf(options.shape) !== flat.length) {
      throw new ShapeError(op, `shape [${options.shape}] needs ${sizeOf(options.shape)} values, got ${flat.length}`);
    }
  }
  return finish(out, options.shape ?? shape, dtype, options, op);
}

function checkBool(op: string, values: Uint8Array): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > 1) throw new DTypeError(op, `bool values must be 0 or 1, got ${values[i]} at index ${i}`);
  }
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0] as NestedArray;
  }
  return shape;
}

function flatten(v: NestedArray, shape: readonly number[], dim: number, out: (number | boolean)[]): void {
  if (dim === shape.length) {
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ShapeError('tensor', `ragged nested array: expected a number at depth ${dim}`);
    }
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[dim]) {
    throw new ShapeError('tensor', `ragged nested array: expected ${shape[dim]} entries at depth ${dim}`);
  }
  for (const x of v as readonly NestedArray[]) flatten(x, shape, dim + 1, out);
}

/**
 * A tensor of `shape` filled with `value`. An int32 `value` must be an integer in
 * [-2^31, 2^31 - 1] and a bool one 0 or 1; a shape may hold at most 2^31 - 1 elements
 * (the creation functions all throw a ValueError beyond that).
 *
 * @example
 * ```ts
 * full([2, 3], 0.5);
 * full([2], 7, { dtype: 'int32' });
 * ```
 */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return fullOn(undefined, shape, value, options);
}

/** @internal {@link full} on a given backend (the current one when undefined); `op` names the caller in errors. */
export function fullOn(
  backend: Backend | undefined,
  shape: readonly number[],
  value: number,
  options: TensorOptions = {},
  op = 'full',
): Tensor {
  const n = checkSize(op, shape);
  const dtype = options.dtype ?? 'float32';
  checkDType(op, dtype);
  checkValue(op, value, dtype);
  const values = allocate(op, dtype, n);
  if (value !== 0) values.fill(value);
  return finish(values, shape, dtype, options, op, backend);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * zeros([2, 3]);                    // [[0, 0, 0], [0, 0, 0]]
 * zeros([4], { dtype: 'int32' });   // int32 [4]
 * ```
 */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return fullOn(undefined, shape, 0, options, 'zeros');
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * ones([2, 2]); // [[1, 1], [1, 1]]
 * ```
 */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return fullOn(undefined, shape, 1, options, 'ones');
}

/**
 * A scalar (rank-0) tensor.
 *
 * @example
 * ```ts
 * const s = scalar(3);
 * s.shape;  // []
 * s.item(); // 3
 * ```
 */
export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return fullOn(undefined, [], value, options, 'scalar');
}

/**
 * Evenly spaced values in `[start, end)` (one argument: `[0, end)`), float32 unless `dtype`
 * says otherwise. `start` and `end` must be finite; with int32, `start` and `step` must be
 * integers and every value must fit in int32.
 *
 * @example
 * ```ts
 * arange(5);            // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25);   // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const op = 'arange';
  if (end === undefined) [start, end] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ValueError(op, `start and end must be finite, got ${start} and ${end}`);
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(op, `step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = options.dtype ?? 'float32';
  checkDType(op, dtype);
  if (dtype === 'bool') throw new DTypeError(op, 'dtype bool is not supported');
  if (dtype === 'int32' && ![start, step].every(Number.isInteger)) {
    throw new DTypeError(op, `start ${start} and step ${step} must be integers for int32`);
  }
  checkSize(op, [n]);
  if (dtype === 'int32' && n > 0) {
    // The values run monotonically, so the first and the last are the extremes.
    checkValue(op, start, dtype, ' (element 0)');
    checkValue(op, start + (n - 1) * step, dtype, ` (element ${n - 1})`);
  }
  const values = allocate(op, dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return finish(values, [n], dtype, options, 'arange');
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** Generator to draw from; the global one (see `manualSeed`) by default. */
  generator?: Generator;
}

/**
 * Uniform samples in `[low, high)` (default `[0, 1)`) from the seeded generator. The bounds must
 * be finite with `low <= high` (a `ValueError` otherwise).
 *
 * @example
 * ```ts
 * manualSeed(0);
 * rand([2, 2]);
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  return randOn(undefined, shape, options);
}

function randOn(
  backend: Backend | undefined,
  shape: readonly number[],
  options: RandomOptions & { low?: number; high?: number },
  op = 'rand',
): Tensor {
  const n = checkSize(op, shape);
  checkFloat(op, options);
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new ValueError(op, `needs finite bounds with low <= high, got low ${low} and high ${high}`);
  }
  const g = options.generator ?? defaultGenerator();
  const span = high - low;
  const values = allocate(op, 'float32', n);
  for (let i = 0; i < values.length; i++) values[i] = low + span * g.uniform();
  return finish(values, shape, 'float32', options, op, backend);
}

/**
 * Normal samples with mean `mean` and standard deviation `std` (default 0 and 1); `mean` must be
 * finite and `std` finite and >= 0 (a `ValueError` otherwise).
 *
 * @example
 * ```ts
 * randn([3, 4], { std: 0.1 });
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return randnOn(undefined, shape, options);
}

function randnOn(
  backend: Backend | undefined,
  shape: readonly number[],
  options: RandomOptions & { mean?: number; std?: number },
  op = 'randn',
): Tensor {
  const n = checkSize(op, shape);
  checkFloat(op, options);
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  if (!Number.isFinite(mean)) throw new ValueError(op, `mean must be finite, got ${mean}`);
  if (!(Number.isFinite(std) && std >= 0)) throw new ValueError(op, `std must be finite and >= 0, got ${std}`);
  const g = options.generator ?? defaultGenerator();
  const values = allocate(op, 'float32', n);
  for (let i = 0; i < values.length; i++) values[i] = mean + std * g.normal();
  return finish(values, shape, 'float32', options, op, backend);
}

/** Random draws are float32: a request for another dtype is an error, not a silent float32. */
function checkFloat(op: string, options: TensorOptions): void {
  if (options.dtype !== undefined && options.dtype !== 'float32') {
    throw new DTypeError(op, `draws float32 values, got dtype '${String(options.dtype)}'; cast the result explicitly`);
  }
}

/**
 * Zeros with `t`'s shape and dtype, on `t`'s backend.
 *
 * @example
 * ```ts
 * zerosLike(tensor([[1, 2], [3, 4]])); // [[0, 0], [0, 0]]
 * ```
 */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return fullOn(t.backend('zerosLike'), t.shape, 0, { dtype: t.dtype, ...options }, 'zerosLike');
}

/**
 * Ones with `t`'s shape and dtype, on `t`'s backend.
 *
 * @example
 * ```ts
 * onesLike(tensor([5, 6, 7], { dtype: 'int32' })); // int32 [3]
 * ```
 */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return fullOn(t.backend('onesLike'), t.shape, 1, { dtype: t.dtype, ...options }, 'onesLike');
}

/**
 * `value` everywhere, with `t`'s shape and dtype, on `t`'s backend.
 *
 * @example
 * ```ts
 * fullLike(tensor([[1, 2]]), -1); // [[-1, -1]]
 * ```
 */
export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return fullOn(t.backend('fullLike'), t.shape, value, { dtype: t.dtype, ...options }, 'fullLike');
}

/**
 * Uniform samples with `t`'s shape, on `t`'s backend.
 *
 * @example
 * ```ts
 * const noise = randLike(zeros([2, 3]), { low: -0.1, high: 0.1 });
 * noise.shape; // [2, 3]
 * ```
 */
export function randLike(t: Tensor, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  return randOn(t.backend('randLike'), t.shape, options, 'randLike');
}

/**
 * Normal samples with `t`'s shape, on `t`'s backend.
 *
 * @example
 * ```ts
 * const w = zeros([3, 3]);
 * const jitter = randnLike(w, { std: 0.01 }); // float32 [3, 3]
 * ```
 */
export function randnLike(t: Tensor, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return randnOn(t.backend('randnLike'), t.shape, options, 'randnLike');
}
