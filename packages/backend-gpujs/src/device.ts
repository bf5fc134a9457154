/**
 * The device runtime: one gpu.js `GPU` instance, a cache of compiled kernels, and the storage
 * handles that keep tensors on the device between kernels.
 *
 * Every tensor is one flat, row-major gpu.js result of `output: [n]`: a float texture on the
 * GL modes (gpu.js lays it out as a near-square 2-D texture; four elements per RGBA32F texel on
 * headless-gl, one per texel in Chromium: `R32F` on WebGL2, RGBA32F on WebGL) or an `f32`
 * storage buffer on WebGPU. Kernels read their inputs by flat index and compute one output
 * element per thread, except the blocked matmul (see matmul.ts).
 *
 * @internal
 * @module
 */
import { BackendError } from '@profundo/core';
import { canReadAsync, readTextureAsync } from './readback.js';
import { fusedKernel, type ElementwiseFn, type Pending } from './fusion.js';
import { gpujs, type DeviceValue, type GpuInstance, type GpuJsModule, type KernelClass, type KernelRun } from './gpujs.js';

/** The gpu.js modes this backend runs in. */
export type GpujsMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webgpu';

/**
 * The largest tensor (in elements) the backend stores: 2^24 = 16,777,216. Kernels compute
 * element indices in float32 arithmetic on the device (the only number type every gpu.js
 * target shares), which is exact only up to 2^24. Larger tensors are rejected with a
 * {@link BackendError} naming this limit; the GL texture limit (`MAX_TEXTURE_SIZE`² texels) is
 * checked as well but is larger on every device with `MAX_TEXTURE_SIZE` >= 4096.
 */
export const MAX_ELEMENTS = 2 ** 24;

/**
 * Live device storage, as {@link GpujsBackend.deviceMemory} reports it.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend, tensor } from '@profundo/core';
 * import { createGpujsBackend, type DeviceMemoryInfo, type GpujsBackend } from '@profundo/backend-gpujs';
 *
 * registerBackend('gpujs', () => createGpujsBackend({ mode: 'headlessgl' })); // Node, under a display
 * const gpu = (await setBackend('gpujs')) as GpujsBackend;
 * const before: DeviceMemoryInfo = gpu.deviceMemory();
 * const x = tensor([1, 2, 3, 4]);
 * gpu.deviceMemory().buffers - before.buffers; // 1
 * x.dispose();
 * gpu.deviceMemory().buffers - before.buffers; // 0
 * ```
 */
export interface DeviceMemoryInfo {
  /**
   * Live textures (GL) or buffers (WebGPU) that hold tensors. Pending element-wise results are
   * computed first, so every live tensor is counted.
   */
  readonly buffers: number;
  /** Their size on the device in bytes (texture texels × bytes per texel; buffer bytes). */
  readonly bytes: number;
  /** Kernels compiled and cached so far. */
  readonly kernels: number;
}

let nextId = 1;

/**
 * The handle core holds for each tensor: the device value (or, with asynchronous kernels, the
 * Promise of it), or the pending element-wise expression that will compute it (fusion.ts), and
 * its element count. Empty tensors hold no device memory at all.
 */
export class GpuStorage {
  /** A number for debugging messages. */
  readonly id = nextId++;
  /** The resolved device value; `null` for empty tensors and for WebGPU results still pending. */
  value: DeviceValue | null = null;
  /** WebGPU: the Promise of the value (kernels are asynchronous there). */
  promise: Promise<DeviceValue> | null = null;
  /** The element-wise expression that computes this storage, until a kernel has run it. */
  pending: Pending | null = null;
  /** Bytes this storage occupies on the device (0 while pending). */
  bytes = 0;
  /** Counted in {@link Device.memory}: computed and not disposed. */
  tracked = false;
  /**
   * Readers that still need this storage: kernels issued but not launched yet (asynchronous
   * kernels) and pending expressions that read it. It is freed once disposed and unused.
   */
  users = 0;
  /** `dispose()` was called. */
  disposed = false;
  /** The device value was released. */
  released = false;

