/**
 * The test page's module: exposes `globalThis.profundo`, which the Node side calls through
 * playwright to create CPU backends on given paths, run the conformance kit on them case by
 * case, and compare matrix products across kernel paths, all inside the browser.
 */
import { listBackends, registerBackend, setBackend, tensor } from '@profundo/core';
import { conformanceCases, type ConformanceCase } from '@profundo/core/testing';
import { createCpuBackend, type CpuBackend, type CpuBackendOptions, type CpuPath } from '@profundo/backend-cpu';
import { exposePageApi, kitRunner } from '@profundo/browser-test/page';

/** A backend to test: its options, and whether to create it as if the page refused shared memory. */
export interface PageConfig {
  options: CpuBackendOptions;
  /**
   * Creates the backend while `new WebAssembly.Memory({ shared: true })` throws, as it does in
   * engines that gate shared memory on cross-origin isolation (Chromium does not: it hands out
   * shared memory but refuses to post it to workers), so that the unshared fallback runs here.
   */
  refuseSharedMemory?: boolean;
}

/** One backend under test: created once, its workers awaited, shared by all its kit cases. */
interface Entry {
  backend: CpuBackend;
  cases: ConformanceCase[];
}
const entries = new Map<string, Entry>();

/** The registry name of the backend for `config`. */
function keyOf({ options, refuseSharedMemory }: PageConfig): string {
  return `cpu-${options.kernels ?? 'default'}-${options.threads ?? 'default'}-${options.parallelMin ?? 'default'}${refuseSharedMemory ? '-unshared' : ''}`;
}

/** `make()` with shared WebAssembly memory refused. */
function refusingSharedMemory<T>(make: () => T): T {
  const Memory = WebAssembly.Memory;
  WebAssembly.Memory = new Proxy(Memory, {
    construct(target, args: [WebAssembly.MemoryDescriptor]) {
      if (args[0]?.shared) throw new TypeError('shared WebAssembly.Memory refused (simulated by the test page)');
      return Reflect.construct(target, args) as object;
    },
  });
  try {
    return make();
  } finally {
    WebAssembly.Memory = Memory;
  }
}

async function entry(config: PageConfig): Promise<Entry> {
  const key = keyOf(config);
  let e = entries.get(key);
  if (!e) {
    const backend = config.refuseSharedMemory
      ? refusingSharedMemory(() => createCpuBackend(config.options))
      : createCpuBackend(config.options);
    await backend.ready;
    e = { backend, cases: await conformanceCases({ name: key, factory: () => backend }) };
    entries.set(key, e);
  }
  return e;
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The product of `config`'s backend on `a` (M×K) and `b` (K×N). */
async function product(config: PageConfig, a: Float32Array, b: Float32Array, M: number, K: number, N: number): Promise<Float32Array> {
  const key = keyOf(config);
  await entry(config);
  if (!listBackends().includes(key)) registerBackend(key, () => entries.get(key)!.backend);
  await setBackend(key);
  const c = tensor(a, { shape: [M, K] }).matmul(tensor(b, { shape: [K, N] }));
  return (await c.data()) as Float32Array;
}

const api = {
  /** What the page's environment offers. */
  env(): { crossOriginIsolated: boolean; sharedArrayBuffer: boolean; sharedWasmMemory: boolean; hardwareConcurrency: number } {
    let sharedWasmMemory = false;
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      sharedWasmMemory = true;
    } catch {
      // refused without cross-origin isolation (or unsupported)
    }
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
      sharedWasmMemory,
      hardwareConcurrency: navigator.hardwareConcurrency,
    };
  },
  /** Creates the backend for `config`, waits for its workers, and reports its path. */
  async setup(config: PageConfig): Promise<CpuPath> {
    return { ...(await entry(config)).backend.path };
  },
  /** The backend's conformance case names, in order; and one case run, its outcome (passed, failed or skipped) resolved. */
  ...kitRunner(async (config: PageConfig) => (await entry(config)).cases),
  /**
   * An `M×K · K×N` product on the `js` path and on `other`: the largest difference between them,
   * and each one's largest error against a float64 product computed here, all relative to that
   * product's largest magnitude; and the capacity of `other`'s heap before and after.
   */
  async matmul(other: PageConfig, M: number, K: number, N: number): Promise<{ path: CpuPath; jsVsOther: number; jsVsRef: number; otherVsRef: number; size: number; heapBefore: number; heapAfter: number }> {
    const a = values(M * K, 1);
    const b = values(K * N, 2);
    const ref = new Float64Array(M * N);
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) {
        const aik = a[i * K + k]!;
        for (let j = 0; j < N; j++) ref[i * N + j]! += aik * b[k * N + j]!;
      }
    }
    const heapBefore = (await entry(other)).backend.heapBytes.capacity;
    const js = await product({ options: { kernels: 'js' } }, a, b, M, K, N);
    const simd = await product(other, a, b, M, K, N);
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const diff = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
      let d = 0;
      for (let i = 0; i < M * N; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
      return d / scale;
    };
    return {
      path: { ...(await entry(other)).backend.path },
      jsVsOther: diff(js, simd),
      jsVsRef: diff(js, ref),
      otherVsRef: diff(simd, ref),
      size: Math.min(js.length, simd.length),
      heapBefore,
      heapAfter: (await entry(other)).backend.heapBytes.capacity,
    };
  },
};

export type PageApi = typeof api;

exposePageApi(api);
