// Using the plain backend as an application would: register it, train a tiny network on it,
// and see what being async-only means (no dataSync; index values checked by core all the same).
import { describe, expect, it } from 'vitest';
import { BackendError, gather, manualSeed, memory, nn, noGrad, tensor, tidy, ValueError, type Tensor } from '@profundo/core';
// What an application does with a backend plugin: register its factory under a name, select it.
import { registerBackend, setBackend } from '@profundo/core';
import { createPlainBackend } from '../src/index.js';

registerBackend('plain', createPlainBackend);
await setBackend('plain');

describe('plain backend in use', () => {
  it('trains a small MLP on XOR, each step in tidy, without leaking', async () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], { dtype: 'int32' });
    const step = (lr: number): Tensor =>
      tidy(() => {
        model.zeroGrad();
        const loss = nn.crossEntropy(model.forward(x), y);
        loss.backward();
        noGrad(() => {
          for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(lr)));
        });
        return loss.detach();
      });

    const losses: number[] = [];
    step(0.5).dispose();
    const before = memory().backends['plain']!;
    for (let i = 0; i < 300; i++) {
      const loss = step(0.5);
      if (i % 50 === 0 || i === 299) losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    const after = memory().backends['plain']!;
    expect(after).toEqual(before); // same live tensors and bytes after 300 steps

    expect(losses.at(-1)!).toBeLessThan(0.05);
    const predicted = tidy(() => model.forward(x).argmax(1));
    expect(Array.from(await predicted.data())).toEqual([0, 1, 1, 0]);
    predicted.dispose();
    x.dispose();
    y.dispose();
    for (const p of model.parameters()) p.dispose();
  });

  it('reports its own bytes: 8 per float32 element (stored as float64), 4 per int32, 1 per bool', () => {
    const start = memory().backends['plain'] ?? { tensors: 0, bytes: 0 };
    const t = [tensor([1, 2, 3]), tensor([1, 2, 3], { dtype: 'int32' }), tensor([true, false, true])];
    expect(memory().backends['plain']!.bytes - start.bytes).toBe(3 * 8 + 3 * 4 + 3 * 1);
    for (const x of t) x.dispose();
    expect(memory().backends['plain']!.bytes).toBe(start.bytes);
  });

  it('is async-only: dataSync throws, await data() reads', async () => {
    const t = tensor([1.5, -2]);
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(Array.from(await t.data())).toEqual([1.5, -2]);
    t.dispose();
  });

  it('still gets index values checked by core: a written index at once, a computed one at the next data()', async () => {
    const x = tensor([[1, 2], [3, 4]]);
    // Written from JavaScript: core keeps a host copy of int32 tensors when there is no readSync.
    const written = tensor([[0], [5]], { dtype: 'int32' });
    expect(() => gather(x, 1, written)).toThrow(ValueError);
    // Computed by a kernel: core counts bad values on the device and reports them at the next read.
    const computed = written.mul(2);
    const out = gather(x, 1, computed);
    await expect(out.data()).rejects.toThrow(ValueError);
    for (const t of [x, written, computed, out]) t.dispose();
  });
});
