/**
 * The short soak CI runs (the full one is `pnpm run soak`): LeNet and the translation
 * Transformer train for 300 steps each on the CPU backend and 50 and 20 on gpu.js headless-gl
 * (software GL is slow; the test command runs vitest under xvfb-run), each step inside `tidy`;
 * live tensors and bytes — in total, for the backend, in the CPU backend's WebAssembly heap and
 * in gpu.js's textures — must be the same at every sample after the warm-up: slope exactly 0.
 */
import { describe, expect, it } from 'vitest';
import { dispose, setBackend, tensor, type Tensor } from '@profundo/core';
import type { GpujsBackend } from '@profundo/backend-gpujs';
import { jobNames, registerSoakBackends, slopePer1000, soak, type SoakResult } from '../soak.js';

const CPU_STEPS = 300;
// Software GL compiles a kernel per op and shape: the Transformer's batches change shape from
// step to step, so its first steps on gpu.js take seconds each.
const GPU = {
  lenet: { steps: 50, warmup: 5, every: 5 },
  transformer: { steps: 20, warmup: 4, every: 2 },
} as const;

function expectFlat(r: SoakResult): void {
  expect(r.finiteLoss).toBe(true);
  // Every series listed by name, so a failure says which one moved and by how much.
  expect(r.series.filter((s) => !s.flat || s.slope !== 0).map((s) => `${s.name}: ${s.start} → ${s.end} (slope ${s.slope})`)).toEqual([]);
  expect(r.samples).toBeGreaterThanOrEqual(6);
  expect(r.ok).toBe(true);
}

it('slopePer1000 is exactly 0 for flat samples and per 1,000 steps otherwise', () => {
  expect(slopePer1000([10, 20, 30, 40], [7, 7, 7, 7])).toBe(0);
  expect(slopePer1000([10, 20, 30, 40], [1, 2, 3, 4])).toBeCloseTo(100, 10);
});

it('a leak of one tensor per step is caught: not flat, slope 1,000 tensors per 1,000 steps', async () => {
  registerSoakBackends();
  const leaked: Tensor[] = [];
  const r = await soak({ job: 'lenet', backend: 'cpu', steps: 40, onStep: () => leaked.push(tensor([1, 2, 3, 4])) });
  dispose(leaked);
  expect(r.ok).toBe(false);
  const byName = Object.fromEntries(r.series.map((s) => [s.name, s]));
  expect(byName.tensors!.flat).toBe(false);
  expect(byName.tensors!.end - byName.tensors!.start).toBe(30);
  expect(byName.tensors!.slope).toBeCloseTo(1000, 6);
  expect(byName['cpu bytes']!.slope).toBeCloseTo(16_000, 6);
}, 60_000);

describe.each(jobNames)('%s', (job) => {
  it(`${CPU_STEPS} steps on the CPU backend leave live memory flat`, async () => {
    registerSoakBackends();
    const r = await soak({ job, backend: 'cpu', steps: CPU_STEPS });
    expect(r.steps).toBe(CPU_STEPS);
    expect(r.series.map((s) => s.name)).toContain('wasm heap used');
    expect(r.lastLoss).toBeLessThan(r.firstLoss); // it is training
    expectFlat(r);
  }, 120_000);

  it(`${GPU[job].steps} steps on gpu.js (headless-gl) leave live memory and textures flat`, async () => {
    registerSoakBackends();
    const backend = (await setBackend('gpujs')) as GpujsBackend;
    expect(backend.mode).toBe('headlessgl');
    const r = await soak({ job, backend: 'gpujs', ...GPU[job] });
    expect(r.steps).toBe(GPU[job].steps);
    expect(r.mode).toBe('headlessgl');
    expect(r.series.map((s) => s.name)).toContain('device textures');
    expectFlat(r);
  }, 300_000);
});
