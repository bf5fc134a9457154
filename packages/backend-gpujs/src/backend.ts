/**
 * The gpu.js backend object: the backend contract of `@profundo/core` over device-resident
 * gpu.js results, one generated kernel per (op, shapes, dtype, params), compiled once and
 * cached.
 *
 * @module
 */
import {
  BackendError,
  ValueError,
  type Backend,
  type BinaryOp,
  type Conv2dParams,
  type DataArray,
  type DataHandle,
  type DType,
  type FusedKernels,
  type Pool2dParams,
  type ReduceOp,
  type TensorInfo,
  type UnaryOp,
} from '@profundo/core';
import { conv2dBackpropFilterSource, conv2dBackpropInputSource, conv2dSource, convGeometry, convUnpackSource, dyColsPackSource, dyPackSource, im2colPackSource, im2colRowsPackSource, weightTPackSource, type ConvGeometry } from './conv.js';
import { Device, GpuStorage, MAX_ELEMENTS, type DeviceMemoryInfo, type GpujsMode } from './device.js';
import {
  argmaxSource,
  binaryFn,
  castFn,
  COPY_SOURCE,
  concatSource,
  expandSource,
  FILL_SOURCE,
  gatherSource,
  matmulSource,
  padSource,
  permuteSource,
  reduceChunkSource,
  reduceSource,
  scatterAddSource,
  sizeOf,
  sliceSource,
  softmaxApplySource,
  softmaxSource,
  softmaxStatsSource,
  unaryFn,
  WHERE_FN,
} from './kernels.js';
import { combine, leaf, type ElementwiseFn, type Leaf, type Pending } from './fusion.js';
import { blockedMatmulSource, packedShape, packSource, rowQuadMatmulSource, unpackSource } from './matmul.js';
import { avgPool2dBackpropSource, avgPool2dSource, maxPool2dBackpropSource, maxPool2dSource, poolGeometry } from './pool.js';

/** The largest integer magnitude int32 and bool tensors may hold here: 2^24. */
export const MAX_EXACT_INT = 2 ** 24;

/** Reductions longer than this run in stages of {@link REDUCE_CHUNK} elements per thread. */
const DIRECT_REDUCE = 4096;
const REDUCE_CHUNK = 1024;
/**
 * Matmuls of at least this many multiply-adds (M·N·K per batch, summed) take the blocked,
 * packed path on the GL modes; smaller ones are cheaper in one pass of the one-output kernel.
 */
const BLOCKED_MATMUL = 1 << 15;
/**
 * Softmax rows at least this long take two passes (row maximum and sum once per row, then the
 * elements), not one pass in which every element's thread recomputes its row's: the attention
 * softmax of the bench's Transformer step (rows of 32) went from about 18 ms to under 2 ms on
 * SwiftShader's WebGL2.
 */
const SOFTMAX_TWO_PASS = 16;
/** Inputs per concat kernel (WebGPU guarantees 8 storage buffers per shader stage, one is the output). */
const CONCAT_INPUTS = 6;

function storageOf(handle: DataHandle): GpuStorage {
  if (!(handle instanceof GpuStorage)) {
    throw new BackendError('backend-gpujs', 'received a handle that this backend did not create');
  }
  return handle;
}

function toFloat32(values: DataArray, dtype: DType): Float32Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'bool') return Float32Array.from(values, (v) => (v !== 0 ? 1 : 0));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > MAX_EXACT_INT || v < -MAX_EXACT_INT) {
      throw new ValueError(
        'write',
        `int32 value ${v} at index ${i} is outside ±2^24 (${MAX_EXACT_INT}), the range backend-gpujs stores exactly (integers live in float32 on the GPU)`,
      );
    }
  }
  return Float32Array.from(values);
}

function fromFloat32(values: Float32Array, dtype: DType): DataArray {
  if (dtype === 'float32') return values;
  // A saturating cast stores ±2^31 (float32 has no 2^31 - 1): read them back as int32's bounds.
  if (dtype === 'int32') return Int32Array.from(values, (v) => (v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : v));
  return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
}

