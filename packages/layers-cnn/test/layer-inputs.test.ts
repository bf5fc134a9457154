/**
 * The CNN layers check their input's dtype at entry and name themselves in the error
 * ('Conv2d', not 'conv2d' or 'matmul'); a failed call changes nothing: not its input, not the
 * layer's parameters or buffers (BatchNorm2d's running statistics and batch counter), not
 * `memory()`. A new layer holds no tensors but its parameters and buffers.
 */
import * as pf from '@profundo/core';
import { DTypeError, ValueError, memory, nn, tensor, zeros, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, MaxPool2d } from '@profundo/layers-cnn';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

/** Parameters, buffers and input values, and memory(). */
function state(layer: nn.Module, inputs: Tensor[]): unknown {
  const read = (t: Tensor) => Array.from(t.dataSync());
  return {
    params: layer.parameters().map(read),
    buffers: layer.namedBuffers().map(([n, b]) => [n, read(b)]),
    inputs: inputs.map(read),
    memory: memory(),
  };
}

/** Runs `fn`, which must throw, and checks that nothing changed. */
function failure(layer: nn.Module, inputs: Tensor[], fn: () => unknown): Error {
  const before = state(layer, inputs);
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(Error);
  expect(state(layer, inputs)).toEqual(before);
  return error as Error;
}

const int32 = (shape: number[]): Tensor => zeros(shape, { dtype: 'int32' });
const bool = (shape: number[]): Tensor => zeros(shape, { dtype: 'bool' });

describe('CNN layers reject inputs that are not float32', () => {
  const cases: [string, () => nn.Module, () => Tensor, string][] = [
    ['Conv2d on int32', () => new Conv2d(2, 3, 3), () => int32([1, 2, 5, 5]), 'Conv2d'],
    ['Conv2d on bool', () => new Conv2d(2, 3, 3), () => bool([1, 2, 5, 5]), 'Conv2d'],
    ['BatchNorm2d on int32 (training)', () => new BatchNorm2d(2), () => int32([2, 2, 3, 3]), 'BatchNorm2d'],
    ['BatchNorm2d on int32 (eval)', () => new BatchNorm2d(2).eval(), () => int32([2, 2, 3, 3]), 'BatchNorm2d'],
    ['MaxPool2d on int32', () => new MaxPool2d(2), () => int32([1, 2, 4, 4]), 'MaxPool2d'],
    ['AvgPool2d on bool', () => new AvgPool2d(2), () => bool([1, 2, 4, 4]), 'AvgPool2d'],
    ['AdaptiveAvgPool2d on int32', () => new AdaptiveAvgPool2d(1), () => int32([1, 2, 4, 4]), 'AdaptiveAvgPool2d'],
  ];

  it.each(cases)('%s: a DTypeError naming the layer, what it got and what it needs', (_name, make, input, op) => {
    const layer = make();
    const x = input();
    const e = failure(layer, [x], () => layer.forward(x));
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).op).toBe(op);
    expect(e.message).toMatch(new RegExp(`float32.*${x.dtype}|${x.dtype}.*float32`));
  });
});

describe('BatchNorm2d', () => {
  it('a training batch with one value per channel fails before the batch counter advances', () => {
    const bn = new BatchNorm2d(2);
    const x = tensor([[[[1]], [[2]]]]); // [1, 2, 1, 1]
    const e = failure(bn, [x], () => bn.forward(x));
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).op).toBe('BatchNorm2d');
    expect(e.message).toMatch(/more than one value per channel.*\[1,2,1,1\]/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('with momentum null (a cumulative average) still counts batches from 1', () => {
    const bn = new BatchNorm2d(1, { momentum: null });
    bn.forward(tensor([[[[0, 2]]]]));
    bn.forward(tensor([[[[4, 6]]]]));
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(bn.runningMean!.item()).toBeCloseTo(3, 6); // the average of the batch means 1 and 5
  });
});

describe('a new layer holds no tensors but its parameters and buffers', () => {
  const layers: [string, () => nn.Module][] = [
    ['Conv2d', () => new Conv2d(2, 3, 3)],
    ['BatchNorm2d', () => new BatchNorm2d(4)],
  ];
  it.each(layers)('%s', (_name, make) => {
    const before = memory().tensors;
    const layer = make();
    const owned = layer.parameters().length + layer.namedBuffers().length;
    expect(memory().tensors).toBe(before + owned);
  });
});
