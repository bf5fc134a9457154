/**
 * The Transformer layers check their input's dtype at entry and name themselves in the error
 * ('LayerNorm', not 'mean'; 'PositionalEncoding', not 'add'); a failed call changes nothing:
 * not its input, not the layer's parameters, not `memory()`. A new layer holds no tensors but
 * its parameters (and, for PositionalEncoding, its constant table).
 */
import * as pf from '@profundo/core';
import { DTypeError, memory, nn, tensor, zeros, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Embedding,
  LayerNorm,
  LearnedPositionalEmbedding,
  MultiheadAttention,
  PositionalEncoding,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
} from '@profundo/layers-transformer';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

/** Runs `fn`, which must throw, and checks that `layer`'s parameters, `inputs` and memory() did not change. */
function failure(layer: nn.Module, inputs: Tensor[], fn: () => unknown): Error {
  const read = (ts: Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
  const before = { params: read(layer.parameters()), inputs: read(inputs), memory: memory() };
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(Error);
  expect({ params: read(layer.parameters()), inputs: read(inputs), memory: memory() }).toEqual(before);
  return error as Error;
}

describe('Transformer layers reject inputs of a dtype they cannot compute on', () => {
  const cases: [string, () => nn.Module, () => Tensor, string, RegExp][] = [
    ['LayerNorm on int32', () => new LayerNorm(4), () => zeros([2, 4], { dtype: 'int32' }), 'LayerNorm', /float32.*int32/],
    ['LayerNorm on bool', () => new LayerNorm(4), () => zeros([2, 4], { dtype: 'bool' }), 'LayerNorm', /float32.*bool/],
    ['PositionalEncoding on int32', () => new PositionalEncoding(4, { maxLen: 8 }), () => zeros([1, 3, 4], { dtype: 'int32' }), 'PositionalEncoding', /float32.*int32/],
    ['LearnedPositionalEmbedding on int32', () => new LearnedPositionalEmbedding(8, 4), () => zeros([1, 3, 4], { dtype: 'int32' }), 'LearnedPositionalEmbedding', /float32.*int32/],
    ['Embedding on float32 indices', () => new Embedding(5, 3), () => tensor([1, 2]), 'Embedding', /int32.*float32/],
    ['Embedding on bool indices', () => new Embedding(5, 3), () => tensor([true, false]), 'Embedding', /int32.*bool/],
    ['MultiheadAttention on int32', () => new MultiheadAttention(4, 2), () => zeros([1, 3, 4], { dtype: 'int32' }), 'MultiheadAttention', /float32.*int32/],
  ];

  it.each(cases)('%s: a DTypeError naming the layer, what it got and what it needs', (_name, make, input, op, message) => {
    const layer = make();
    const x = input();
    const e = failure(layer, [x], () => (layer instanceof MultiheadAttention ? layer.forward(x, x, x) : layer.forward(x)));
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).op).toBe(op);
    expect(e.message).toMatch(message);
  });
});

describe('a new layer holds no tensors but its own', () => {
  const layers: [string, () => nn.Module, number][] = [
    ['Embedding', () => new Embedding(5, 3), 0],
    ['Embedding with paddingIdx', () => new Embedding(5, 3, { paddingIdx: 0 }), 0],
    ['LearnedPositionalEmbedding', () => new LearnedPositionalEmbedding(8, 4), 0],
    ['LayerNorm', () => new LayerNorm(4), 0],
    ['MultiheadAttention', () => new MultiheadAttention(4, 2), 0],
    ['TransformerEncoderLayer', () => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 0],
    ['TransformerDecoderLayer', () => new TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), 0],
    ['PositionalEncoding (its table)', () => new PositionalEncoding(4, { maxLen: 8 }), 1],
  ];
  it.each(layers)('%s', (_name, make, extra) => {
    const before = memory().tensors;
    const layer = make();
    expect(memory().tensors).toBe(before + layer.parameters().length + layer.namedBuffers().length + extra);
  });

  it('Embedding with paddingIdx still zeroes that row', () => {
    const emb = new Embedding(5, 3, { paddingIdx: 1 });
    expect(Array.from(emb.weight.dataSync()).slice(3, 6)).toEqual([0, 0, 0]);
  });
});
