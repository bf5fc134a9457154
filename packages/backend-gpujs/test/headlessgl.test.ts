/**
 * The gpu.js backend in Node with headless-gl. Needs an X display: the README's test command
 * runs vitest under `xvfb-run -a`. Without one, creating the backend fails with an error naming
 * 'headlessgl' and every test here fails — it never silently runs on another backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { listBackends, manualSeed, nn, registerBackend, setBackend, tidy } from '@profundo/core';
import { conformanceCases } from '@profundo/core/testing';
import { createCpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
import { DataLoader, loadMnist } from '@profundo/datasets';
import { GPUJS_GRAD_TOLERANCE, GPUJS_TOLERANCE, LOSS_RTOL } from './settings.js';
import { MAIN_JOB, MomentumSGD, maxRelativeDiff, tidyTraining } from './training.js';

const NAME = 'gpujs-headlessgl';
const factory = () => createGpujsBackend({ mode: 'headlessgl' });

async function gpujs(): Promise<GpujsBackend> {
  if (!listBackends().includes(NAME)) registerBackend(NAME, factory);
  return (await setBackend(NAME)) as GpujsBackend;
}

describe('gpujs backend in Node (headless-gl)', () => {
  it('runs in headlessgl mode', async () => {
    const b = await gpujs();
    expect(b.name).toBe('gpujs');
    expect(b.mode).toBe('headlessgl');
    expect(typeof b.readSync).toBe('function');
  });

  describe('conformance kit', async () => {
    beforeAll(async () => {
      expect((await gpujs()).mode).toBe('headlessgl');
    });
    const cases = await conformanceCases({ name: NAME, factory, tolerance: GPUJS_TOLERANCE, gradTolerance: GPUJS_GRAD_TOLERANCE });

    it('skips only the int32 cases beyond its declared maxExactInt (2^24)', () => {
      for (const c of cases.filter((x) => x.skip !== undefined)) expect(`${c.name}: ${c.skip}`).toMatch(/: the backend declares maxExactInt 16777216/);
    });

    for (const c of cases) {
      it.skipIf(c.skip !== undefined)(c.name, async () => {
        await c.run();
      });
    }
  });

  it('trains the main job MLP on MNIST: the first 20 losses match the CPU backend', async () => {
    if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
    const run = async (backend: string): Promise<number[]> => {
      // The main job's order of events (examples/mnist/train.ts): backend, seed, data, model,
      // optimizer, shuffled loader.
      await setBackend(backend);
      manualSeed(0);
      const { train } = await loadMnist({ seed: 0 });
      const model = new nn.Sequential(new nn.Linear(784, MAIN_JOB.hidden), new nn.ReLU(), new nn.Linear(MAIN_JOB.hidden, 10));
      const opt = new MomentumSGD(model.parameters(), MAIN_JOB.lr, MAIN_JOB.momentum);
      const losses: number[] = [];
      for (const [x, y] of new DataLoader(train, { batchSize: MAIN_JOB.batchSize, shuffle: true })) {
        if (losses.length < 20) {
          losses.push(
            tidy(() => {
              opt.zeroGrad();
              const l = nn.crossEntropy(model.forward(x), y);
              l.backward();
              opt.step();
              return l.item();
            }),
          );
        }
        x.dispose();
        y.dispose();
        if (losses.length === 20) break;
      }
      opt.zeroGrad();
      for (const p of model.parameters()) p.dispose();
      return losses;
    };
    const cpu = await run('cpu');
    expect((await gpujs()).mode).toBe('headlessgl');
    const gpu = await run(NAME);
    expect(gpu).toHaveLength(20);
    expect(gpu[19]!).toBeLessThan(gpu[0]!);
    expect(maxRelativeDiff(gpu, cpu)).toBeLessThanOrEqual(LOSS_RTOL);
  }, 300_000);

  it('200 training steps inside tidy leave live tensors and device bytes unchanged', async () => {
    const b = await gpujs();
    const r = await tidyTraining(NAME, 200, () => b.deviceMemory());
    expect(r.after).toEqual(r.before);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
  }, 120_000);

  it('rejects int32 values it cannot store exactly and tensors over the element limit', async () => {
    const b = await gpujs();
    expect(() => b.write(new Int32Array([2 ** 24 + 1]), [1], 'int32')).toThrow(/2\^24/);
    const x = b.write(new Float32Array([1]), [1, 1], 'float32');
    expect(() => b.expand({ handle: x, shape: [1, 1], dtype: 'float32' }, [b.maxElements + 1, 1])).toThrow(/limit of 16777216 elements/);
    b.dispose(x);
  });
});
