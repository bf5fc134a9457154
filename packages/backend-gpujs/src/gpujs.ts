/**
 * The slice of gpu.js this package uses, typed here so that the rest of the code does not
 * depend on gpu.js's own declarations (which predate its WebGPU mode).
 *
 * In Node, `gpu.js` resolves to its CommonJS build (headless-gl through the optional `gl`
 * addon); bundlers that honour the `browser` field get its browser build. Both export the
 * same object.
 *
 * @internal
 * @module
 */
import gpujsModule from 'gpu.js';

/** A device-resident kernel result: a gpu.js GL texture or a WebGPU buffer handle. */
export interface DeviceValue {
  /** gpu.js's type tag, e.g. `'ArrayTexture(1)'` or `'WebGPUBuffer'`. */
  readonly type: string;
  /** The kernel output dims this value was made with. */
  readonly output: readonly number[];
  /** GL only: the texture's width and height in texels. */
  readonly size?: ArrayLike<number>;
  /** GL only: the internal format of the texture (e.g. `R32F` or `RGBA32F`). */
  readonly internalFormat?: number;
  /** GL only: the rendering context. */
  readonly context?: Record<string, unknown>;
  /** Reads the values back (a Promise on WebGPU). */
  toArray(): unknown;
  /** Frees the texture or buffer (gpu.js reference-counts shared ones). */
  delete(): void;
}

/** The callable a gpu.js `createKernel` returns. */
export interface KernelRun {
  (...args: unknown[]): unknown;
  /** The kernel object that actually runs (replaced on fallback or argument-type switches). */
  kernel: { constructor: unknown; fallbackReason?: string | null; texSize?: ArrayLike<number> };
  /** Frees the kernel's programs and buffers. */
  destroy(removeCanvasReferences?: boolean): void;
}

/** A gpu.js `GPU` instance. */
export interface GpuInstance {
  /** The mode gpu.js was asked for. */
  readonly mode: string;
  /** The kernel class gpu.js chose. */
  readonly Kernel: unknown;
  /** Compiles a kernel from JavaScript source. */
  createKernel(source: string, settings: Record<string, unknown>): KernelRun;
  /** Frees every kernel and the context. */
  destroy(): unknown;
}

/** The gpu.js module object. */
export interface GpuJsModule {
  GPU: {
    new (settings: { mode: string; canvas?: unknown; context?: unknown }): GpuInstance;
    readonly isHeadlessGLSupported: boolean;
    readonly isWebGL2Supported: boolean;
    readonly isWebGLSupported: boolean;
    readonly isWebGPUSupported: boolean;
    isWebGPUAvailable(): Promise<boolean>;
  };
  HeadlessGLKernel: KernelClass;
  WebGL2Kernel: KernelClass;
  WebGLKernel: KernelClass;
  WebGPUKernel: KernelClass;
}

/** A gpu.js kernel class (constructor), carrying the feature flags gpu.js probed. */
export interface KernelClass {
  readonly features?: {
    readonly maxTextureSize?: number;
    readonly isFloatRead?: boolean;
    readonly isTextureFloat?: boolean;
  } | null;
}

/** The loaded gpu.js module. */
export const gpujs = gpujsModule as unknown as GpuJsModule;