  constructor(
    /** Number of elements. */
    readonly size: number,
    readonly device: Device,
  ) {}
}

/** Bytes per texel of a GL texture, from its internal format. */
function bytesPerTexel(value: DeviceValue): number {
  const gl = value.context as Record<string, number> | undefined;
  if (gl && value.internalFormat !== undefined) {
    if (value.internalFormat === gl.R32F) return 4;
    if (value.internalFormat === gl.RG32F) return 8;
  }
  return 16;
}

/** Flattens what gpu.js's `toArray()` returns for a 1-D output into one Float32Array. */
function flatten(values: unknown, size: number): Float32Array {
  if (values instanceof Float32Array) return values.length === size ? values : values.slice(0, size);
  throw new BackendError('read', `gpu.js returned ${Object.prototype.toString.call(values)} for a 1-D result`);
}

/**
 * A WebGPU result of `Array(4)` per thread as what it is in memory, `size` consecutive floats:
 * a new handle with one component per element on the same buffer (gpu.js reference-counts the
 * buffer, so freeing the original handle here leaves it alive).
 */
function asFlatBuffer(v: DeviceValue, size: number): DeviceValue {
  const Handle = v.constructor as new (settings: Record<string, unknown>) => DeviceValue;
  const r = v as DeviceValue & { buffer: unknown; kernel: unknown };
  const flat = new Handle({ buffer: r.buffer, output: [size], componentCount: 1, context: r.context, kernel: r.kernel });
  v.delete();
  return flat;
}

const KERNEL_CLASSES: Record<GpujsMode, keyof GpuJsModule> = {
  headlessgl: 'HeadlessGLKernel',
  webgl2: 'WebGL2Kernel',
  webgl: 'WebGLKernel',
  webgpu: 'WebGPUKernel',
};

/**
 * One gpu.js context in one mode, with its kernel cache and live-storage accounting.
 */
export class Device {
  /**
   * Whether kernels return Promises: on WebGPU, and on any mode whose gpu.js runs kernels
   * asynchronously (gpu.js announces an async-only v3). Probed at creation
   * ({@link probeAsyncKernels}), never assumed from the mode.
   */
  readonly async: boolean;
  /** Whether results are GL textures (every mode but WebGPU), which may hold four-channel texels. */
  readonly gl: boolean;
  /** The largest number of elements one tensor may have here. */
  readonly maxElements: number;
  readonly #kernels = new Map<string, KernelRun>();
  readonly #kernelClass: unknown;
  /**
   * Whether one-value kernels store four elements per RGBA32F texel (gpu.js's
   * `optimizeFloatMemory`: each fragment computes four consecutive elements), on headless-gl
   * only. There (WebGL 1, Mesa llvmpipe) the alternative is one element per RGBA32F texel, and
   * packing made the main job's training step 1.75× faster (65 → 37 ms). In Chromium
   * (SwiftShader) it did not pay: the same step took about 2× longer on WebGL2 (whose default is
   * one element per `R32F` texel) and no less on WebGL 1, so it stays off there.
   */
  readonly #packFloats: boolean;
  #dummy: GpuStorage | null = null;
  /** Live storages whose expression has not run yet. */
  readonly #pending = new Set<GpuStorage>();
  #generation = 0;
  #buffers = 0;
  #bytes = 0;

  constructor(
    readonly gpu: GpuInstance,
    readonly mode: GpujsMode,
    /** `MAX_TEXTURE_SIZE` on the GL modes; `Infinity` on WebGPU. */
    readonly maxTextureSize: number,
    /** What {@link probeAsyncKernels} found. */
    asyncKernels: boolean,
  ) {
    this.async = asyncKernels;
    this.gl = mode !== 'webgpu';
    this.#kernelClass = gpujs()[KERNEL_CLASSES[mode]];
    this.#packFloats = mode === 'headlessgl';
    // gpu.js stores n values in a near-square texture of ceil(sqrt(n))-ish sides.
    this.maxElements = Math.min(MAX_ELEMENTS, Number.isFinite(maxTextureSize) ? (maxTextureSize - 1) ** 2 : MAX_ELEMENTS);
  }

