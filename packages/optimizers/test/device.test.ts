/**
 * Where optimizer state lives and what a step costs: state stays on the parameters' backend,
 * a step (and gradient clipping, and the schedules) reads nothing back to the host, and a
 * training step in `tidy` leaves the live-tensor count unchanged — on the CPU backend and on
 * the gpu.js backend (headless-gl), where a readback is a real device-to-host copy.
 *
 * The backend here is the one under test behind a proxy that counts `read` / `readSync` calls
 * and reports its own name, so that "on the parameters' backend" can be told apart from
 * "on the current backend" (the CPU backend, current while the step runs).
 */
import { memory, setBackend, tensor, tidy, type Backend, type Tensor } from '@profundo/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  clipGradNorm,
  clipGradValue,
  CosineAnnealingLR,
  LinearLR,
  RMSprop,
  SequentialLR,
  SGD,
  type BaseOptions,
  type Optimizer,
} from '../src/index.js';
import { activate, BACKENDS, CPU, type TestBackend } from './helpers.js';

const reads = { count: 0 };

function countingBackend(inner: Backend, name: string): Backend {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'name') return name;
      if (prop === 'read' || prop === 'readSync') {
        const f = Reflect.get(target, prop, target) as ((...a: unknown[]) => unknown) | undefined;
        if (f === undefined) return undefined;
        return (...args: unknown[]) => {
          reads.count++;
          return f.apply(target, args);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const makers: [string, (p: Tensor[]) => Optimizer<BaseOptions>][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.1 })],
  ['Adadelta', (p) => new Adadelta(p, { weightDecay: 0.1 })],
  ['RMSprop', (p) => new RMSprop(p, { centered: true, momentum: 0.9, weightDecay: 0.1 })],
  ['Adam', (p) => new Adam(p, { amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (p) => new AdamW(p, { amsgrad: true })],
];

/** Two parameters on the counting backend `counting` and a loss over them. */
async function setup(counting: string): Promise<{ w: Tensor; b: Tensor; loss: () => Tensor }> {
  await setBackend(counting);
  const w = tensor([[0.5, -1, 2], [1.5, 0.3, -0.7]], { requiresGrad: true });
  const b = tensor([0.1, -0.2], { requiresGrad: true });
  const x = tensor([[1, 2, 3], [-1, 0.5, 2], [0, 1, -1], [2, 2, 2]]);
  const loss = (): Tensor => x.matmul(w.transpose()).add(b).tanh().square().sum();
  return { w, b, loss };
}

describe.each(BACKENDS)('on $name', (backend: TestBackend) => {
  const counting = `counting-${backend.name}`;
  beforeAll(async () => {
    await activate(CPU);
    // The mode check of the gpu.js run goes through the proxy to the real backend.
    await activate(backend, counting, async () => countingBackend(await backend.create(), counting));
    await setBackend('cpu');
  });

  describe.each(makers)('%s', (_name, make) => {
    it('keeps its state on the parameters\' backend, even when another backend is current', async () => {
      const { w, b, loss } = await setup(counting);
      const opt = make([w, b]);
      for (let k = 0; k < 3; k++) {
        await setBackend(counting);
        tidy(() => {
          opt.zeroGrad();
          loss().backward();
        });
        // The step runs with a different current backend: nothing it makes may land there.
        await setBackend('cpu');
        opt.step();
      }
      for (const p of [w, b]) {
        expect(p.backendName).toBe(counting);
        const state = opt.getState(p)!;
        const tensors = Object.values(state).filter((v): v is Tensor => typeof v !== 'number');
        expect(tensors.length).toBeGreaterThan(0);
        for (const t of tensors) {
          expect(t.backendName).toBe(counting);
          expect(t.shape).toEqual(p.shape);
        }
      }
    });

    it('reads nothing back from the device during a step', async () => {
      const { w, b, loss } = await setup(counting);
      const opt = make([w, b]);
      const sched = new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new CosineAnnealingLR(opt, { tMax: 5 })], [2]);
      reads.count = 0;
      for (let k = 0; k < 5; k++) {
        tidy(() => {
          opt.zeroGrad();
          loss().backward();
          clipGradNorm([w, b], 0.5);
          clipGradValue([w, b], 0.2);
          opt.step();
        });
        sched.step();
      }
      expect(reads.count).toBe(0);
      // The counter does see a readback, so the zero above has teeth.
      w.dataSync();
      expect(reads.count).toBe(1);
      await setBackend('cpu');
    });

    it('leaves the live tensor count (and the device memory) unchanged from step to step', async () => {
      const { w, b, loss } = await setup(counting);
      const device = (await setBackend(counting)) as Backend & { deviceMemory?: () => { buffers: number; bytes: number } };
      const opt = make([w, b]);
      const counts: number[] = [];
      const held: string[] = [];
      for (let k = 0; k < 6; k++) {
        tidy(() => {
          opt.zeroGrad();
          loss().backward();
          opt.step();
        });
        counts.push(memory().tensors);
        // On gpu.js: the textures live tensors hold (not the kernel cache, which grows while
        // the first steps compile their kernels).
        if (device.deviceMemory) held.push(JSON.stringify([device.deviceMemory().buffers, device.deviceMemory().bytes]));
      }
      // The first step creates the state; from then on every step frees what it replaces.
      expect(new Set(counts.slice(1)).size).toBe(1);
      expect(new Set(held.slice(1)).size).toBeLessThanOrEqual(1);
      expect(held.length).toBe(backend === CPU ? 0 : 6);
      await setBackend('cpu');
    });
  });
});
