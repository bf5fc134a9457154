/**
 * `batchFirst: false` (PyTorch's `batch_first=False`) on the encoder and decoder layers, the
 * stacks and the Transformer: `[L, N, E]` in and out, equal to the batch-first result of the
 * same weights transposed; masks keep their shapes.
 */
import { createCpuBackend } from '@profundo/backend-cpu';
import * as pf from '@profundo/core';
import { ValueError, manualSeed, randn, transpose, type Tensor } from '@profundo/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Transformer, TransformerDecoderLayer, TransformerEncoderLayer, causalMask } from '../src/index.js';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

const t = (x: Tensor) => transpose(x, 0, 1);
const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) expect(x[i]!).toBeCloseTo(y[i]!, 5);
};
const pad = (n: number, s: number, last: number) => pf.tensor(Uint8Array.from({ length: n * s }, (_, i) => (i % s >= s - last ? 1 : 0)), { shape: [n, s], dtype: 'bool' });

describe('batchFirst: false', () => {
  it('TransformerEncoderLayer (post- and pre-norm), with a key padding mask', () => {
    for (const normFirst of [false, true]) {
      manualSeed(1);
      const a = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, normFirst });
      const b = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, normFirst, batchFirst: false });
      b.loadStateDict(a.stateDict());
      const x = randn([3, 5, 8]);
      const mask = pad(3, 5, 1);
      const out = b.forward(t(x), undefined, mask);
      expect(out.shape).toEqual([5, 3, 8]);
      close(t(out), a.forward(x, undefined, mask));
      const [, w] = b.forwardWithWeights(t(x));
      expect(w.shape).toEqual([3, 2, 5, 5]);
    }
  });

  it('TransformerDecoderLayer with a causal mask and memory padding', () => {
    manualSeed(2);
    const a = new TransformerDecoderLayer(8, 4, { dimFeedforward: 16, dropout: 0 });
    const b = new TransformerDecoderLayer(8, 4, { dimFeedforward: 16, dropout: 0, batchFirst: false });
    b.loadStateDict(a.stateDict());
    const tgt = randn([2, 4, 8]);
    const memory = randn([2, 6, 8]);
    const out = b.forward(t(tgt), t(memory), causalMask(4), undefined, undefined, pad(2, 6, 2));
    expect(out.shape).toEqual([4, 2, 8]);
    close(t(out), a.forward(tgt, memory, causalMask(4), undefined, undefined, pad(2, 6, 2)));
  });

  it('Transformer: the whole encoder–decoder sequence-first', () => {
    manualSeed(3);
    const options = { dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0 };
    const a = new Transformer(options);
    const b = new Transformer({ ...options, batchFirst: false });
    b.loadStateDict(a.stateDict());
    const src = randn([2, 5, 8]);
    const tgt = randn([2, 3, 8]);
    const out = b.forward(t(src), t(tgt), undefined, causalMask(3));
    expect(out.shape).toEqual([3, 2, 8]);
    close(t(out), a.forward(src, tgt, undefined, causalMask(3)));
  });

  it('rejects a non-boolean batchFirst, naming the layer', () => {
    expect(() => new TransformerEncoderLayer(8, 2, { batchFirst: 0 as never })).toThrow(ValueError);
    expect(() => new TransformerDecoderLayer(8, 2, { batchFirst: 'yes' as never })).toThrow(/^TransformerDecoderLayer: batchFirst must be a boolean/);
  });
});
