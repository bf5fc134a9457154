/**
 * MaxPool2d's dilation, ceilMode and forwardWithIndices, AvgPool2d's ceilMode and
 * divisorOverride: the layers pass them to core's functional pooling (whose values are tested
 * against PyTorch's loops in core), and reject bad options naming the layer.
 */
import { createCpuBackend } from '@profundo/backend-cpu';
import { ValueError, avgPool2d, listBackends, manualSeed, maxPool2d, randn, registerBackend, setBackend, tensor } from '@profundo/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AvgPool2d, MaxPool2d } from '../src/index.js';

beforeAll(async () => {
  if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
  await setBackend('cpu');
});

describe('pooling layer options', () => {
  it('MaxPool2d: dilation and ceilMode as the functional; forwardWithIndices', () => {
    manualSeed(1);
    const x = randn([2, 3, 9, 8]);
    const pool = new MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true });
    const y = pool.forward(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true }).dataSync()));
    expect(new MaxPool2d(2, { ceilMode: true }).forward(randn([1, 1, 5, 5])).shape).toEqual([1, 1, 3, 3]);
    const { values, indices } = new MaxPool2d(2).forwardWithIndices(tensor([[[[1, 5, 0, 2], [3, 4, 9, 1]]]]));
    expect(Array.from(values.dataSync())).toEqual([5, 9]);
    expect(Array.from(indices.dataSync())).toEqual([1, 6]);
  });

  it('AvgPool2d: ceilMode and divisorOverride as the functional', () => {
    manualSeed(2);
    const x = randn([1, 2, 7, 7]);
    const opts = { stride: 2, padding: 1, ceilMode: true, divisorOverride: 3 } as const;
    expect(Array.from(new AvgPool2d(3, opts).forward(x).dataSync())).toEqual(Array.from(avgPool2d(x, { kernelSize: 3, ...opts }).dataSync()));
  });

  it('rejects bad options, naming the layer', () => {
    expect(() => new MaxPool2d(2, { dilation: 0 })).toThrow(/^MaxPool2d: dilation/);
    expect(() => new MaxPool2d(2, { ceilMode: 1 as never })).toThrow(/^MaxPool2d: ceilMode must be a boolean/);
    expect(() => new AvgPool2d(2, { divisorOverride: -1 })).toThrow(ValueError);
    expect(() => new AvgPool2d(2, { divisorOverride: -1 })).toThrow(/^AvgPool2d: divisorOverride must be a positive integer, got -1/);
    expect(() => new AvgPool2d(2, { ceilMode: 'no' as never })).toThrow(/^AvgPool2d: ceilMode/);
  });
});
