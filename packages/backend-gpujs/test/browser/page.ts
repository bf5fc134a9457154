/**
 * The test page's module: exposes `globalThis.profundo`, which the Node side calls through
 * playwright to run each conformance case, the MLP loss comparison and the tidy check inside
 * the browser, on the backend's browser bundle.
 */
import { BackendError, listBackends, registerBackend, setBackend } from '@profundo/core';
import { conformanceCases, type ConformanceCase } from '@profundo/core/testing';
import { createCpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from '@profundo/backend-gpujs';
import { exposePageApi, kitRunner } from '@profundo/browser-test/page';
import { fusedMismatches } from '../fused.js';
import { nanMismatches } from '../nan.js';
import { GPUJS_GRAD_TOLERANCE, GPUJS_TOLERANCE } from '../settings.js';
import { MAIN_JOB, mlpLosses, syntheticBatches, tidyTraining, type TidyReport } from '../training.js';

const cases = new Map<string, Promise<ConformanceCase[]>>();

function nameOf(mode: GpujsMode): string {
  return `gpujs-${mode}`;
}

function factory(mode: GpujsMode) {
  return () => createGpujsBackend({ mode });
}

function casesFor(mode: GpujsMode): Promise<ConformanceCase[]> {
  let list = cases.get(mode);
  if (!list) {
    list = conformanceCases({ name: nameOf(mode), factory: factory(mode), tolerance: GPUJS_TOLERANCE, gradTolerance: GPUJS_GRAD_TOLERANCE });
    cases.set(mode, list);
  }
  return list;
}

async function backend(mode: GpujsMode): Promise<GpujsBackend> {
  if (!listBackends().includes(nameOf(mode))) registerBackend(nameOf(mode), factory(mode));
  return (await setBackend(nameOf(mode))) as GpujsBackend;
}

const api = {
  /** The conformance case names, in order; and one case run, its outcome (passed, failed or skipped) resolved. */
  ...kitRunner(casesFor),
  /** What the backend reports about itself. */
  async info(mode: GpujsMode): Promise<{ name: string; mode: string; readSync: boolean; maxElements: number; fused: string[] }> {
    const b = await backend(mode);
    const fused = Object.keys(b.fused ?? {}).filter((k) => typeof (b.fused as Record<string, unknown>)[k] === 'function').sort();
    return { name: b.name, mode: b.mode, readSync: typeof b.readSync === 'function', maxElements: b.maxElements, fused };
  },
  /** The fused conv / pooling kernels on the geometries of test/fused.ts against the CPU backend: mismatches. */
  async fused(mode: GpujsMode): Promise<string[]> {
    const b = await backend(mode);
    return fusedMismatches(b, createCpuBackend());
  },
  /** The NaN checks of test/nan.ts: failures (hand-derived expectations). */
  async nan(mode: GpujsMode): Promise<string[]> {
    return nanMismatches(await backend(mode));
  },
  /** The error a mode this page cannot run gives (or null if it was created). */
  async unavailable(mode: GpujsMode): Promise<{ name: string; message: string; isBackendError: boolean } | null> {
    try {
      const b = await createGpujsBackend({ mode });
      b.destroy();
      return null;
    } catch (e) {
      return { name: (e as Error).name, message: (e as Error).message, isBackendError: e instanceof BackendError };
    }
  },
  /** The first `steps` losses of the main job's MLP on the CPU backend and on this one. */
  async mlp(mode: GpujsMode, steps: number): Promise<{ cpu: number[]; gpu: number[] }> {
    if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
    const batches = syntheticBatches(steps, MAIN_JOB.batchSize, 123);
    const cpu = await mlpLosses('cpu', batches);
    await backend(mode);
    const gpu = await mlpLosses(nameOf(mode), batches);
    return { cpu, gpu };
  },
  /**
   * A 512×512 matmul read back with `data()`, counting the timer tasks the page ran while the
   * read waited (0 when the read blocks the thread), and whether the values were right.
   */
  async readWhileBusy(mode: GpujsMode): Promise<{ ticks: number; ok: boolean }> {
    const b = await backend(mode);
    const n = 512;
    const info = { shape: [1, n, n], dtype: 'float32' as const };
    const a = b.write(new Float32Array(n * n).fill(0.5), info.shape, 'float32');
    const w = b.write(new Float32Array(n * n).fill(2), info.shape, 'float32');
    const c = b.matmul({ handle: a, ...info }, { handle: w, ...info }, false, false);
    let ticks = 0;
    let waiting = true;
    const tick = (): void => {
      if (!waiting) return;
      ticks++;
      setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const v = await b.read({ handle: c, ...info });
    waiting = false;
    for (const h of [a, w, c]) b.dispose(h);
    return { ticks, ok: v.length === n * n && v.every((x) => x === n) };
  },
  /** `steps` training steps inside tidy, with memory figures before and after. */
  async tidy(mode: GpujsMode, steps: number): Promise<TidyReport> {
    const b = await backend(mode);
    return tidyTraining(nameOf(mode), steps, () => b.deviceMemory());
  },
};

exposePageApi(api);