  /**
   * Bumped by every kernel other than a pending expression's: element-wise results made since
   * (this generation) fold into later element-wise ops; older ones are computed first (fusion.ts).
   */
  get generation(): number {
    return this.#generation;
  }

  /** Live storage and compiled kernels, after computing every live pending storage. */
  memory(): DeviceMemoryInfo {
    for (const s of [...this.#pending]) this.compute(s);
    return { buffers: this.#buffers, bytes: this.#bytes, kernels: this.#kernels.size };
  }

  /** Throws a {@link BackendError} naming the limit when `n` elements do not fit. */
  checkSize(op: string, n: number): void {
    if (n > this.maxElements) {
      const why =
        this.maxElements === MAX_ELEMENTS
          ? `2^24: element indices are computed in float32 on the device`
          : `the texture limit MAX_TEXTURE_SIZE = ${this.maxTextureSize} per side`;
      throw new BackendError(
        op,
        `a tensor of ${n} elements exceeds backend-gpujs's limit of ${this.maxElements} elements (${why}); split it into smaller tensors`,
      );
    }
  }

  /** The compiled kernel for `source` with `n` outputs, compiling it on first use. */
  #kernel(key: string, source: string, n: number, returnType?: 'Array(4)', functions?: readonly ElementwiseFn['fn'][]): KernelRun {
    key = `${n}:${returnType ?? ''}:${key}`;
    let k = this.#kernels.get(key);
    if (!k) {
      k = this.gpu.createKernel(source, {
        output: [n],
        pipeline: true,
        immutable: true,
        precision: 'single',
        tactic: 'precision',
        loopMaxIterations: 1 << 30,
        ...(returnType ? { returnType } : { optimizeFloatMemory: this.#packFloats }),
        // Helper functions are named for their statements: the source's names fix them.
        ...(functions?.length ? { functions } : {}),
      });
      this.#kernels.set(key, k);
    }
    return k;
  }

  /** A 1-element storage standing in for empty inputs, which kernels never read. */
  #placeholder(): GpuStorage {
    if (!this.#dummy) {
      this.#dummy = this.upload(new Float32Array(1), false);
    }
    return this.#dummy;
  }

  /** Checks that gpu.js really ran the kernel in this mode and returned a device value. */
  #checkResult(op: string, k: KernelRun, result: unknown): DeviceValue {
    if (k.kernel.constructor !== this.#kernelClass) {
      const reason = k.kernel.fallbackReason ? `: ${k.kernel.fallbackReason}` : '';
      throw new BackendError(op, `gpu.js left ${this.mode} for another backend while running a kernel${reason}`);
    }
    const v = result as DeviceValue | null;
    if (!v || typeof v !== 'object' || typeof v.delete !== 'function' || typeof v.toArray !== 'function') {
      throw new BackendError(op, `gpu.js returned no device value in ${this.mode} mode`);
    }
    return v;
  }

  #track(s: GpuStorage, bytes: number): void {
    s.bytes = bytes;
    s.tracked = true;
    this.#buffers++;
    this.#bytes += bytes;
  }

  /**
   * Runs the kernel `source` (a JavaScript function gpu.js compiles; it computes element
   * `this.thread.x` of an `n`-element result) over `inputs`, then `scalars` as float
   * uniforms. Returns the new storage at once; with asynchronous kernels (WebGPU) its value
   * arrives later.
   *
   * `layout` says what a kernel returning `Array(4)` (four values per thread) makes:
   * - `'texels'` (GL modes only): one four-channel texel per thread; the result is an internal
   *   packed intermediate of `n` texels that only kernels written for it may read (as `x[i]`,
   *   a four-component value), never `read`;
   * - `'flat4'` (WebGPU only): the four values are elements `4t .. 4t + 3` of an ordinary flat
   *   result of `4n` elements (gpu.js stores them so in its buffer; the handle is re-made with
   *   one component per element, since gpu.js passes only those between kernels).
   */
  run(
    op: string,
    source: string,
    n: number,
    inputs: readonly GpuStorage[],
    scalars: readonly number[] = [],
    layout?: 'texels' | 'flat4',
  ): GpuStorage {
    if (layout === 'texels' && !this.gl) throw new BackendError(op, 'gpu.js cannot pass Array(4) results between kernels on WebGPU');
    if (layout === 'flat4' && this.gl) throw new BackendError(op, 'four-value flat results are for WebGPU buffers only');
    const size = layout === 'flat4' ? 4 * n : n;
    this.checkSize(op, size);
    const out = new GpuStorage(size, this);
    if (n > 0) this.#launch(op, out, source, n, inputs, scalars, layout);
    this.#generation++;
    return out;
  }

  /**
   * A storage of `n` elements that `p` computes once something needs its values (see
   * fusion.ts): it holds the storages `p` reads until then.
   */
  defer(op: string, p: Pending, n: number): GpuStorage {
    this.checkSize(op, n);
    const out = new GpuStorage(n, this);
    if (n === 0) return out;
    for (const s of p.leaves) {
      if (s.released || (s.disposed && s.users === 0)) throw new BackendError(op, `storage #${s.id} was used after dispose()`);
      s.users++;
    }
    out.pending = p;
    this.#pending.add(out);
    return out;
  }

  /** Runs a pending storage's expression now, as one kernel (nothing to do when it has run). */
  compute(s: GpuStorage): void {
    const p = s.pending;
    if (!p) return;
    const { source, functions, inputs } = fusedKernel(p, s.size);
    this.#launch('gpujs element-wise', s, source, s.size, inputs, [], undefined, functions);
    s.pending = null;
    this.#pending.delete(s);
    for (const l of p.leaves) this.#unuse(l);
  }

  /** Launches a kernel that fills `out` (`n` threads). */
  #launch(
    op: string,
    out: GpuStorage,
    source: string,
    n: number,
    inputs: readonly GpuStorage[],
    scalars: readonly number[],
    layout?: 'texels' | 'flat4',
    functions?: readonly ElementwiseFn['fn'][],
  ): void {
    const returnType = layout ? 'Array(4)' : undefined;
    const size = out.size;
    const ins = inputs.map((s) => {
      if (s.released || (s.disposed && s.users === 0)) throw new BackendError(op, `storage #${s.id} was used after dispose()`);
      this.compute(s);
      return s.size === 0 ? this.#placeholder() : s;
    });
    const k = this.#kernel(`${ins.map((s) => s.size).join(',')}:${source}`, source, n, returnType, functions);
    if (!this.async) {
      const result = k(...ins.map((s) => s.value), ...scalars);
      const v = this.#checkResult(op, k, result);
      out.value = v;
      const texels = v.size ?? [n, 1];
      this.#track(out, texels[0]! * texels[1]! * bytesPerTexel(v));
      return;
    }
    for (const s of ins) s.users++;
    this.#track(out, size * 4);
    // An input may be freed only once the kernel reading it was submitted, which with
    // asynchronous kernels is when the kernel's own Promise settles (its first run waits for an
    // asynchronous build on WebGPU).
    const done = (): void => {
      for (const s of ins) this.#unuse(s);
    };
    const launch = (values: DeviceValue[]): Promise<DeviceValue> => {
      let p: Promise<unknown>;
      try {
        p = k(...values, ...scalars) as Promise<unknown>;
      } catch (e) {
        done();
        throw e;
      }
      return p.then(
        (r) => {
          done();
          const v = this.#checkResult(op, k, r);
          return layout === 'flat4' ? asFlatBuffer(v, size) : v;
        },
        (e: unknown) => {
          done();
          throw e;
        },
      );
    };
    const ready = ins.every((s) => s.value);
    out.promise = ready
      ? launch(ins.map((s) => s.value!))
      : Promise.all(ins.map((s) => s.value ?? s.promise!)).then(launch, (e: unknown) => {
          done();
          throw e;
        });
    out.promise.then(
      (v) => {
        out.value = v;
      },
      () => {},
    );
  }

