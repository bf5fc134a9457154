/**
 * MultiheadAttention's PyTorch options: `kdim` / `vdim` (separate `q_proj_weight`,
 * `k_proj_weight`, `v_proj_weight`), `addBiasKv`, `addZeroAttn` and `batchFirst: false`.
 * Against a reference written head by head (a narrow per head, explicit transposes, the
 * appended positions concatenated by hand), with PyTorch's state-dict keys and order, and
 * loading a state dict under those keys.
 */
import { createCpuBackend } from '@profundo/backend-cpu';
import * as pf from '@profundo/core';
import { ShapeError, ValueError, cat, manualSeed, matmul, narrow, randn, softmax, transpose, zeros, type Tensor } from '@profundo/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MultiheadAttention, causalMask } from '../src/index.js';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

/** Batch-first attention computed head by head from the module's parameters. */
function reference(m: MultiheadAttention, q: Tensor, k: Tensor, v: Tensor, mask?: Tensor): Tensor {
  const E = m.embedDim;
  const d = E / m.numHeads;
  const W = (i: number) => (m.in_proj_weight ? narrow(m.in_proj_weight, 0, i * E, E) : [m.q_proj_weight, m.k_proj_weight, m.v_proj_weight][i]!);
  const proj = (x: Tensor, i: number) => {
    const y = matmul(x, transpose(W(i)));
    return m.in_proj_bias ? y.add(narrow(m.in_proj_bias, 0, i * E, E)) : y;
  };
  const N = q.shape[0]!;
  let K = proj(k, 1);
  let V = proj(v, 2);
  let extra = 0;
  if (m.bias_k) {
    K = cat([K, m.bias_k.expand([N, 1, E])], 1);
    V = cat([V, m.bias_v!.expand([N, 1, E])], 1);
    extra++;
  }
  const Q = proj(q, 0);
  const heads: Tensor[] = [];
  for (let h = 0; h < m.numHeads; h++) {
    let Kh = narrow(K, 2, h * d, d);
    let Vh = narrow(V, 2, h * d, d);
    if (m.addZeroAttn) {
      Kh = cat([Kh, zeros([N, 1, d])], 1);
      Vh = cat([Vh, zeros([N, 1, d])], 1);
    }
    let scores = matmul(narrow(Q, 2, h * d, d), transpose(Kh)).mul(1 / Math.sqrt(d));
    if (mask) {
      const widened = cat([mask, zeros([mask.shape[0]!, extra + (m.addZeroAttn ? 1 : 0)], { dtype: 'bool' })], 1);
      scores = pf.where(widened, -Infinity, scores);
    }
    heads.push(matmul(softmax(scores, -1), Vh));
  }
  return m.out_proj.forward(cat(heads, 2));
}

const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) expect(x[i]!).toBeCloseTo(y[i]!, 5);
};

describe('MultiheadAttention options', () => {
  it('kdim / vdim: separate projections with PyTorch keys, order and shapes', () => {
    manualSeed(1);
    const m = new MultiheadAttention(8, 2, { kdim: 5, vdim: 3 });
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect([sd['q_proj_weight']!.shape, sd['k_proj_weight']!.shape, sd['v_proj_weight']!.shape]).toEqual([[8, 8], [8, 5], [8, 3]]);
    expect(m.in_proj_weight).toBeNull();
    const q = randn([2, 4, 8]);
    const k = randn([2, 6, 5]);
    const v = randn([2, 6, 3]);
    close(m.forward(q, k, v), reference(m, q, k, v));
    // A state dict under PyTorch's keys loads.
    const other = new MultiheadAttention(8, 2, { kdim: 5, vdim: 3 });
    other.loadStateDict(sd);
    close(other.forward(q, k, v), m.forward(q, k, v));
  });

  it('addBiasKv and addZeroAttn append one key/value position each, never masked', () => {
    manualSeed(2);
    const m = new MultiheadAttention(6, 3, { addBiasKv: true, addZeroAttn: true });
    expect(Object.keys(m.stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v', 'out_proj.weight', 'out_proj.bias']);
    expect(m.bias_k!.shape).toEqual([1, 1, 6]);
    const x = randn([2, 4, 6]);
    close(m.forward(x, x, x), reference(m, x, x, x));
    const mask = causalMask(4);
    close(m.forward(x, x, x, mask), reference(m, x, x, x, mask));
    const [, weights] = m.forwardWithWeights(x, x, x, { attnMask: mask, keyPaddingMask: pf.tensor(Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0]), { shape: [2, 4], dtype: 'bool' }) });
    expect(weights.shape).toEqual([2, 4, 6]);
    const zeroOnly = new MultiheadAttention(4, 2, { addZeroAttn: true });
    close(zeroOnly.forward(randn([1, 3, 4]), randn([1, 2, 4]), randn([1, 2, 4])).mul(0), zeros([1, 3, 4]));
  });

  it('batchFirst: false takes and returns [L, N, E], the transpose of the batch-first result', () => {
    manualSeed(3);
    const first = new MultiheadAttention(8, 4, { kdim: 6 });
    const seq = new MultiheadAttention(8, 4, { kdim: 6, batchFirst: false });
    seq.loadStateDict(first.stateDict());
    const q = randn([2, 5, 8]);
    const k = randn([2, 3, 6]);
    const v = randn([2, 3, 8]);
    const out = seq.forward(transpose(q, 0, 1), transpose(k, 0, 1), transpose(v, 0, 1));
    expect(out.shape).toEqual([5, 2, 8]);
    close(transpose(out, 0, 1), first.forward(q, k, v));
  });

  it('rejects bad options and inputs of the wrong feature size, naming MultiheadAttention', () => {
    expect(() => new MultiheadAttention(8, 2, { kdim: 0 })).toThrow(/^MultiheadAttention: kdim must be a positive integer, got 0/);
    expect(() => new MultiheadAttention(8, 2, { addZeroAttn: 1 as never })).toThrow(ValueError);
    expect(() => new MultiheadAttention(8, 2, { batchFirst: 'no' as never })).toThrow(/batchFirst must be a boolean/);
    const m = new MultiheadAttention(8, 2, { kdim: 5 });
    expect(() => m.forward(randn([1, 2, 8]), randn([1, 3, 8]), randn([1, 3, 8]))).toThrow(ShapeError);
    expect(() => m.forward(randn([1, 2, 8]), randn([1, 3, 8]), randn([1, 3, 8]))).toThrow(/key \[N, S, 5\]/);
    const s = new MultiheadAttention(8, 2, { batchFirst: false });
    expect(() => s.forward(randn([2, 1, 8]), randn([3, 2, 8]), randn([3, 2, 8]))).toThrow(/batch and key lengths disagree/);
  });
});
