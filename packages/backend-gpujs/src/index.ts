/**
 * `@profundo/backend-gpujs`: Profundo's GPU backend, with kernels written for gpu.js —
 * headless-gl in Node, WebGL2 / WebGL / WebGPU in browsers. Tensors stay on the device between
 * ops; `data()` (and `dataSync()` on the GL modes) read them back.
 *
 * It registers nothing by itself; pass {@link createGpujsBackend} to core's registry:
 *
 * @example
 * ```ts types-only
 * import { registerBackend, setBackend } from '@profundo/core';
 * import { createGpujsBackend } from '@profundo/backend-gpujs';
 *
 * registerBackend('gpujs', () => createGpujsBackend({ mode: 'webgl2' })); // a browser; in Node: 'headlessgl'
 * await setBackend('gpujs');
 * ```
 *
 * @packageDocumentation
 */
import { BackendError } from '@profundo/core';
import { GpujsBackend } from './backend.js';
import { Device, kernelClassFor, probeAsyncKernels, type GpujsMode } from './device.js';
import { loadGpujs, type GpuInstance, type GpuJsModule } from './gpujs.js';

export { GpujsBackend, MAX_EXACT_INT } from './backend.js';
export { MAX_ELEMENTS, type DeviceMemoryInfo, type GpujsMode } from './device.js';

/** Settings of {@link createGpujsBackend}. */
export interface GpujsBackendOptions {
  /**
   * The gpu.js mode to run in: `'headlessgl'` (Node, needs the `gl` addon and an X display,
   * e.g. `xvfb-run`), `'webgl2'`, `'webgl'` (browsers with float textures) or `'webgpu'`
   * (browsers with a WebGPU adapter; reads are async only). There is no fallback: a mode that
   * is not available is an error.
   */
  mode: GpujsMode;
  /** Browser only: a canvas for gpu.js to draw with (default: one it creates). */
  canvas?: unknown;
}

const MODES: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl', 'webgpu'];

function unavailable(mode: string, why: string): BackendError {
  return new BackendError('createGpujsBackend', `gpu.js mode '${mode}' is not available here: ${why}`);
}

/** Checks that `mode` can run here before gpu.js is asked for it (gpu.js may fall back silently). */
async function checkAvailable(gpujs: GpuJsModule, mode: GpujsMode): Promise<void> {
  const { GPU } = gpujs;
  switch (mode) {
    case 'headlessgl':
      if (!GPU.isHeadlessGLSupported) {
        throw unavailable(mode, 'headless-gl could not create a context (it needs the `gl` addon built and an X display; run under `xvfb-run -a`)');
      }
      return;
    case 'webgl2':
      if (!GPU.isWebGL2Supported) throw unavailable(mode, 'this environment has no WebGL2 context with float textures');
      return;
    case 'webgl': {
      if (!GPU.isWebGLSupported) throw unavailable(mode, 'this environment has no WebGL context');
      const f = kernelClassFor('webgl').features;
      if (!f?.isTextureFloat || !f.isFloatRead) throw unavailable(mode, 'WebGL here cannot render to and read float textures (OES_texture_float)');
      return;
    }
    case 'webgpu':
      if (!GPU.isWebGPUSupported) throw unavailable(mode, 'navigator.gpu does not exist');
      if (!(await GPU.isWebGPUAvailable())) throw unavailable(mode, 'navigator.gpu.requestAdapter() found no adapter');
      return;
  }
}

/**
 * Creates the gpu.js backend in `options.mode`, verifying that gpu.js really runs there: it
 * checks the platform, then compiles and runs a probe kernel and compares its results. A mode
 * that is not available, or in which gpu.js would run a different backend, rejects with a
 * {@link BackendError} naming the requested mode — it never falls back silently.
 *
 * gpu.js is an optional peer dependency, imported on the first call. In Node install it next
 * to this package (`npm i gpu.js`); without it the call rejects with a {@link BackendError}
 * saying so. Browser bundles need nothing more: the package's `browser` export condition and
 * `@profundo/backend-gpujs/browser` are one module with gpu.js's browser build inlined.
 *
 * The backend's `name` is `'gpujs'`; its `mode` is the mode it runs in. All tensors are
 * float32 on the device: int32 and bool tensors are stored as floats (exact for |v| <= 2^24;
 * larger int32 values are rejected when written), and tensors larger than
 * {@link MAX_ELEMENTS} elements are rejected with an error naming the limit.
 *
 * @example
 * ```ts
 * registerBackend('gpujs', () => createGpujsBackend({ mode: 'headlessgl' }));
 * const backend = await setBackend('gpujs');
 * console.log((backend as GpujsBackend).mode); // 'headlessgl'
 * ```
 *
 * @param options - The mode (required) and, in browsers, optionally a canvas.
 * @returns A Promise of a fresh backend with its own gpu.js context and kernel cache.
 */
export async function createGpujsBackend(options: GpujsBackendOptions): Promise<GpujsBackend> {
  const mode = options?.mode;
  if (!MODES.includes(mode)) {
    throw new BackendError('createGpujsBackend', `unknown mode ${JSON.stringify(mode)}; choose one of ${MODES.join(', ')}`);
  }
  const gpujs = await loadGpujs('createGpujsBackend');
  await checkAvailable(gpujs, mode);
  let gpu: GpuInstance;
  try {
    gpu = new gpujs.GPU(options.canvas ? { mode, canvas: options.canvas } : { mode });
  } catch (e) {
    throw unavailable(mode, (e as Error).message);
  }
  const maxTextureSize = mode === 'webgpu' ? Infinity : (kernelClassFor(mode).features?.maxTextureSize ?? 4096);
  let device: Device | null = null;
  // Probe: whether kernels are asynchronous, then upload, one kernel, read back. Device checks
  // the kernel class on every run.
  try {
    device = new Device(gpu, mode, maxTextureSize, await probeAsyncKernels(gpu));
    const backend = new GpujsBackend(device);
    const x = backend.write(new Float32Array([1, 2, 3]), [3], 'float32');
    const y = backend.binary('mul', { handle: x, shape: [3], dtype: 'float32' }, { handle: x, shape: [3], dtype: 'float32' }, [3]);
    const values = await backend.read({ handle: y, shape: [3], dtype: 'float32' });
    backend.dispose(x);
    backend.dispose(y);
    if (values[0] !== 1 || values[1] !== 4 || values[2] !== 9) {
      throw new Error(`a probe kernel computed [${Array.from(values).join(', ')}] instead of [1, 4, 9]`);
    }
    return backend;
  } catch (e) {
    if (device) device.destroy();
    else gpu.destroy();
    throw unavailable(mode, (e as Error).message);
  }
}
