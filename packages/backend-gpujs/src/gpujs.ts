/**
 * The slice of gpu.js this package uses, typed here so that the rest of the code does not
 * depend on gpu.js's own declarations (which predate its WebGPU mode).
 *
 * gpu.js is an optional peer dependency, imported on first use by {@link loadGpujs}: in Node,
 * `gpu.js` resolves to its CommonJS build (headless-gl through the optional `gl` addon);
 * bundlers that honour the `browser` field get its browser build (the package's own browser
 * bundle inlines it). Both export the same object. Importing this package never needs gpu.js;
 * creating a backend without it installed is a `BackendError` that says what to install.
 *
 * @internal
 * @module
 */
import { BackendError } from '@profundo/core';

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

/** The gpu.js version range this package is written and tested against (its peer range). */
export const GPUJS_RANGE = '^2.24.1';

let loaded: GpuJsModule | null = null;
let pending: Promise<GpuJsModule> | null = null;

/** Whether `e` says that the package `name` itself could not be found (not one of its files or dependencies). */
function isMissing(e: unknown, name: string): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  // Node: "Cannot find package 'gpu.js' imported from …"; browsers, for a bundle built
  // without it: "Failed to resolve module specifier "gpu.js"".
  const names = message.includes(`'${name}'`) || message.includes(`"${name}"`);
  return names && (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || e instanceof TypeError);
}

/** The error for a gpu.js that is missing (or fails to load), naming what to install. */
export function gpujsLoadError(op: string, e: unknown): BackendError {
  const why = isMissing(e, 'gpu.js')
    ? 'the gpu.js package is not installed'
    : `gpu.js failed to load (${e instanceof Error ? e.message : String(e)})`;
  const error = new BackendError(
    op,
    `${why}. It is an optional peer dependency of @profundo/backend-gpujs: in Node, install it (npm i gpu.js@${GPUJS_RANGE}; headless-gl also needs its optional gl addon, see the package README); in browsers, bundle @profundo/backend-gpujs with the browser condition or import @profundo/backend-gpujs/browser, which include gpu.js`,
  );
  (error as { cause?: unknown }).cause = e;
  return error;
}

/**
 * Imports gpu.js once; later calls return the same module. A failure is a
 * {@link BackendError} from `op` naming the package and how to install it, and the next call
 * tries again. `importer` is for tests.
 */
export function loadGpujs(op: string, importer: () => Promise<unknown> = () => import('gpu.js')): Promise<GpuJsModule> {
  if (loaded) return Promise.resolve(loaded);
  pending ??= importer().then(
    (namespace) => {
      // Node's CommonJS interop (and bundlers') put module.exports on `default`.
      const ns = namespace as { default?: unknown; GPU?: unknown };
      const candidate = (ns.GPU === undefined && ns.default !== undefined ? ns.default : ns) as Partial<GpuJsModule>;
      if (typeof candidate?.GPU !== 'function') {
        throw new BackendError(op, 'the gpu.js module has no GPU class; is gpu.js 2.x installed?');
      }
      loaded = candidate as GpuJsModule;
      return loaded;
    },
    (e: unknown) => {
      throw gpujsLoadError(op, e);
    },
  );
  return pending.finally(() => {
    pending = null;
  });
}

/** The gpu.js module, once {@link loadGpujs} has loaded it (every backend is created after that). */
export function gpujs(): GpuJsModule {
  if (!loaded) throw new BackendError('gpujs', 'gpu.js is used before loadGpujs() loaded it');
  return loaded;
}