/**
 * Profundo's GPU backend on gpu.js. Create it with {@link createGpujsBackend}; every tensor
 * stays on the device (a float texture on the GL modes, a storage buffer on WebGPU) until
 * `data()` / `dataSync()` reads it.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend, tensor } from '@profundo/core';
 * import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
 *
 * // Node with the gl addon and an X display; in browsers: 'webgl2', 'webgl' or 'webgpu'.
 * registerBackend('gpujs', () => createGpujsBackend({ mode: 'headlessgl' }));
 * const gpu = (await setBackend('gpujs')) as GpujsBackend;
 * gpu.mode;                                // 'headlessgl'
 * await tensor([1, 2, 3]).square().data(); // [1, 4, 9]
 * ```
 */
export class GpujsBackend implements Backend {
  /** `'gpujs'`. */
  readonly name = 'gpujs';
  /**
   * 2^24: int32 and bool values live in float32 on the device, exact up to this magnitude;
   * {@link GpujsBackend.write} rejects int32 values beyond it, and int32 results beyond it are
   * not exact (casts from float32 still saturate at the int32 bounds when read).
   */
  readonly maxExactInt = MAX_EXACT_INT;
  /** The gpu.js mode the kernels really run in (verified when the backend was created). */
  readonly mode: GpujsMode;
  /**
   * Synchronous read: present on the GL modes, absent on WebGPU (and wherever gpu.js runs
   * kernels asynchronously), whose results arrive asynchronously.
   */
  readonly readSync?: (info: TensorInfo) => DataArray;
  /**
   * Fused kernels: softmax and log-softmax along the last axis; conv2d with both its backprops;
   * max and average pooling with their backprops. Each is one direct kernel (one output
   * element per thread), so core runs conv and pooling on these instead of its im2col composites.
   */
  readonly fused: FusedKernels = {
    softmax: (x: TensorInfo): DataHandle => this.#softmax(x, false),
    logSoftmax: (x: TensorInfo): DataHandle => this.#softmax(x, true),
    conv2d: (x: TensorInfo, weight: TensorInfo, params: Conv2dParams): DataHandle => {
      const g = convGeometry(x.shape, weight.shape, params);
      const n = g.N * g.O * g.OH * g.OW;
      if (n > 0 && g.Cg === 0) return this.#fill('conv2d', n, 0);
      if (n > 0 && this.#device.gl && g.G === 1 && n * g.Cg * g.kH * g.kW >= BLOCKED_MATMUL) return this.#blockedConv2d(x, weight, g);
      if (n > 0 && this.#rowQuadConv(g, g.O, g.N * g.OH * g.OW * g.C * g.kH * g.kW, n * g.Cg * g.kH * g.kW)) return this.#rowQuadConv2d(x, weight, g);
      return this.#run('conv2d', n > 0 ? conv2dSource(g) : '', n, [x, weight]);
    },
    conv2dBackpropInput: (dy: TensorInfo, weight: TensorInfo, inputShape: readonly number[], params: Conv2dParams): DataHandle => {
      const g = convGeometry(inputShape, weight.shape, params);
      const n = sizeOf(inputShape);
      if (n > 0 && g.Og === 0) return this.#fill('conv2dBackpropInput', n, 0);
      if (n > 0 && this.#device.gl && g.G === 1 && n * g.O * g.kH * g.kW >= BLOCKED_MATMUL) return this.#blockedConv2dInput(dy, weight, g);
      if (n > 0 && this.#rowQuadConv(g, g.C, g.N * g.H * g.W * g.O * g.kH * g.kW, n * g.O * g.kH * g.kW)) return this.#rowQuadConv2dInput(dy, weight, g);
      return this.#run('conv2dBackpropInput', n > 0 ? conv2dBackpropInputSource(g) : '', n, [dy, weight]);
    },
    conv2dBackpropFilter: (x: TensorInfo, dy: TensorInfo, weightShape: readonly number[], params: Conv2dParams): DataHandle => {
      const g = convGeometry(x.shape, weightShape, params);
      const n = sizeOf(weightShape);
      if (n > 0 && g.N === 0) return this.#fill('conv2dBackpropFilter', n, 0);
      if (n > 0 && this.#device.gl && g.G === 1 && n * g.N * g.OH * g.OW >= BLOCKED_MATMUL) return this.#blockedConv2dFilter(x, dy, g);
      if (n > 0 && this.#rowQuadConv(g, g.O, g.N * g.OH * g.OW * g.C * g.kH * g.kW, n * g.N * g.OH * g.OW)) return this.#rowQuadConv2dFilter(x, dy, g);
      return this.#run('conv2dBackpropFilter', n > 0 ? conv2dBackpropFilterSource(g) : '', n, [x, dy]);
    },
    maxPool2d: (x: TensorInfo, params: Pool2dParams): DataHandle => {
      const g = poolGeometry(x.shape, params);
      const n = g.planes * g.OH * g.OW;
      return this.#run('maxPool2d', n > 0 ? maxPool2dSource(g) : '', n, [x]);
    },
    maxPool2dBackprop: (dy: TensorInfo, x: TensorInfo, params: Pool2dParams): DataHandle => {
      const n = sizeOf(x.shape);
      return this.#run('maxPool2dBackprop', n > 0 ? maxPool2dBackpropSource(poolGeometry(x.shape, params)) : '', n, [dy, x]);
    },
    avgPool2d: (x: TensorInfo, params: Pool2dParams, countIncludePad: boolean): DataHandle => {
      const g = poolGeometry(x.shape, params);
      const n = g.planes * g.OH * g.OW;
      return this.#run('avgPool2d', n > 0 ? avgPool2dSource(g, countIncludePad) : '', n, [x]);
    },
    avgPool2dBackprop: (dy: TensorInfo, inputShape: readonly number[], params: Pool2dParams, countIncludePad: boolean): DataHandle => {
      const n = sizeOf(inputShape);
      return this.#run('avgPool2dBackprop', n > 0 ? avgPool2dBackpropSource(poolGeometry(inputShape, params), countIncludePad) : '', n, [dy]);
    },
  };
  readonly #device: Device;

  /** @internal Use {@link createGpujsBackend}. */
  constructor(device: Device) {
    this.#device = device;
    this.mode = device.mode;
    if (!device.async) {
      this.readSync = (info: TensorInfo): DataArray => fromFloat32(device.readSync(storageOf(info.handle)), info.dtype);
    }
  }

  /** The largest tensor, in elements, this backend stores (2^24, or less on small GL devices). */
  get maxElements(): number {
    return this.#device.maxElements;
  }

  /**
   * Device memory held by live tensors: textures or buffers and their bytes on the device
   * (texels × bytes per texel on GL, which may exceed core's 4 bytes per element), plus the
   * number of compiled kernels.
   */
  deviceMemory(): DeviceMemoryInfo {
    return this.#device.memory();
  }

  /** Frees the compiled kernels and the gpu.js context. Tensors of this backend become unusable. */
  destroy(): void {
    this.#device.destroy();
  }

  // ----- memory -----------------------------------------------------------------------------

  write(values: DataArray, shape: readonly number[], dtype: DType): DataHandle {
    const n = sizeOf(shape);
    if (values.length !== n) {
      throw new ValueError('write', `got ${values.length} values for shape [${shape.join(', ')}] (needs ${n})`);
    }
    return this.#device.upload(toFloat32(values, dtype));
  }

  async read(info: TensorInfo): Promise<DataArray> {
    return fromFloat32(await this.#device.read(storageOf(info.handle)), info.dtype);
  }

  dispose(handle: DataHandle): void {
    this.#device.dispose(storageOf(handle));
  }

  // ----- helpers ----------------------------------------------------------------------------

  #run(op: string, source: string, n: number, inputs: readonly TensorInfo[], scalars: readonly number[] = []): GpuStorage {
    return this.#device.run(`gpujs ${op}`, source, n, inputs.map((t) => storageOf(t.handle)), scalars);
  }

  #fill(op: string, n: number, value: number): GpuStorage {
    return this.#device.run(`gpujs ${op}`, FILL_SOURCE, n, [], [value]);
  }

  #copy(x: TensorInfo): GpuStorage {
    return this.#run('copy', COPY_SOURCE, sizeOf(x.shape), [x]);
  }

  // ----- element-wise -----------------------------------------------------------------------

  unary(op: UnaryOp, x: TensorInfo): DataHandle {
    return this.#elementwise(op, unaryFn(op), [x], x.shape);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
    return this.#elementwise(op, binaryFn(op, a.dtype), [a, b], outShape);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
    return this.#elementwise('where', WHERE_FN, [cond, a, b], outShape);
  }

  cast(x: TensorInfo, dtype: DType): DataHandle {
    return this.#elementwise('cast', castFn(x.dtype, dtype), [x], x.shape);
  }

  /**
   * `fn` over `inputs` broadcast to `outShape`, deferred (fusion.ts): a pending input of the
   * output's size, made since the last other kernel, folds into the expression; any other input
   * is computed first and read.
   */
  #elementwise(op: string, fn: ElementwiseFn, inputs: readonly TensorInfo[], outShape: readonly number[]): GpuStorage {
    const n = sizeOf(outShape);
    const device = this.#device;
    const args = inputs.map((t): Leaf | Pending => {
      const s = storageOf(t.handle);
      if (s.pending && s.pending.generation === device.generation && sizeOf(t.shape) === n) return s.pending;
      device.compute(s);
      return leaf(s, t.shape, outShape);
    });
    let p = combine(fn, args, device.generation);
    if (!p) {
      // Too large to fold: compute the pending operands and read them instead.
      for (const t of inputs) device.compute(storageOf(t.handle));
      p = combine(fn, inputs.map((t) => leaf(storageOf(t.handle), t.shape, outShape)), device.generation)!;
    }
    return device.defer(`gpujs ${op}`, p, n);
  }

  // ----- reductions -------------------------------------------------------------------------

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle {
    const outShape = x.shape.filter((_, d) => !axes.includes(d));
    const rows = sizeOf(outShape);
    const length = axes.reduce((a, d) => a * x.shape[d]!, 1);
    if (rows === 0) return new GpuStorage(0, this.#device);
    if (length === 0) return this.#fill(op, rows, 0);
    if (length <= DIRECT_REDUCE) return this.#run(op, reduceSource(op, x.shape, axes), rows, [x]);
    // Long reductions: move the reduced axes last, then reduce [rows, length] in chunks.
    const kept = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const perm = [...kept, ...axes];
    let current: TensorInfo = x;
    const temps: GpuStorage[] = [];
    if (perm.some((p, d) => p !== d)) {
      const t = this.#run('permute', permuteSource(x.shape, perm), sizeOf(x.shape), [x]);
      temps.push(t);
      current = { handle: t, shape: [rows, length], dtype: x.dtype };
    }
    let len = length;
    while (len > DIRECT_REDUCE) {
      const parts = Math.ceil(len / REDUCE_CHUNK);
      const t = this.#run(op, reduceChunkSource(op, len, REDUCE_CHUNK), rows * parts, [current]);
      temps.push(t);
      current = { handle: t, shape: [rows, parts], dtype: x.dtype };
      len = parts;
    }
    const out = this.#run(op, reduceSource(op, [rows, len], [1]), rows, [current]);
    for (const t of temps) this.#device.dispose(t);
    return out;
  }

  argmax(x: TensorInfo, axis: number): DataHandle {
    const n = sizeOf(x.shape) / (x.shape[axis] || 1);
    if (x.shape[axis] === 0) return this.#fill('argmax', sizeOf(x.shape.filter((_, d) => d !== axis)), 0);
    return this.#run('argmax', argmaxSource(x.shape, axis), n, [x]);
  }

  // ----- linear algebra ---------------------------------------------------------------------

  matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle {
    const [ba, a1, a2] = a.shape as [number, number, number];
    const [bb, b1, b2] = b.shape as [number, number, number];
    const m = transA ? a2 : a1;
    const k = transA ? a1 : a2;
    const n = transB ? b1 : b2;
    const size = (ba === 1 ? bb : ba) * m * n;
    if (k === 0) return this.#fill('matmul', size, 0);
    if (this.#device.gl && size * k >= BLOCKED_MATMUL) return this.#blockedMatmul(a, b, m, k, n, transA, transB);
    if (!this.#device.gl && n % 4 === 0) {
      return this.#device.run('gpujs matmul', rowQuadMatmulSource(ba, bb, m, k, n, transA, transB), size / 4, [storageOf(a.handle), storageOf(b.handle)], [], 'flat4');
    }
    return this.#run('matmul', matmulSource(ba, bb, m, k, n, transA, transB), size, [a, b]);
  }

  /** The GL modes' matmul for larger sizes: pack both operands, 2×2 blocks, unpack (see matmul.ts). */
  #blockedMatmul(a: TensorInfo, b: TensorInfo, m: number, k: number, n: number, transA: boolean, transB: boolean): GpuStorage {
    const ba = a.shape[0]!;
    const bb = b.shape[0]!;
    const batch = ba === 1 ? bb : ba;
    const device = this.#device;
    const pack = (x: TensorInfo, batches: number, rows: number, rowStride: number, kStride: number): GpuStorage => {
      const p = packedShape(batches, rows, k);
      return device.run('gpujs matmul', packSource(batches, rows, k, rowStride, kStride), p.batch * p.rows * p.k4, [storageOf(x.handle)], [], 'texels');
    };
    const pa = pack(a, ba, m, transA ? 1 : k, transA ? m : 1);
    const pb = pack(b, bb, n, transB ? k : 1, transB ? 1 : n);
    const blocks = batch * Math.ceil(m / 2) * Math.ceil(n / 2);
    const c = device.run('gpujs matmul', blockedMatmulSource(ba, bb, m, k, n), blocks, [pa, pb], [], 'texels');
    device.dispose(pa);
    device.dispose(pb);
    const out = device.run('gpujs matmul', unpackSource(batch, m, n), batch * m * n, [c]);
    device.dispose(c);
    return out;
  }

  /**
   * The GL modes' convolutions (one group) for larger sizes, each one blocked, packed matmul
   * `[M, K] · [N, K]ᵀ`: `a` and `b` pack the operands straight from the tensors (conv.ts), the
   * product runs in 2×2 blocks, and `unpack` lays the `[M, N]` result out as the caller needs.
   */
  #packedConvProduct(
    op: string,
    [m, k, n]: readonly [number, number, number],
    a: readonly [source: string, input: TensorInfo],
    b: readonly [source: string, input: TensorInfo],
    unpack: readonly [source: string, size: number],
  ): GpuStorage {
    const device = this.#device;
    const shapeA = packedShape(1, m, k);
    const shapeB = packedShape(1, n, k);
    const pa = device.run(op, a[0], shapeA.rows * shapeA.k4, [storageOf(a[1].handle)], [], 'texels');
    const pb = device.run(op, b[0], shapeB.rows * shapeB.k4, [storageOf(b[1].handle)], [], 'texels');
    const c = device.run(op, blockedMatmulSource(1, 1, m, k, n), Math.ceil(m / 2) * Math.ceil(n / 2), [pa, pb], [], 'texels');
    device.dispose(pa);
    device.dispose(pb);
    const out = device.run(op, unpack[0], unpack[1], [c]);
    device.dispose(c);
    return out;
  }

  /** Forward: the weights as A, the input's columns (one per output position) as B, unpacked to NCHW. */
  #blockedConv2d(x: TensorInfo, w: TensorInfo, g: ConvGeometry): GpuStorage {
    const K = g.C * g.kH * g.kW;
    const P = g.N * g.OH * g.OW;
    return this.#packedConvProduct('gpujs conv2d', [g.O, K, P], [packSource(1, g.O, K, K, 1), w], [im2colPackSource(g), x], [
      convUnpackSource(g),
      g.N * g.O * g.OH * g.OW,
    ]);
  }

