import { beforeAll, expect, it } from 'vitest';
import { listBackends, maxPool2d, registerBackend, setBackend, tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';

beforeAll(async () => {
  if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
  await setBackend('cpu');
});

it('fused max pooling propagates NaN and sends the gradient where the value came from', () => {
  // Two 2×2 windows: [1, NaN; 5, 2] → NaN (at index 1), [3, 4; 0, 9] → 9 (at index 7).
  const x = tensor([[[[1, NaN, 3, 4], [5, 2, 0, 9]]]], { requiresGrad: true });
  const y = maxPool2d(x, 2);
  const out = Array.from(y.dataSync());
  expect(Number.isNaN(out[0])).toBe(true);
  expect(out[1]).toBe(9);
  y.mul(tensor([[[[10, 20]]]])).sum().backward();
  expect(Array.from(x.grad!.dataSync())).toEqual([0, 10, 0, 0, 0, 0, 0, 20]);
});
