/**
 * Creating tensors from values, constants and random draws.
 *
 * @module
 */
import type { Backend, DataArray, DType } from '../backend/backend.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import { checkShape, sizeOf } from '../shape.js';
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

function allocate(dtype: DType, n: number): DataArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
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
    if (dtype !== own) {
      throw new DTypeError(op, `a ${values.constructor.name} holds ${own} values but dtype '${dtype}' was requested; convert explicitly`);
    }
    const shape = options.shape ?? [values.length];
    checkShape(op, shape);
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
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    if (dtype === 'int32' && !Number.isInteger(v)) {
      throw new DTypeError(op, `value ${v} at flat index ${i} is not an integer; dtype int32 needs integers`);
    }
    if (dtype === 'bool' && v !== 0 && v !== 1) {
      throw new DTypeError(op, `value ${v} at flat index ${i} is not 0/1/true/false; dtype bool needs those`);
    }
    out[i] = v;
  }
  if (options.shape) {
    checkShape(op, options.shape);
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
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * full([2, 3], 0.5);
 * ```
 */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return fullOn(undefined, shape, value, options);
}

/** @internal {@link full} on a given backend (the current one when undefined). */
export function fullOn(backend: Backend | undefined, shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  checkShape('full', shape);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && !Number.isInteger(value)) {
    throw new DTypeError('full', `value ${value} is not representable as ${dtype}`);
  }
  const values = allocate(dtype, sizeOf(shape));
  if (value !== 0) values.fill(value);
  return finish(values, shape, dtype, options, 'full', backend);
}

/** A tensor of zeros. @example `zeros([2, 3])` */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones. @example `ones([4])` */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** A scalar (rank-0) tensor. @example `scalar(3)` */
export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return full([], value, options);
}

/**
 * Evenly spaced values in `[start, end)` (one argument: `[0, end)`), float32 unless `dtype`
 * says otherwise.
 *
 * @example
 * ```ts
 * arange(5);            // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25);   // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', `step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = options.dtype ?? 'float32';
  if (dtype === 'bool') throw new DTypeError('arange', 'dtype bool is not supported');
  if (dtype === 'int32' && ![start, step].every(Number.isInteger)) {
    throw new DTypeError('arange', `start ${start} and step ${step} must be integers for int32`);
  }
  const values = allocate(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return finish(values, [n], dtype, options, 'arange');
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** Generator to draw from; the global one (see `manualSeed`) by default. */
  generator?: Generator;
}

/**
 * Uniform samples in `[low, high)` (default `[0, 1)`) from the seeded generator.
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

function randOn(backend: Backend | undefined, shape: readonly number[], options: RandomOptions & { low?: number; high?: number }): Tensor {
  checkShape('rand', shape);
  const g = options.generator ?? defaultGenerator();
  const low = options.low ?? 0;
  const span = (options.high ?? 1) - low;
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = low + span * g.uniform();
  return finish(values, shape, 'float32', options, 'rand', backend);
}

/**
 * Normal samples with mean `mean` and standard deviation `std` (default 0 and 1).
 *
 * @example
 * ```ts
 * randn([3, 4], { std: 0.1 });
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return randnOn(undefined, shape, options);
}

function randnOn(backend: Backend | undefined, shape: readonly number[], options: RandomOptions & { mean?: number; std?: number }): Tensor {
  checkShape('randn', shape);
  const g = options.generator ?? defaultGenerator();
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * g.normal();
  return finish(values, shape, 'float32', options, 'randn', backend);
}

/** Zeros with `t`'s shape and dtype, on `t`'s backend. */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return fullOn(t.backend('zerosLike'), t.shape, 0, { dtype: t.dtype, ...options });
}

/** Ones with `t`'s shape and dtype, on `t`'s backend. */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return fullOn(t.backend('onesLike'), t.shape, 1, { dtype: t.dtype, ...options });
}

/** `value` everywhere, with `t`'s shape and dtype, on `t`'s backend. */
export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return fullOn(t.backend('fullLike'), t.shape, value, { dtype: t.dtype, ...options });
}

/** Uniform samples with `t`'s shape, on `t`'s backend. */
export function randLike(t: Tensor, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  return randOn(t.backend('randLike'), t.shape, options);
}

/** Normal samples with `t`'s shape, on `t`'s backend. */
export function randnLike(t: Tensor, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return randnOn(t.backend('randnLike'), t.shape, options);
}