  /** Copies host values to the device. */
  upload(values: Float32Array, track = true): GpuStorage {
    const n = values.length;
    this.checkSize('write', n);
    if (n === 0) return new GpuStorage(0, this);
    const source = 'function (v) { return v[this.thread.x]; }';
    const k = this.#kernel(source, source, n);
    const out = new GpuStorage(n, this);
    if (!this.async) {
      const v = this.#checkResult('write', k, k(values));
      out.value = v;
      const size = v.size ?? [n, 1];
      if (track) this.#track(out, size[0]! * size[1]! * bytesPerTexel(v));
      return out;
    }
    if (track) this.#track(out, n * 4);
    out.promise = (k(values) as Promise<unknown>).then((r) => this.#checkResult('write', k, r));
    out.promise.then(
      (v) => {
        out.value = v;
      },
      () => {},
    );
    return out;
  }

  /** Reads a storage's values back (float32; the backend converts to the tensor's dtype). */
  async read(s: GpuStorage): Promise<Float32Array> {
    if (s.size === 0) return new Float32Array(0);
    if (s.disposed) throw new BackendError('read', `storage #${s.id} was used after dispose()`);
    this.compute(s);
    const v = s.value ?? (await s.promise!);
    if (this.mode === 'webgl2' && canReadAsync(v)) return readTextureAsync(v, s.size);
    // gpu.js's toArray() returns the values on the GL modes and a Promise of them on WebGPU.
    return flatten(await v.toArray(), s.size);
  }

  /** Synchronous read (GL modes with synchronous kernels only). */
  readSync(s: GpuStorage): Float32Array {
    if (s.size === 0) return new Float32Array(0);
    if (s.disposed) throw new BackendError('readSync', `storage #${s.id} was used after dispose()`);
    this.compute(s);
    if (!s.value) throw new BackendError('readSync', `${this.mode} reads asynchronously; use await data()`);
    return flatten(s.value.toArray(), s.size);
  }

  /** Frees a storage once no pending kernel or expression still needs it. */
  dispose(s: GpuStorage): void {
    if (s.disposed) throw new BackendError('dispose', `storage #${s.id} was disposed twice`);
    s.disposed = true;
    if (s.tracked) {
      s.tracked = false;
      this.#buffers--;
      this.#bytes -= s.bytes;
    }
    if (s.users === 0) this.#release(s);
  }

  #unuse(s: GpuStorage): void {
    if (--s.users === 0 && s.disposed) this.#release(s);
  }

