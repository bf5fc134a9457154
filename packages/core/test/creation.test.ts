import { beforeAll, describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, arange, full, manualSeed, rand, randn, tensor, zerosLike } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

describe('creation', () => {
  it('infers shape and dtype from nested arrays and typed arrays', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([a.shape, a.dtype]).toEqual([[2, 3], 'float32']);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(7).shape).toEqual([]);
    expect(tensor(new Float32Array(6), { shape: [3, 2] }).shape).toEqual([3, 2]);
  });

  it('copies typed arrays so later writes do not leak in', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    expect(Array.from(t.dataSync())).toEqual([1, 2]);
  });

  it('rejects ragged arrays, size mismatches and silent casts', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(2), { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => tensor([1.5], { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
  });

  it('arange and full follow numpy', () => {
    expect(Array.from(arange(1, 2, 0.25).dataSync())).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(arange(3).dataSync())).toEqual([0, 1, 2]);
    expect(Array.from(full([2], 7, { dtype: 'int32' }).dataSync())).toEqual([7, 7]);
    expect(zerosLike(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('draws reproducibly from the seed, with the right moments', () => {
    manualSeed(42);
    const a = randn([20000]).dataSync();
    manualSeed(42);
    const b = randn([20000]).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const u = rand([20000], { low: 2, high: 4 }).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(Math.abs(u.reduce((s, v) => s + v, 0) / u.length - 3)).toBeLessThan(0.03);
  });
});
