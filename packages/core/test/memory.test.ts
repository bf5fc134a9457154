import { beforeAll, describe, expect, it } from 'vitest';
import { DisposedError, dispose, keep, memory, ones, tensor, tidy, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

describe('tidy / keep / dispose / memory', () => {
  it('frees what a tidy made except its result', () => {
    const start = memory().tensors;
    const x = ones([2, 2]);
    const y = tidy(() => x.mul(2).add(1).sum());
    expect(memory().tensors).toBe(start + 2);
    expect(y.item()).toBe(12);
    dispose([x, y]);
    expect(memory().tensors).toBe(start);
  });

  it('keeps results returned inside objects and arrays, and kept tensors', () => {
    const start = memory().tensors;
    let k!: Tensor;
    const out = tidy(() => {
      k = keep(ones([1]));
      ones([3]);
      return { a: [ones([2])], b: ones([4]) };
    });
    expect(memory().tensors).toBe(start + 3);
    dispose([out, k]);
    expect(memory().tensors).toBe(start);
  });

  it('nests: an inner result belongs to the outer scope', () => {
    const start = memory().tensors;
    tidy(() => {
      const inner = tidy(() => ones([2]).mul(3));
      expect(inner.isDisposed).toBe(false);
      return undefined;
    });
    expect(memory().tensors).toBe(start);
  });

  it('disposes on throw and rejects async functions', () => {
    const start = memory().tensors;
    expect(() => tidy(() => { ones([5]); throw new Error('boom'); })).toThrow('boom');
    expect(() => tidy(async () => ones([1]))).toThrow(/tidy/);
    expect(memory().tensors).toBe(start);
  });

  it('counts bytes per dtype and shares them between views', () => {
    const start = memory().bytes;
    const f = ones([10]);
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    const b = tensor([true, false]);
    const v = f.reshape(2, 5);
    expect(memory().bytes - start).toBe(40 + 12 + 2);
    dispose([f, i, b, v]);
    expect(memory().bytes).toBe(start);
  });

  it('reports the same figures per backend', () => {
    // Keyed by the name the backend was registered under ('ref' in setup.ts), not Backend.name.
    const start = memory().backends['ref'] ?? { tensors: 0, bytes: 0 };
    const x = ones([3]);
    expect(memory().backends['ref']).toEqual({ tensors: start.tensors + 1, bytes: start.bytes + 12 });
    x.dispose();
    expect(memory().backends['ref']).toEqual(start);
    expect(Object.keys(memory().backends)).toEqual(['ref']);
  });

  it('rejects use of a disposed tensor, naming the op', () => {
    const x = ones([2]);
    x.dispose();
    expect(() => x.add(1)).toThrow(DisposedError);
    expect(() => x.add(1)).toThrow(/^add: /);
    expect(() => x.dataSync()).toThrow(DisposedError);
  });
});
