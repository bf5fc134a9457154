import './backend.js';
import { describe, expect, it } from 'vitest';
import { DataLoader, TensorDataset } from '../src/index.js';
import { Generator } from '@profundo/core';

/** n samples of shape [2, 3]; sample i holds 100 i + 0 .. 100 i + 5, label i % 7. */
function make(n: number): TensorDataset {
  const features = Float32Array.from({ length: n * 6 }, (_, k) => Math.floor(k / 6) * 100 + (k % 6));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 7);
  return new TensorDataset(features, labels, [2, 3]);
}

const row = (i: number) => Array.from({ length: 6 }, (_, k) => i * 100 + k);

describe('TensorDataset', () => {
  it('holds the arrays as given', () => {
    const ds = make(5);
    expect(ds.length).toBe(5);
    expect(ds.sampleShape).toEqual([2, 3]);
    expect(Object.isFrozen(ds.sampleShape)).toBe(true);
    expect(ds.features.length).toBe(30);
  });

  it('get gives one sample: float32 of sampleShape and an int32 scalar', async () => {
    const [x, y] = make(5).get(3);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float32');
    expect([...(await x.data())]).toEqual(row(3));
    expect(y.shape).toEqual([]);
    expect(y.dtype).toBe('int32');
    expect([...(await y.data())]).toEqual([3]);
  });

  it('getBatch stacks the rows at the given indices, in order', async () => {
    const [x, y] = make(10).getBatch(Int32Array.of(9, 0, 4, 4));
    expect(x.shape).toEqual([4, 2, 3]);
    expect(x.dtype).toBe('float32');
    expect([...(await x.data())]).toEqual([...row(9), ...row(0), ...row(4), ...row(4)]);
    expect(y.shape).toEqual([4]);
    expect(y.dtype).toBe('int32');
    expect([...(await y.data())]).toEqual([2, 0, 4, 4]);
  });

  it('gives each batch its own arrays', async () => {
    const ds = make(4);
    const [a] = ds.getBatch(Int32Array.of(0, 1));
    const [b] = ds.getBatch(Int32Array.of(2, 3));
    ds.features.fill(-1);
    expect([...(await a.data())]).toEqual([...row(0), ...row(1)]);
    expect([...(await b.data())]).toEqual([...row(2), ...row(3)]);
  });

  it('rejects indices out of range', () => {
    const ds = make(4);
    expect(() => ds.get(4)).toThrow('TensorDataset.get: index 4 is out of range for 4 samples');
    expect(() => ds.get(-1)).toThrow(/index -1 is out of range/);
    expect(() => ds.get(1.5)).toThrow('TensorDataset.get: index 1.5 is out of range for 4 samples');
    expect(() => ds.getBatch(Int32Array.of(0, 9))).toThrow('TensorDataset.getBatch: index 9 (at position 1) is out of range for 4 samples');
  });

  it('rejects inconsistent arrays and shapes', () => {
    const f = new Float32Array(12);
    const l = new Int32Array(2);
    expect(() => new TensorDataset(f, l, [5])).toThrow('TensorDataset: 2 labels with sampleShape [5] need 10 feature values, got 12');
    expect(() => new TensorDataset(f, l, [2, 0, 3])).toThrow(/sampleShape must be an array of positive integers, got \[2,0,3\]/);
    expect(() => new TensorDataset(f, l, [1.5])).toThrow(/sampleShape must be an array of positive integers/);
    expect(() => new TensorDataset([1, 2] as never, l, [1])).toThrow('TensorDataset: features must be a Float32Array, got an array of length 2');
    expect(() => new TensorDataset(f, new Float32Array(2) as never, [6])).toThrow('TensorDataset: labels must be an Int32Array, got a Float32Array');
  });
});

describe('DataLoader over a TensorDataset', () => {
  it('yields [x, y] tensor batches covering every sample once, the last one partial', async () => {
    const loader = new DataLoader(make(10), { batchSize: 4, shuffle: true, generator: new Generator(5) });
    const seen: number[] = [];
    const shapes: number[][] = [];
    for (const [x, y] of loader) {
      shapes.push([...x.shape]);
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      expect(y.shape).toEqual([x.shape[0]]);
      const xs = await x.data();
      const ys = await y.data();
      for (let b = 0; b < x.shape[0]; b++) {
        const i = xs[b * 6] / 100;
        expect([...xs.subarray(b * 6, b * 6 + 6)]).toEqual(row(i));
        expect(ys[b]).toBe(i % 7);
        seen.push(i);
      }
      x.dispose();
      y.dispose();
    }
    expect(shapes).toEqual([[4, 2, 3], [4, 2, 3], [2, 2, 3]]);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops the partial batch with dropLast', () => {
    const shapes = [...new DataLoader(make(10), { batchSize: 4, dropLast: true })].map(([x]) => x.shape);
    expect(shapes).toEqual([[4, 2, 3], [4, 2, 3]]);
  });
});
