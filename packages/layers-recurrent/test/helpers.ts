/**
 * Shared setup of the recurrent-layer tests: the backends the numeric suites run on (Profundo's
 * CPU backend, and the gpu.js backend on headless-gl, which needs an X display: run vitest
 * under `xvfb-run -a`; without one its tests fail, naming 'headlessgl', and never run on a
 * fallback), seeded inputs independent of Profundo's generator, and a tolerant comparison.
 */
import { listBackends, registerBackend, setBackend, type Backend } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
// Loaded only when a suite creates it, so the CPU-only suites do not load gpu.js.
import type { GpujsBackend } from '@profundo/backend-gpujs';
import { beforeAll, beforeEach, expect } from 'vitest';

/** A backend a suite runs on. */
export interface TestBackend {
  /** The name it is registered under. */
  name: string;
  /** Makes a fresh instance. */
  create(): Backend | Promise<Backend>;
  /** Asserts that `b` is the backend asked for. */
  check(b: Backend): void;
  /** Relative tolerance of its float32 results against the reference. */
  tol: number;
}

export const CPU: TestBackend = { name: 'cpu', create: createCpuBackend, check() {}, tol: 2e-5 };

export const GPUJS: TestBackend = {
  name: 'gpujs-headlessgl',
  create: async () => (await import('@profundo/backend-gpujs')).createGpujsBackend({ mode: 'headlessgl' }),
  check(b) {
    // The kernels must really run on headless-gl, not on a silent fallback.
    expect((b as GpujsBackend).mode).toBe('headlessgl');
  },
  tol: 1e-4,
};

export const BACKENDS: TestBackend[] = [CPU, GPUJS];

/** Makes `backend` current for the enclosing describe block (created once, current before each test). */
export function useBackend(backend: TestBackend): void {
  beforeAll(async () => {
    if (!listBackends().includes(backend.name)) registerBackend(backend.name, backend.create);
    backend.check(await setBackend(backend.name));
  });
  beforeEach(async () => {
    await setBackend(backend.name);
  });
}

/** mulberry32, seeded: test inputs independent of Profundo's own generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` values uniform in [−scale, scale). */
export function uniformArray(rng: () => number, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
}

/** Fails on the first element where `actual` and `expected` differ by more than `tol · (1 + |expected|)`. */
export function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)))) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, the reference ${expected[i]} (tol ${tol})`);
    }
  }
}