  #release(s: GpuStorage): void {
    if (s.released) return;
    s.released = true;
    // Never computed: nothing to free but the hold on what it would have read.
    const p = s.pending;
    s.pending = null;
    this.#pending.delete(s);
    if (p) for (const l of p.leaves) this.#unuse(l);
    if (s.value) {
      s.value.delete();
      s.value = null;
    } else if (s.promise) {
      s.promise.then(
        (v) => v.delete(),
        () => {},
      );
    }
    s.promise = null;
  }

  /** Frees every cached kernel and the gpu.js context. */
  destroy(): void {
    for (const k of this.#kernels.values()) k.destroy();
    this.#kernels.clear();
    this.gpu.destroy();
  }
}

/**
 * Whether `gpu`'s kernels return Promises, found by running a one-element kernel: the backend
 * then launches every kernel asynchronously and has no `readSync`. gpu.js 2's GL kernels return
 * their texture; its WebGPU kernels, and every kernel of an async-only gpu.js, a Promise of it.
 */
export async function probeAsyncKernels(gpu: GpuInstance): Promise<boolean> {
  const k = gpu.createKernel('function (v) { return v[this.thread.x]; }', { output: [1], pipeline: true, immutable: true, precision: 'single' });
  try {
    const r = k(new Float32Array([1])) as { then?: unknown } | null;
    const isAsync = typeof r?.then === 'function';
    const v = (await r) as DeviceValue | null;
    v?.delete();
    return isAsync;
  } finally {
    k.destroy(false);
  }
}

/** Which kernel class a mode must end up with; used to verify the mode at creation. */
export function kernelClassFor(mode: GpujsMode): KernelClass {
  return gpujs()[KERNEL_CLASSES[mode]] as KernelClass;
}
