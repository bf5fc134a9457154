import * as pf from '@profundo/core';
import { manualSeed, nn, noGrad, randn, tensor, zeros } from '@profundo/core';
import { gradcheck } from '@profundo/core/testing';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Embedding,
  LayerNorm,
  LearnedPositionalEmbedding,
  MultiheadAttention,
  PositionalEncoding,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  causalMask,
  scaledDotProductAttention,
  sinusoidalPositionalEncoding,
} from '@profundo/layers-transformer';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

const ints = (values: number[], shape: number[]): pf.Tensor => tensor(Int32Array.from(values), { shape, dtype: 'int32' });
const f32 = (t: pf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * (1 + Math.abs(expected[i]!))) {
      throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]} (tol ${tol})`);
    }
  }
}

describe('Embedding', () => {
  it('looks up rows for indices of any shape, N(0,1) init', () => {
    manualSeed(1);
    const emb = new Embedding(6, 3);
    expect(emb.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual(['weight:6,3']);
    const w = f32(emb.weight);
    const out = emb.forward(ints([5, 0, 2, 2, 1, 3], [2, 3]));
    expect(out.shape).toEqual([2, 3, 3]);
    const expected = [5, 0, 2, 2, 1, 3].flatMap((i) => w.slice(i * 3, i * 3 + 3));
    expect(f32(out)).toEqual(expected);
    expect(emb.forward(ints([4], [])).shape).toEqual([3]);
    // N(0, 1): a large table has mean ≈ 0 and std ≈ 1.
    const big = f32(new Embedding(1000, 10).weight);
    const m = big.reduce((a, b) => a + b, 0) / big.length;
    const sd = Math.sqrt(big.reduce((a, b) => a + (b - m) ** 2, 0) / big.length);
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });

  it('sends gradient only to the rows used (summed over repeats)', () => {
    const emb = new Embedding(5, 2);
    const g = tensor([[1, 2], [3, 4], [5, 6]]);
    emb.forward(ints([3, 1, 3], [3])).mul(g).sum().backward();
    expect(f32(emb.weight.grad!)).toEqual([0, 0, 3, 4, 0, 0, 6, 8, 0, 0]);
  });

  it('paddingIdx row starts at zero and gets zero gradient', () => {
    const emb = new Embedding(4, 3, { paddingIdx: -1 }); // normalized to 3
    expect(emb.paddingIdx).toBe(3);
    const w = f32(emb.weight);
    expect(w.slice(9)).toEqual([0, 0, 0]);
    expect(w.slice(0, 9).every((v) => v !== 0)).toBe(true);
    const out = emb.forward(ints([3, 0, 3], [1, 3]));
    expect(f32(out).slice(0, 3)).toEqual([0, 0, 0]);
    out.sum().backward();
    expect(f32(emb.weight.grad!)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('rejects non-int32 and out-of-range indices', () => {
    const emb = new Embedding(4, 2);
    expect(() => emb.forward(tensor([1, 2]))).toThrow(pf.DTypeError);
    expect(() => emb.forward(ints([4], [1]))).toThrow(/out of range/);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(pf.ValueError);
  });
});

describe('positional encodings', () => {
  it('sinusoidal table matches the formula', () => {
    const L = 7;
    for (const d of [6, 5]) {
      const pe = f32(sinusoidalPositionalEncoding(L, d));
      const expected: number[] = [];
      for (let pos = 0; pos < L; pos++) {
        for (let j = 0; j < d; j++) {
          const i2 = j - (j % 2);
          const angle = pos / Math.pow(10000, i2 / d);
          expected.push(j % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
        }
      }
      expectClose(pe, expected, 1e-6);
    }
    expect(f32(sinusoidalPositionalEncoding(1, 4))).toEqual([0, 1, 0, 1]);
  });

  it('PositionalEncoding adds the table (no state), dropout only in training', () => {
    const pos = new PositionalEncoding(4, { dropout: 0.5, maxLen: 10 });
    expect(Object.keys(pos.stateDict())).toEqual([]);
    pos.eval();
    const x = randn([2, 3, 4]);
    const pe = f32(sinusoidalPositionalEncoding(3, 4));
    const xs = f32(x);
    expectClose(f32(pos.forward(x)), xs.map((v, i) => v + pe[i % 12]!), 1e-6);
    pos.train();
    const y = f32(pos.forward(x));
    expect(y.some((v) => v === 0)).toBe(true);
    expect(() => pos.forward(zeros([1, 11, 4]))).toThrow(pf.ShapeError);
  });

  it('LearnedPositionalEmbedding adds its first L rows and learns them', () => {
    const pos = new LearnedPositionalEmbedding(5, 2);
    expect(pos.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual(['weight:5,2']);
    const w = f32(pos.weight);
    const y = pos.forward(zeros([2, 3, 2]));
    expect(f32(y)).toEqual([...w.slice(0, 6), ...w.slice(0, 6)]);
    y.sum().backward();
    expect(f32(pos.weight.grad!)).toEqual([2, 2, 2, 2, 2, 2, 0, 0, 0, 0]);
  });
});

describe('LayerNorm', () => {
  it('matches the hand formula (biased variance) over the last dims', () => {
    const x = randn([3, 2, 4]);
    const xs = f32(x);
    for (const shape of [[4], [2, 4]]) {
      const ln = new LayerNorm(shape, { eps: 1e-5 });
      expect(ln.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual([`weight:${shape}`, `bias:${shape}`]);
      noGrad(() => {
        ln.weight!.assign(randn(shape));
        ln.bias!.assign(randn(shape));
      });
      const w = f32(ln.weight!);
      const b = f32(ln.bias!);
      const group = shape.reduce((a, c) => a * c, 1);
      const expected: number[] = [];
      for (let g = 0; g < xs.length / group; g++) {
        const row = xs.slice(g * group, (g + 1) * group);
        const m = row.reduce((a, c) => a + c, 0) / group;
        const v = row.reduce((a, c) => a + (c - m) ** 2, 0) / group;
        row.forEach((c, i) => expected.push(((c - m) / Math.sqrt(v + 1e-5)) * w[i]! + b[i]!));
      }
      expectClose(f32(ln.forward(x)), expected, 1e-5);
    }
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(() => new LayerNorm(4).forward(zeros([2, 3]))).toThrow(pf.ShapeError);
  });

  it('passes gradcheck (input, weight, bias)', async () => {
    const ln = new LayerNorm(5);
    await expect(
      gradcheck(
        (x, w, b) => {
          (ln as unknown as { weight: pf.Tensor }).weight = w!;
          (ln as unknown as { bias: pf.Tensor }).bias = b!;
          return ln.forward(x!);
        },
        [randn([2, 3, 5]), randn([5]), randn([5])],
      ),
    ).resolves.toBe(true);
  });
});

/** Naive float64 attention for one batch element and head: q [L][d], k [S][d], v [S][dv]. */
function naiveAttention(q: number[][], k: number[][], v: number[][], masked: (i: number, j: number) => boolean) {
  const d = q[0]!.length;
  const weights = q.map((qi, i) => {
    const s = k.map((kj, j) => (masked(i, j) ? -Infinity : qi.reduce((a, c, t) => a + c * kj[t]!, 0) / Math.sqrt(d)));
    const mx = Math.max(...s);
    const e = s.map((x) => Math.exp(x - mx));
    const z = e.reduce((a, c) => a + c, 0);
    return e.map((x) => x / z);
  });
  const out = weights.map((w) => v[0]!.map((_, c) => w.reduce((a, wj, j) => a + wj * v[j]![c]!, 0)));
  return { out, weights };
}

const rows = (flat: number[], r: number, c: number, offset = 0): number[][] =>
  Array.from({ length: r }, (_, i) => flat.slice(offset + i * c, offset + (i + 1) * c));

describe('scaledDotProductAttention and causalMask', () => {
  it('causalMask is true above the diagonal', () => {
    const m = causalMask(3);
    expect(m.dtype).toBe('bool');
    expect(Array.from(m.dataSync())).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(causalMask(2, 3).shape).toEqual([2, 3]);
  });

  it('matches naive float64 attention, with bool and additive masks', () => {
    const q = randn([2, 3, 4]);
    const k = randn([2, 5, 4]);
    const v = randn([2, 5, 2]);
    const mask = tensor(Uint8Array.from({ length: 15 }, (_, i) => (i % 4 === 1 ? 1 : 0)), { shape: [3, 5], dtype: 'bool' });
    const maskVals = mask.dataSync();
    const [qs, ks, vs] = [q, k, v].map(f32) as [number[], number[], number[]];
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) {
      const { out } = naiveAttention(rows(qs, 3, 4, b * 12), rows(ks, 5, 4, b * 20), rows(vs, 5, 2, b * 10), (i, j) => maskVals[i * 5 + j] === 1);
      expected.push(...out.flat());
    }
    expectClose(f32(scaledDotProductAttention(q, k, v, { mask })), expected, 1e-5);
    const additive = pf.where(mask, -Infinity, zeros([3, 5]));
    expectClose(f32(scaledDotProductAttention(q, k, v, { mask: additive })), expected, 1e-5);
  });

  it('passes gradcheck', async () => {
    await expect(
      gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { mask: causalMask(3, 4) }), [randn([2, 3, 4]), randn([2, 4, 4]), randn([2, 4, 3])]),
    ).resolves.toBe(true);
  });
});

describe('MultiheadAttention', () => {
  it("has PyTorch's parameter names, shapes and init", () => {
    const mha = new MultiheadAttention(8, 2);
    // From PyTorch's nn.MultiheadAttention(8, 2).state_dict():
    expect(mha.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual([
      'in_proj_weight:24,8',
      'in_proj_bias:24',
      'out_proj.weight:8,8',
      'out_proj.bias:8',
    ]);
    expect(f32(mha.in_proj_bias!).every((x) => x === 0)).toBe(true);
    expect(f32(mha.out_proj.bias!).every((x) => x === 0)).toBe(true);
    const bound = Math.sqrt(6 / (24 + 8));
    expect(f32(mha.inProjWeight!).every((x) => Math.abs(x) <= bound)).toBe(true);
    expect(new MultiheadAttention(8, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['in_proj_weight', 'out_proj.weight']);
    expect(() => new MultiheadAttention(8, 3)).toThrow(pf.ValueError);
  });

  function naiveMha(mha: MultiheadAttention, query: pf.Tensor, key: pf.Tensor, value: pf.Tensor, masked: (n: number, i: number, j: number) => boolean) {
    const [N, L, E] = query.shape as [number, number, number];
    const S = key.shape[1]!;
    const H = mha.numHeads;
    const d = E / H;
    const W = f32(mha.in_proj_weight!);
    const B = f32(mha.in_proj_bias!);
    const Wo = f32(mha.out_proj.weight);
    const Bo = f32(mha.out_proj.bias!);
    const proj = (x: number[], which: number, len: number, n: number) =>
      Array.from({ length: len }, (_, t) =>
        Array.from({ length: E }, (_, o) => {
          let s = B[which * E + o]!;
          for (let c = 0; c < E; c++) s += x[(n * len + t) * E + c]! * W[(which * E + o) * E + c]!;
          return s;
        }),
      );
    const out: number[] = [];
    const avgWeights: number[] = [];
    for (let n = 0; n < N; n++) {
      const Q = proj(f32(query), 0, L, n);
      const K = proj(f32(key), 1, S, n);
      const V = proj(f32(value), 2, S, n);
      const merged = Array.from({ length: L }, () => new Array<number>(E).fill(0));
      const avg = Array.from({ length: L }, () => new Array<number>(S).fill(0));
      for (let h = 0; h < H; h++) {
        const cut = (m: number[][]) => m.map((r) => r.slice(h * d, (h + 1) * d));
        const { out: o, weights } = naiveAttention(cut(Q), cut(K), cut(V), (i, j) => masked(n, i, j));
        o.forEach((r, i) => r.forEach((x, c) => (merged[i]![h * d + c] = x)));
        weights.forEach((r, i) => r.forEach((x, j) => (avg[i]![j]! += x / H)));
      }
      for (let i = 0; i < L; i++) {
        for (let o = 0; o < E; o++) {
          let s = Bo[o]!;
          for (let c = 0; c < E; c++) s += merged[i]![c]! * Wo[o * E + c]!;
          out.push(s);
        }
      }
      avgWeights.push(...avg.flat());
    }
    return { out, avgWeights };
  }

  it('matches a naive float64 implementation (masks, averaged weights)', () => {
    manualSeed(3);
    const mha = new MultiheadAttention(6, 3);
    noGrad(() => {
      mha.in_proj_bias!.assign(randn([18]));
      mha.out_proj.bias!.assign(randn([6]));
    });
    const q = randn([2, 3, 6]);
    const k = randn([2, 4, 6]);
    const v = randn([2, 4, 6]);
    const attn = causalMask(3, 4);
    const kpm = tensor([[false, false, false, true], [false, false, true, false]], { dtype: 'bool' });
    const kp = kpm.dataSync();
    const masked = (n: number, i: number, j: number) => j > i || kp[n * 4 + j] === 1;
    const ref = naiveMha(mha, q, k, v, masked);
    expectClose(f32(mha.forward(q, k, v, attn, kpm)), ref.out, 1e-5);
    const [out, w] = mha.forwardWithWeights(q, k, v, { attnMask: attn, keyPaddingMask: kpm });
    expectClose(f32(out), ref.out, 1e-5);
    expect(w.shape).toEqual([2, 3, 4]);
    expectClose(f32(w), ref.avgWeights, 1e-5);
    // A masked key gets exactly zero weight.
    const ws = f32(w);
    for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) if (masked(n, i, j)) expect(ws[(n * 3 + i) * 4 + j]).toBe(0);
    const [, perHead] = mha.forwardWithWeights(q, k, v, { averageAttnWeights: false });
    expect(perHead.shape).toEqual([2, 3, 3, 4]);
    // Unmasked too.
    expectClose(f32(mha.forward(q, k, v)), naiveMha(mha, q, k, v, () => false).out, 1e-5);
    expect(() => mha.forward(q, k, v, causalMask(4))).toThrow(pf.ShapeError);
  });

  it('causal self-attention: output i does not depend on inputs j > i', () => {
    const mha = new MultiheadAttention(4, 2);
    const x = randn([1, 5, 4]);
    const y1 = f32(mha.forward(x, x, x, causalMask(5)));
    const x2 = pf.cat([pf.narrow(x, 1, 0, 3), randn([1, 2, 4])], 1);
    const y2 = f32(mha.forward(x2, x2, x2, causalMask(5)));
    expect(y2.slice(0, 12)).toEqual(y1.slice(0, 12));
    expect(y2.slice(12)).not.toEqual(y1.slice(12));
  });

  it('passes gradcheck for inputs and parameters', async () => {
    const mha = new MultiheadAttention(4, 2);
    const [w, b, wo, bo] = mha.parameters().map((p) => p.detach());
    await expect(
      gradcheck(
        (q, kv, inW, inB, outW, outB) => {
          const m = new MultiheadAttention(4, 2);
          // Route the checked tensors in as the module's weights.
          (m as unknown as { in_proj_weight: pf.Tensor }).in_proj_weight = inW!;
          (m as unknown as { in_proj_bias: pf.Tensor }).in_proj_bias = inB!;
          (m.out_proj as unknown as { weight: pf.Tensor }).weight = outW!;
          (m.out_proj as unknown as { bias: pf.Tensor }).bias = outB!;
          return m.forward(q!, kv!, kv!, causalMask(3, 2));
        },
        [randn([2, 3, 4]), randn([2, 2, 4]), w!, randn(b!.shape), wo!, randn(bo!.shape)],
      ),
    ).resolves.toBe(true);
  });
});

describe('Transformer layers', () => {
  const attnKeys = (p: string) => [`${p}.in_proj_weight`, `${p}.in_proj_bias`, `${p}.out_proj.weight`, `${p}.out_proj.bias`];
  const ffKeys = ['linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias'];

  it("encoder / decoder layers have PyTorch's state-dict keys and shapes", () => {
    // From PyTorch's nn.TransformerEncoderLayer(8, 2, 16).state_dict() (and the decoder's).
    const enc = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(enc.stateDict())).toEqual([...attnKeys('self_attn'), ...ffKeys, 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias']);
    expect(enc.linear1.weight.shape).toEqual([16, 8]);
    expect(enc.linear2.weight.shape).toEqual([8, 16]);
    const dec = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(dec.stateDict())).toEqual([
      ...attnKeys('self_attn'),
      ...attnKeys('multihead_attn'),
      ...ffKeys,
      'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias', 'norm3.weight', 'norm3.bias',
    ]);
    const model = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16 });
    const keys = Object.keys(model.stateDict());
    expect(keys.length).toBe(2 * 12 + 2 + 18 + 2);
    expect(keys.slice(0, 2)).toEqual(['encoder.layers.0.self_attn.in_proj_weight', 'encoder.layers.0.self_attn.in_proj_bias']);
    expect(keys).toContain('encoder.layers.1.norm2.bias');
    expect(keys).toContain('encoder.norm.weight');
    expect(keys).toContain('decoder.layers.0.multihead_attn.out_proj.weight');
    expect(keys).toContain('decoder.norm.bias');
  });

  it('encoder layer (post-norm, relu, eval) matches its definition from parts', () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0.3 }).eval();
    const x = randn([2, 3, 4]);
    const kpm = tensor([[false, false, true], [false, false, false]], { dtype: 'bool' });
    const a = layer.norm1.forward(x.add(layer.self_attn.forward(x, x, x, undefined, kpm)));
    const expected = layer.norm2.forward(a.add(layer.linear2.forward(layer.linear1.forward(a).relu())));
    expectClose(f32(layer.forward(x, undefined, kpm)), f32(expected), 1e-6);
    const pre = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, normFirst: true, activation: 'gelu' }).eval();
    const b = x.add(pre.self_attn.forward(pre.norm1.forward(x), pre.norm1.forward(x), pre.norm1.forward(x)));
    const expectedPre = b.add(pre.linear2.forward(pf.gelu(pre.linear1.forward(pre.norm2.forward(b)))));
    expectClose(f32(pre.forward(x)), f32(expectedPre), 1e-6);
  });

  it('decoder with a causal mask: earlier outputs ignore later targets; stacks and Transformer run', () => {
    const dec = new TransformerDecoder(() => new TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), 2, { norm: new LayerNorm(4) }).eval();
    const enc = new TransformerEncoder(() => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 2).eval();
    const memory = enc.forward(randn([1, 3, 4]));
    const tgt = randn([1, 4, 4]);
    const y1 = f32(dec.forward(tgt, memory, causalMask(4)));
    const tgt2 = pf.cat([pf.narrow(tgt, 1, 0, 2), randn([1, 2, 4])], 1);
    const y2 = f32(dec.forward(tgt2, memory, causalMask(4)));
    expect(y2.slice(0, 8)).toEqual(y1.slice(0, 8));
    expect(y2.slice(8)).not.toEqual(y1.slice(8));
    const model = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 }).eval();
    const src = randn([2, 5, 4]);
    const t = randn([2, 3, 4]);
    const out = model.forward(src, t, undefined, causalMask(3));
    expect(out.shape).toEqual([2, 3, 4]);
    expect(f32(model.decode(t, model.encode(src), { tgtMask: causalMask(3) }))).toEqual(f32(out));
  });

  it('encoder layer passes gradcheck (input)', async () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0 });
    await expect(gradcheck((x) => layer.forward(x!, causalMask(3)), [randn([1, 3, 4])])).resolves.toBe(true);
  });

  it('state dict round-trips between two Transformers', () => {
    const a = new Transformer({ dModel: 4, nhead: 1, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 4 }).eval();
    const b = new Transformer({ dModel: 4, nhead: 1, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 4 }).eval();
    b.loadStateDict(a.stateDict());
    const s = randn([1, 2, 4]);
    const t = randn([1, 2, 4]);
    expect(f32(b.forward(s, t))).toEqual(f32(a.forward(s, t)));
  });
});
