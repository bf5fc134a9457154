/**
 * The main job's LeNet trains the same on the gpu.js backend (headless-gl, under the test
 * command's xvfb-run) as on the CPU backend: same seed, same batches, same dropout masks
 * (drawn in core), so the losses agree to float32 rounding.
 */
import { expect, it } from 'vitest';
import { listBackends, manualSeed, nn, registerBackend, setBackend, tidy } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
import { DataLoader, loadMnist } from '@profundo/datasets';
import { SGD } from '@profundo/optimizers';
import { makeModel } from '../models.js';

const STEPS = 4;

async function lenetLosses(backend: string): Promise<number[]> {
  await setBackend(backend);
  manualSeed(0);
  const { train } = await loadMnist({ seed: 0, flatten: false });
  const model = makeModel('lenet', 0);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  const losses: number[] = [];
  for (const [x, y] of new DataLoader(train, { batchSize: 16, shuffle: true })) {
    if (losses.length < STEPS) {
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
    if (losses.length === STEPS) break;
  }
  return losses;
}

it('LeNet: the first training losses on gpu.js (headless-gl) match the CPU backend', async () => {
  if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
  if (!listBackends().includes('gpujs-lenet')) registerBackend('gpujs-lenet', () => createGpujsBackend({ mode: 'headlessgl' }));
  const gpu = (await setBackend('gpujs-lenet')) as GpujsBackend;
  expect(gpu.mode).toBe('headlessgl');
  const cpu = await lenetLosses('cpu');
  const gl = await lenetLosses('gpujs-lenet');
  expect(cpu[STEPS - 1]).toBeLessThan(cpu[0]!); // it is learning, so the comparison means something
  for (let i = 0; i < STEPS; i++) expect(Math.abs(gl[i]! - cpu[i]!) / Math.abs(cpu[i]!)).toBeLessThan(1e-3);
}, 600_000);
