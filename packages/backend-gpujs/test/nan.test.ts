/**
 * NaN semantics of the gpu.js backend in Node on headless-gl (see test/nan.ts; the browser
 * suites run the same checks in WebGL2, WebGL and WebGPU). Needs an X display (`xvfb-run -a`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
import { nanCheckCount, nanMismatches } from './nan.js';

describe('NaN propagates as on the CPU backend (PyTorch semantics)', () => {
  let gpu: GpujsBackend;
  beforeAll(async () => {
    gpu = await createGpujsBackend({ mode: 'headlessgl' });
    expect(gpu.mode).toBe('headlessgl');
  });

  it('the hand-derived expectations hold on the CPU backend', async () => {
    expect(nanCheckCount()).toBeGreaterThan(40);
    expect(await nanMismatches(createCpuBackend())).toEqual([]);
  });

  it('in headless-gl', async () => {
    expect(await nanMismatches(gpu)).toEqual([]);
  });
});
