/**
 * The Tensor: an n-dimensional array on a backend, with autograd bookkeeping.
 *
 * @module
 */
import type { Backend, DataArray, DataHandle, DType, TensorInfo } from './backend/backend.js';
import { backendLabel, getBackend } from './backend/registry.js';
import { flushDeferredChecks } from './deferred-checks.js';
import { BackendError, DisposedError, GradError, ShapeError, DTypeError } from './errors.js';
import { BYTES_PER_ELEMENT, Storage, escapeScopes, releaseGraph, trackTensor, untrackTensor } from './memory.js';
import { sameShape, sizeOf } from './shape.js';
import type { GradNode } from './autograd/graph.js';
import { runBackward } from './autograd/backward.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as mv from './ops/movement.js';
import * as idx from './ops/indexing.js';
import * as act from './ops/activation.js';
import * as ord from './ops/sort.js';
import { matmul, type MatmulOptions } from './ops/matmul.js';
import { cast } from './ops/cast.js';

/** A tensor or a plain number, which ops turn into a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

let nextId = 0;

/**
 * An n-dimensional array of `float32`, `int32` or `bool` values living on a backend.
 *
 * Tensors are immutable: every op returns a new tensor. Ops that take a tensor with
 * `requiresGrad` record how to differentiate themselves, and {@link Tensor.backward} fills
 * the `grad` of every leaf that requires one.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * await x.grad!.data(); // [2, 4, 6, 8]
 * ```
 */
export class Tensor {
  /** Unique id, handy for debugging and maps. */
  readonly id = nextId++;
  /** Dimensions, outermost first (row-major). */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Whether gradients flow to (or through) this tensor. */
  requiresGrad: boolean;
  /** Gradient accumulated by `backward()` for a leaf that requires grad; `null` before. */
  grad: Tensor | null = null;
  /** @internal */
  _storage: Storage | null;
  /** @internal How this tensor was computed, when it is differentiable and not a leaf. */
  _node: GradNode | null = null;
  /**
   * @internal Bumped by every {@link Tensor.assign}. Ops record the versions of the tensors
   * they save for backward, and backward refuses a saved tensor whose version moved on.
   */
  _version = 0;
  /** @internal Set once a backward pass (without `retainGraph`) has run through this tensor. */
  _backwardDone = false;

  /** @internal Use {@link tensor} and the other creation functions instead. */
  constructor(storage: Storage, shape: readonly number[], dtype: DType, requiresGrad = false) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.requiresGrad = requiresGrad;
    this._storage = storage;
    storage.retain();
    trackTensor(this);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether this tensor was made by an op from differentiable inputs (not a leaf). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** Whether `dispose()` was called on this tensor. */
  get isDisposed(): boolean {
    return this._storage === null;
  }

  /** @internal The name of the backend holding this tensor. */
  get backendName(): string {
    return this._storage?.label ?? 'disposed';
  }

  /** @internal The kernel-facing view of this tensor; throws if disposed. */
  info(op: string): TensorInfo {
    const s = this._storage;
    if (!s) {
      throw new DisposedError(op, `tensor #${this.id} with shape [${this.shape}] was already disposed`);
    }
    return { handle: s.handle, shape: this.shape, dtype: this.dtype };
  }

  /** @internal The backend holding this tensor; throws if disposed. */
  backend(op: string): Backend {
    this.info(op);
    return this._storage!.backend;
  }

  /**
   * Reads the values (row-major) asynchronously. Works on every backend. On a backend that
   * reads only asynchronously it first reports values an earlier op could not check when it ran
   * (an out-of-range index a kernel produced), rejecting with that op's error.
   */
  async data(): Promise<DataArray> {
    const info = this.info('data');
    const backend = this._storage!.backend;
    await flushDeferredChecks();
    return backend.read(info);
  }

  /** Reads the values synchronously, where the backend allows it (CPU, WebGL). */
  dataSync(): DataArray {
    return this.readSyncAs('dataSync');
  }

  /** The values read synchronously, with errors naming `op` (the method the user called). */
  private readSyncAs(op: string): DataArray {
    const info = this.info(op);
    const b = this._storage!.backend;
    if (!b.readSync) throw new BackendError(op, `backend '${backendLabel(b)}' can only read asynchronously; use await data()`);
    return b.readSync(info);
  }

