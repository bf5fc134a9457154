/**
 * Layers check their input's dtype at entry and name themselves in the error ('Linear', not
 * 'matmul'), instead of computing silently on int32 or bool values; binaryCrossEntropy rejects
 * probabilities outside [0, 1] instead of returning NaN. A failed call changes nothing: not
 * its input, not the layer's parameters, not `memory()`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DTypeError, ValueError, listBackends, memory, nn, ones, registerBackend, setBackend, tensor, type Backend, type Tensor } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

/** Runs `fn`, which must throw, and checks that `module`'s parameters, `inputs` and memory() did not change. */
function failure(fn: () => unknown, inputs: Tensor[], module?: nn.Module): Error {
  const read = (ts: Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
  const params = module?.parameters() ?? [];
  const before = { inputs: read(inputs), params: read(params), memory: memory() };
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(Error);
  expect({ inputs: read(inputs), params: read(params), memory: memory() }).toEqual(before);
  return error as Error;
}

describe('layers reject inputs of a dtype they cannot compute on', () => {
  const cases: [string, () => nn.Module, () => Tensor, string, RegExp][] = [
    ['Linear on int32', () => new nn.Linear(4, 2), () => tensor([[1, 2, 3, 4]], { dtype: 'int32' }), 'Linear', /float32.*int32|int32.*float32/],
    ['Linear on bool', () => new nn.Linear(2, 2), () => tensor([[true, false]]), 'Linear', /bool/],
    ['Dropout on int32 (training)', () => new nn.Dropout(0.5), () => tensor([1, 2], { dtype: 'int32' }), 'Dropout', /int32/],
    ['Dropout on bool (eval)', () => new nn.Dropout(0.5).eval(), () => tensor([true]), 'Dropout', /bool/],
    ['Sequential names the layer that rejected it', () => new nn.Sequential(new nn.ReLU(), new nn.Linear(2, 1)), () => tensor([[1, 2]], { dtype: 'int32' }), 'Linear', /int32/],
  ];

  it.each(cases)('%s: a DTypeError naming the layer, what it got and what it needs', (_name, make, input, op, message) => {
    const layer = make();
    const x = input();
    const e = failure(() => layer.forward(x), [x], layer);
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).op).toBe(op);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/float32/);
  });

  it('a new Linear holds no tensors but its parameters', () => {
    const before = memory().tensors;
    const fc = new nn.Linear(3, 2);
    expect(memory().tensors).toBe(before + 2);
    fc.parameters().forEach((p) => p.dispose());
    expect(memory().tensors).toBe(before);
  });
});

describe('binaryCrossEntropy rejects probabilities outside [0, 1]', () => {
  const cases: [string, number[], RegExp][] = [
    ['1.5', [0.5, 1.5], /1\.5 at position 1/],
    ['-0.25', [-0.25, 0.5], /-0\.25 at position 0/],
    ['NaN', [0.5, Number.NaN], /NaN at position 1/],
  ];
  it.each(cases)('%s is a ValueError naming the op, the value and the range', (_name, values, message) => {
    const p = tensor(values, { requiresGrad: true });
    const t = tensor([1, 0]);
    const e = failure(() => nn.binaryCrossEntropy(p, t), [p, t]);
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).op).toBe('binaryCrossEntropy');
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/\[0, 1\]/);
    expect(p.grad).toBeNull();
  });

  it('accepts 0 and 1 exactly', () => {
    expect(nn.binaryCrossEntropy(tensor([0, 1]), tensor([0, 1])).item()).toBe(0);
  });

  describe('on a backend that reads only asynchronously', () => {
    beforeAll(async () => {
      const make = (): Backend => {
        const b = createReferenceBackend();
        const read = b.readSync!.bind(b);
        return { ...b, name: 'ref-async-bce', readSync: undefined, read: async (info) => read(info) };
      };
      if (!listBackends().includes('ref-async-bce')) registerBackend('ref-async-bce', make);
      await setBackend('ref-async-bce');
    });
    afterAll(useReference);

    it('checks the values on the device and rejects the next data(), naming binaryCrossEntropy', async () => {
      const loss = nn.binaryCrossEntropy(tensor([1.5]), ones([1]), { reduction: 'sum' });
      await expect(loss.data()).rejects.toThrow(/^binaryCrossEntropy: input must hold probabilities in \[0, 1\], but 1 value\(s\) lie outside/);
      loss.dispose();
    });
  });
});
