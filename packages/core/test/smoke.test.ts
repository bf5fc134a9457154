import { beforeAll, expect, it } from 'vitest';
import { tensor, nn, manualSeed, randn, tidy, memory } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

it('trains a tiny MLP', () => {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const x = randn([6, 4]);
  const y = tensor([0, 1, 2, 0, 1, 2], { dtype: 'int32' });
  const losses: number[] = [];
  for (let i = 0; i < 30; i++) {
    losses.push(tidy(() => {
      model.zeroGrad();
      const loss = nn.crossEntropy(model.forward(x), y);
      loss.backward();
      for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(0.5)).detach());
      return loss.item();
    }));
  }
  expect(losses[29]).toBeLessThan(losses[0]! * 0.5);
  expect(memory().tensors).toBeGreaterThan(0);
});