  /** The value of a one-element tensor as a number (synchronous read). */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', `needs a tensor with one element, got shape [${this.shape}]`);
    return this.readSyncAs('item')[0]!;
  }

  /** The values as nested arrays (synchronous read). */
  tolist(): unknown {
    const flat = Array.from(this.readSyncAs('tolist'));
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.rank) return flat[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /**
   * Frees the tensor's storage (once no view shares it), and the intermediates of its graph
   * that a `tidy` kept alive for it. Safe to call twice.
   */
  dispose(): void {
    const s = this._storage;
    if (!s) return;
    untrackTensor(this); // while backendName still names the backend
    this._storage = null;
    this._node = null;
    s.release();
    releaseGraph(this);
  }

  /** @internal The tensors the op that made this one saved for backward (its inputs). */
  _saved(): readonly Tensor[] {
    return this._node?.inputs ?? [];
  }

  /**
   * Replaces this tensor's values with `value`'s (same shape, dtype and backend: a `ShapeError`,
   * `DTypeError` or `BackendError` otherwise), keeping its identity: how optimizers update
   * parameters. Not differentiable.
   *
   * Views taken before (`reshape` and friends) keep the old values. A graph recorded before
   * that saved this tensor can no longer be differentiated: `backward()` through it throws a
   * `GradError` (as PyTorch does for in-place changes), so update parameters after backward.
   */
  assign(value: Tensor): this {
    value.info('assign');
    this.info('assign');
    if (value.dtype !== this.dtype) {
      throw new DTypeError('assign', `needs ${this.dtype} [${this.shape}], got ${value.dtype} [${value.shape}]; cast it first`);
    }
    if (!sameShape(value.shape, this.shape)) {
      throw new ShapeError('assign', `needs shape [${this.shape}] ${this.dtype}, got [${value.shape}] ${value.dtype}`);
    }
    // The tensor keeps its backend: taking another backend's storage would move it silently.
    const from = value._storage!.backend;
    const to = this._storage!.backend;
    if (from !== to) {
      throw new BackendError('assign', `the value lives on backend '${backendLabel(from)}', this tensor on '${backendLabel(to)}'; copy it over first`);
    }
    const next = value._storage!;
    next.retain();
    this._storage!.release();
    this._storage = next;
    this._version++;
    return this;
  }

  /** A tensor sharing this one's storage, cut from the autograd graph. */
  detach(): Tensor {
    this.info('detach');
    return new Tensor(this._storage!, this.shape, this.dtype);
  }

  /**
   * Computes gradients of this tensor with respect to every leaf that requires grad and adds
   * them to the leaves' `grad`. A non-scalar needs the gradient of the final objective with
   * respect to it, of its own shape.
   *
   * A tensor returned from `tidy` keeps the intermediates of its graph alive until backward
   * has run through it (or it is disposed); then they are freed, and a second backward through
   * the same graph throws a `DisposedError`, unless the first passed `retainGraph: true`.
   * Backward also throws, before changing any `grad`, when a tensor the graph saved was
   * disposed (`DisposedError`) or changed by `assign` since (`GradError`).
   *
   * @example
   * ```ts
   * const w = tensor([1, 2, 3], { requiresGrad: true });
   * const loss = tidy(() => w.mul(w).sum()); // the graph survives the tidy
   * loss.backward();                        // w.grad = [2, 4, 6]; the graph is freed
   * loss.dispose();
   * ```
   */
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    if (!this.requiresGrad) {
      throw new GradError('backward', 'this tensor does not require grad (no input of its graph had requiresGrad)');
    }
    runBackward(this, gradient, options.retainGraph ?? false);
  }

  /** Sets `requiresGrad` on a leaf and returns it. */
  requiresGrad_(value = true): this {
    if (!this.isLeaf) throw new GradError('requiresGrad_', 'only leaf tensors can change requiresGrad');
    if (value && this.dtype !== 'float32') {
      throw new DTypeError('requiresGrad_', `only float32 tensors can require grad, got ${this.dtype}`);
    }
    this.requiresGrad = value;
    return this;
  }

  /** @internal Takes this tensor out of every `tidy` scope (used for `.grad`). */
  _escape(): this {
    escapeScopes(this);
    return this;
  }

  /** A short description: shape, dtype and backend. */
  toString(): string {
    return `Tensor(shape=[${this.shape}], dtype=${this.dtype}, backend=${this.backendName})`;
  }

  // ----- element-wise ------------------------------------------------------------------

  /** `this + other` with broadcasting. */
  add(other: TensorLike): Tensor { return ew.add(this, other); }
  /** `this - other` with broadcasting. */
  sub(other: TensorLike): Tensor { return ew.sub(this, other); }
  /** `this * other` with broadcasting. */
  mul(other: TensorLike): Tensor { return ew.mul(this, other); }
  /** `this / other` with broadcasting. */
  div(other: TensorLike): Tensor { return ew.div(this, other); }
  /** `this ** exponent` with broadcasting. */
  pow(exponent: TensorLike): Tensor { return ew.pow(this, exponent); }
  /** Element-wise maximum. */
  maximum(other: TensorLike): Tensor { return ew.maximum(this, other); }
  /** Element-wise minimum. */
  minimum(other: TensorLike): Tensor { return ew.minimum(this, other); }
  /** `-this`. */
  neg(): Tensor { return ew.neg(this); }
  /** `e ** this`. */
  exp(): Tensor { return ew.exp(this); }
  /** Natural logarithm. */
  log(): Tensor { return ew.log(this); }
  /** Square root. */
  sqrt(): Tensor { return ew.sqrt(this); }
  /** `this * this`. */
  square(): Tensor { return ew.square(this); }
  /** Absolute value. */
  abs(): Tensor { return ew.abs(this); }
  /** Clamps into `[min, max]` (either bound may be omitted). */
  clamp(min?: number, max?: number): Tensor { return ew.clamp(this, min, max); }
  /** Element-wise equality (bool). */
  eq(other: TensorLike): Tensor { return ew.eq(this, other); }
  /** Element-wise inequality (bool). */
  ne(other: TensorLike): Tensor { return ew.ne(this, other); }
  /** Element-wise `>` (bool). */
  gt(other: TensorLike): Tensor { return ew.gt(this, other); }
  /** Element-wise `>=` (bool). */
  ge(other: TensorLike): Tensor { return ew.ge(this, other); }
  /** Element-wise `<` (bool). */
  lt(other: TensorLike): Tensor { return ew.lt(this, other); }
  /** Element-wise `<=` (bool). */
  le(other: TensorLike): Tensor { return ew.le(this, other); }

  // ----- activations -------------------------------------------------------------------

  /** `max(this, 0)`. */
  relu(): Tensor { return ew.relu(this); }
  /** Logistic sigmoid. */
  sigmoid(): Tensor { return ew.sigmoid(this); }
  /** Hyperbolic tangent. */
  tanh(): Tensor { return ew.tanh(this); }
  /** GELU: exact (with erf) by default, or `{ approximate: 'tanh' }`. */
  gelu(options: act.GeluOptions = {}): Tensor { return act.gelu(this, options); }
  /** Softmax along `dim` (default last). */
  softmax(dim = -1): Tensor { return act.softmax(this, dim); }
  /** Log-softmax along `dim` (default last). */
  logSoftmax(dim = -1): Tensor { return act.logSoftmax(this, dim); }

  // ----- reductions --------------------------------------------------------------------

  /** Sum over `dim` (all dims when omitted). */
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return red.sum(this, dim, keepdim); }
  /** Mean over `dim` (all dims when omitted). */
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return red.mean(this, dim, keepdim); }
  /** Maximum over `dim` (all dims when omitted); values only, see {@link Tensor.argmax}. */
  max(dim?: number | readonly number[], keepdim = false): Tensor { return red.max(this, dim, keepdim); }
  /** Minimum over `dim` (all dims when omitted). */
  min(dim?: number | readonly number[], keepdim = false): Tensor { return red.min(this, dim, keepdim); }
  /** Index of the maximum along `dim` (over the flattened tensor when omitted). */
  argmax(dim?: number, keepdim = false): Tensor { return red.argmax(this, dim, keepdim); }
  /** Index of the minimum along `dim` (over the flattened tensor when omitted). */
  argmin(dim?: number, keepdim = false): Tensor { return ord.argmin(this, dim, keepdim); }
  /** Cumulative sum along `dim`. */
  cumsum(dim: number): Tensor { return red.cumsum(this, dim); }

  // ----- linear algebra ----------------------------------------------------------------

  /** Matrix product with NumPy's `matmul` rules (batched, batch dims broadcast); `transposeA` / `transposeB` read an operand transposed without copying it. */
  matmul(other: Tensor, options: MatmulOptions = {}): Tensor { return matmul(this, other, options); }

  // ----- shape -------------------------------------------------------------------------

  /** Same values in a new shape (one dim may be -1). Shares storage. */
  reshape(...shape: number[] | [readonly number[]]): Tensor { return mv.reshape(this, flatArgs(shape)); }
  /** Alias of {@link Tensor.reshape}. */
  view(...shape: number[] | [readonly number[]]): Tensor { return mv.reshape(this, flatArgs(shape)); }
  /** Flattens dims `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor { return mv.flatten(this, startDim, endDim); }
  /** Reorders dims. */
  permute(...dims: number[] | [readonly number[]]): Tensor { return mv.permute(this, flatArgs(dims)); }
  /** Swaps two dims (the last two by default). */
  transpose(dim0 = -2, dim1 = -1): Tensor { return mv.transpose(this, dim0, dim1); }
  /** Removes size-1 dims (only `dim` when given). */
  squeeze(dim?: number): Tensor { return mv.squeeze(this, dim); }
  /** Inserts a size-1 dim at `dim`. */
  unsqueeze(dim: number): Tensor { return mv.unsqueeze(this, dim); }
  /** Broadcasts size-1 dims to `shape` (-1 keeps a dim). */
  expand(...shape: number[] | [readonly number[]]): Tensor { return mv.expand(this, flatArgs(shape)); }
  /** The box starting at `begin` with `size` (-1: to the end) per dim. */
  slice(begin: readonly number[], size?: readonly number[]): Tensor { return mv.slice(this, begin, size); }
  /** `length` entries of `dim` starting at `start`. */
  narrow(dim: number, start: number, length: number): Tensor { return mv.narrow(this, dim, start, length); }

  // ----- indexing ----------------------------------------------------------------------

  /** PyTorch's `gather` along `dim` with an int32 `index` of the same rank. */
  gather(dim: number, index: Tensor): Tensor { return idx.gather(this, dim, index); }
  /** Entries of `dim` picked by a 1-D int32 `index`. */
  indexSelect(dim: number, index: Tensor): Tensor { return idx.indexSelect(this, dim, index); }

  // ----- dtype -------------------------------------------------------------------------

  /** Converts to `dtype` (float→int truncates; anything→bool is `!= 0`). */
  cast(dtype: DType): Tensor { return cast(this, dtype); }
  /** Shorthand for `cast('float32')`. */
  float(): Tensor { return cast(this, 'float32'); }
  /** Shorthand for `cast('int32')`. */
  int(): Tensor { return cast(this, 'int32'); }
}

function flatArgs(args: number[] | [readonly number[]]): readonly number[] {
  return Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}

/** @internal Wraps a fresh handle from `backend` as a tensor. */
export function wrapHandle(
  backend: Backend,
  handle: DataHandle,
  shape: readonly number[],
  dtype: DType,
  host: DataArray | null = null,
): Tensor {
  const storage = new Storage(backend, handle, sizeOf(shape) * BYTES_PER_ELEMENT[dtype], host);
  return new Tensor(storage, shape, dtype);
}

/** @internal A new tensor sharing `t`'s storage under another shape (reshape and friends). */
export function viewOf(op: string, t: Tensor, shape: readonly number[]): Tensor {
  t.info(op);
  return new Tensor(t._storage!, shape, t.dtype);
}

/** @internal Uploads values to `backend` (the current one by default). */
export function fromArray(
  values: DataArray,
  shape: readonly number[],
  dtype: DType,
  backend: Backend = getBackend(),
): Tensor {
  // Index values are checked before use from what was written: reading them back from a GPU
  // would stall its queue (and without readSync it cannot be done at all).
  const host = dtype === 'int32' ? values : null;
  return wrapHandle(backend, backend.write(values, shape, dtype), shape, dtype, host);
}
