/**
 * The backend on a gpu.js whose kernels are asynchronous, as gpu.js announces for v3: here
 * headless-gl's kernels are wrapped so that every call returns a Promise of its texture and every
 * texture's `toArray()` a Promise of its values. Nothing of the backend may assume synchronous
 * kernels: it must find out at creation, drop `readSync`, and still pass the conformance kit,
 * run the blocked matmul and convolutions, train the main job's MLP as the CPU backend does, and
 * keep memory flat in `tidy`. Runs under the test command's `xvfb-run` (headless-gl).
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackends, registerBackend, setBackend } from '@profundo/core';
import { conformanceCases } from '@profundo/core/testing';
import { createCpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
import { fusedMismatches } from './fused.js';
import { GPUJS_GRAD_TOLERANCE, GPUJS_TOLERANCE, LOSS_RTOL } from './settings.js';
import { MAIN_JOB, maxRelativeDiff, mlpLosses, syntheticBatches, tidyTraining } from './training.js';

type KernelFn = ((...args: unknown[]) => unknown) & { kernel: unknown; destroy(r?: boolean): void };
type GpuProto = { createKernel(this: unknown, source: unknown, settings: unknown): KernelFn };

// The same module object the backend imports (gpu.js is CommonJS).
const { GPU } = createRequire(import.meta.url)('gpu.js') as { GPU: { prototype: GpuProto } };
const syncCreate = GPU.prototype.createKernel;
/** Kernel calls that went through the asynchronous wrapper. */
let asyncCalls = 0;

function makeAsync(): void {
  GPU.prototype.createKernel = function (this: unknown, source: unknown, settings: unknown): KernelFn {
    const k = syncCreate.call(this, source, settings);
    const run = (...args: unknown[]): Promise<unknown> => {
      asyncCalls++;
      // Runs after the caller's synchronous code, as a kernel queued by an async API would.
      return Promise.resolve().then(() => {
        const r = k(...args) as { toArray?: () => unknown } | null;
        if (r && typeof r.toArray === 'function') {
          const toArray = r.toArray.bind(r);
          r.toArray = () => Promise.resolve().then(toArray);
        }
        return r;
      });
    };
    Object.defineProperty(run, 'kernel', { get: () => k.kernel });
    return Object.assign(run, { destroy: (r?: boolean) => k.destroy(r) }) as unknown as KernelFn;
  };
}

const NAME = 'gpujs-headlessgl-async';
const factory = () => createGpujsBackend({ mode: 'headlessgl' });

async function gpujs(): Promise<GpujsBackend> {
  if (!listBackends().includes(NAME)) registerBackend(NAME, factory);
  return (await setBackend(NAME)) as GpujsBackend;
}

describe('gpujs backend with asynchronous gpu.js kernels (headless-gl)', async () => {
  makeAsync();
  afterAll(() => {
    GPU.prototype.createKernel = syncCreate;
  });

  it('finds the kernels asynchronous: no readSync, results through Promises', async () => {
    const b = await gpujs();
    expect(b.mode).toBe('headlessgl');
    expect(b.readSync).toBeUndefined();
    const before = asyncCalls;
    const x = b.write(new Float32Array([1, 2, 3]), [3], 'float32');
    const y = b.unary('exp', { handle: x, shape: [3], dtype: 'float32' });
    const got = await b.read({ handle: y, shape: [3], dtype: 'float32' });
    [1, 2, 3].forEach((v, i) => expect(got[i]).toBeCloseTo(Math.exp(v), 5));
    expect(asyncCalls - before).toBe(2);
    b.dispose(x);
    b.dispose(y);
  });

  describe('conformance kit', async () => {
    beforeAll(async () => {
      expect((await gpujs()).readSync).toBeUndefined();
    });
    const cases = await conformanceCases({ name: NAME, factory, tolerance: GPUJS_TOLERANCE, gradTolerance: GPUJS_GRAD_TOLERANCE });

    it('skips only the int32 cases beyond maxExactInt and the readSync cases', () => {
      const skipped = cases.filter((x) => x.skip !== undefined);
      expect(skipped.some((c) => /readSync is absent/.test(c.skip!))).toBe(true);
      for (const c of skipped) expect(`${c.name}: ${c.skip}`).toMatch(/: (the backend declares maxExactInt 16777216|the optional readSync is absent)/);
    });

    for (const c of cases) {
      it.skipIf(c.skip !== undefined)(c.name, async () => {
        await c.run();
      });
    }
  });

  it('runs the blocked matmul and convolutions and the fused kernels as the CPU backend does', async () => {
    const b = await gpujs();
    const before = asyncCalls;
    expect(await fusedMismatches(b, createCpuBackend())).toEqual([]);
    expect(asyncCalls).toBeGreaterThan(before);
  }, 120_000);

  it('trains the main job MLP: 8 losses match the CPU backend', async () => {
    if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
    // One batch of random labels, eight times: the network memorizes it, so the loss falls.
    const batches = Array(8).fill(syntheticBatches(1, MAIN_JOB.batchSize, 3)[0]!);
    const cpu = await mlpLosses('cpu', batches);
    await gpujs();
    const gpu = await mlpLosses(NAME, batches);
    expect(gpu[7]!).toBeLessThan(gpu[0]!);
    expect(maxRelativeDiff(gpu, cpu)).toBeLessThanOrEqual(LOSS_RTOL);
  }, 120_000);

  it('100 training steps inside tidy leave live tensors and device bytes unchanged', async () => {
    const b = await gpujs();
    const r = await tidyTraining(NAME, 100, () => b.deviceMemory());
    expect(r.after).toEqual(r.before);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
  }, 120_000);
});