  /** Filter gradient: `dy` along the output positions as A, the input's columns along them as B, unpacked to OIHW. */
  #blockedConv2dFilter(x: TensorInfo, dy: TensorInfo, g: ConvGeometry): GpuStorage {
    const K = g.C * g.kH * g.kW;
    const P = g.N * g.OH * g.OW;
    return this.#packedConvProduct('gpujs conv2dBackpropFilter', [g.O, P, K], [dyPackSource(g), dy], [im2colRowsPackSource(g), x], [
      unpackSource(1, g.O, K),
      g.O * K,
    ]);
  }

  /** Input gradient: the weights transposed as A, dy's columns (one per input position) as B, unpacked to NCHW. */
  #blockedConv2dInput(dy: TensorInfo, w: TensorInfo, g: ConvGeometry): GpuStorage {
    const K = g.O * g.kH * g.kW;
    const P = g.N * g.H * g.W;
    // dx is [N, C, H, W]: the forward's unpack with C in O's place and H, W in OH, OW's.
    return this.#packedConvProduct('gpujs conv2dBackpropInput', [g.C, K, P], [weightTPackSource(g), w], [dyColsPackSource(g), dy], [
      convUnpackSource({ ...g, O: g.C, OH: g.H, OW: g.W }),
      g.N * g.C * g.H * g.W,
    ]);
  }

  /**
   * Whether a one-group convolution on WebGPU takes the im2col path: `outputs` (the product's N)
   * a multiple of 4 for the four-outputs-per-thread matmul, a column matrix of `cols` elements
   * that fits, and at least 2^15 multiply-adds (`macs`).
   */
  #rowQuadConv(g: ConvGeometry, outputs: number, cols: number, macs: number): boolean {
    return !this.#device.gl && g.G === 1 && outputs % 4 === 0 && cols <= this.#device.maxElements && macs >= BLOCKED_MATMUL;
  }

  /** `x` viewed as `shape` (same element count): a TensorInfo on the same storage. */
  #view(x: DataHandle, shape: readonly number[]): TensorInfo {
    return { handle: x, shape, dtype: 'float32' };
  }

  /**
   * WebGPU's convolutions (one group): an im2col matrix written by one kernel (conv.ts, one value
   * per element), the four-outputs-per-thread matmul, and a permute to the layout the caller
   * needs, where the direct kernels fetch two scalars per multiply-add. `run` makes the product
   * `[rows, cols]` from the im2col storage; the result is `[batch, rows / batch, cols]` permuted
   * by `perm` to `outShape`'s order.
   */
  #im2colConv(op: string, colsSource: string, colsShape: readonly [number, number], input: TensorInfo, product: (cols: TensorInfo) => DataHandle, permuted: readonly [shape: readonly number[], perm: readonly number[]]): DataHandle {
    const cols = this.#device.run(op, colsSource, colsShape[0] * colsShape[1], [storageOf(input.handle)]);
    const y = product(this.#view(cols, [1, ...colsShape]));
    this.#device.dispose(cols);
    const out = this.permute(this.#view(y, permuted[0]), permuted[1]);
    this.dispose(y);
    return out;
  }

  /** Forward: `Y[(n, oh, ow), o] = cols[(n, oh, ow), k] · W[o, k]ᵀ`, then NCHW. */
  #rowQuadConv2d(x: TensorInfo, w: TensorInfo, g: ConvGeometry): DataHandle {
    const K = g.C * g.kH * g.kW;
    const P = g.N * g.OH * g.OW;
    return this.#im2colConv('gpujs conv2d', im2colPackSource(g, 1), [P, K], x, (cols) => this.matmul(cols, this.#view(w.handle, [1, g.O, K]), false, true), [
      [g.N, g.OH * g.OW, g.O],
      [0, 2, 1],
    ]);
  }

  /** Input gradient: `dX[(n, h, w), c] = dcols[(n, h, w), (o, p, q)] · Wᵀ`, with W permuted to `[C, O·kH·kW]`, then NCHW. */
  #rowQuadConv2dInput(dy: TensorInfo, w: TensorInfo, g: ConvGeometry): DataHandle {
    const K = g.O * g.kH * g.kW;
    const P = g.N * g.H * g.W;
    const wT = this.permute(w, [1, 0, 2, 3]);
    try {
      return this.#im2colConv('gpujs conv2dBackpropInput', dyColsPackSource(g, 1), [P, K], dy, (cols) => this.matmul(cols, this.#view(wT, [1, g.C, K]), false, true), [
        [g.N, g.H * g.W, g.C],
        [0, 2, 1],
      ]);
    } finally {
      this.dispose(wT);
    }
  }

  /** Filter gradient: `dWᵀ[k, o] = colsᵀ · dy[(n, oh, ow), o]`, with dy permuted to NHWC, then OIHW. */
  #rowQuadConv2dFilter(x: TensorInfo, dy: TensorInfo, g: ConvGeometry): DataHandle {
    const K = g.C * g.kH * g.kW;
    const P = g.N * g.OH * g.OW;
    const dyP = this.permute(this.#view(dy.handle, [g.N, g.O, g.OH * g.OW]), [0, 2, 1]);
    try {
      return this.#im2colConv('gpujs conv2dBackpropFilter', im2colPackSource(g, 1), [P, K], x, (cols) => this.matmul(cols, this.#view(dyP, [1, P, g.O]), true, false), [
        [1, K, g.O],
        [0, 2, 1],
      ]);
    } finally {
      this.dispose(dyP);
    }
  }

  // ----- movement ---------------------------------------------------------------------------

  permute(x: TensorInfo, perm: readonly number[]): DataHandle {
    return this.#run('permute', permuteSource(x.shape, perm), sizeOf(x.shape), [x]);
  }

  expand(x: TensorInfo, shape: readonly number[]): DataHandle {
    return this.#run('expand', expandSource(x.shape, shape), sizeOf(shape), [x]);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): DataHandle {
    return this.#run('slice', sliceSource(x.shape, begin, size), sizeOf(size), [x]);
  }

  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataHandle {
    const outShape = x.shape.map((n, d) => n + pads[d]![0] + pads[d]![1]);
    const n = sizeOf(outShape);
    if (sizeOf(x.shape) === 0) return this.#fill('pad', n, value);
    return this.#run('pad', padSource(x.shape, pads), n, [x], [value]);
  }

  concat(xs: readonly TensorInfo[], axis: number): DataHandle {
    const parts = xs.filter((x) => sizeOf(x.shape) > 0);
    const outShape = xs[0]!.shape.map((n, d) => (d === axis ? xs.reduce((a, x) => a + x.shape[axis]!, 0) : n));
    if (parts.length === 0) return new GpuStorage(0, this.#device);
    if (parts.length === 1) return this.#copy(parts[0]!);
    if (parts.length <= CONCAT_INPUTS) {
      return this.#run('concat', concatSource(parts.map((x) => x.shape), axis), sizeOf(outShape), parts);
    }
    // More inputs than one kernel may bind: join them in groups, then join the groups.
    const groups: TensorInfo[] = [];
    const temps: DataHandle[] = [];
    for (let g = 0; g < parts.length; g += CONCAT_INPUTS) {
      const group = parts.slice(g, g + CONCAT_INPUTS);
      const shape = group[0]!.shape.map((n, d) => (d === axis ? group.reduce((a, x) => a + x.shape[axis]!, 0) : n));
      const handle = this.concat(group, axis);
      temps.push(handle);
      groups.push({ handle, shape, dtype: group[0]!.dtype });
    }
    const out = this.concat(groups, axis);
    for (const t of temps) this.dispose(t);
    return out;
  }

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataHandle {
    return this.#run('gather', gatherSource(x.shape, index.shape, axis), sizeOf(index.shape), [x, index]);
  }

  scatterAdd(index: TensorInfo, src: TensorInfo, axis: number, outShape: readonly number[]): DataHandle {
    const n = sizeOf(outShape);
    if (sizeOf(index.shape) === 0) return this.#fill('scatterAdd', n, 0);
    return this.#run('scatterAdd', scatterAddSource(index.shape, axis, outShape), n, [index, src]);
  }

  // ----- fused ------------------------------------------------------------------------------

  #softmax(x: TensorInfo, log: boolean): DataHandle {
    const n = x.shape[x.shape.length - 1] ?? 1;
    const size = sizeOf(x.shape);
    if (size === 0) return new GpuStorage(0, this.#device);
    const op = log ? 'logSoftmax' : 'softmax';
    if (n < SOFTMAX_TWO_PASS) return this.#run(op, softmaxSource(n, log), size, [x]);
    const stats = this.#device.run(op, softmaxStatsSource(n), 2 * (size / n), [storageOf(x.handle)]);
    const out = this.#device.run(op, softmaxApplySource(n, log), size, [storageOf(x.handle), stats]);
    this.#device.dispose(stats);
    return out;
  }
}

export { MAX_ELEMENTS };
