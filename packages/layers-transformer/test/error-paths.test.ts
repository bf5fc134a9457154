/**
 * Error paths of the Transformer layers: a call that fails leaves `memory()` unchanged (masks,
 * batch sizes and indices are checked before anything is computed) and its error names the
 * layer or function the user called.
 */
import * as pf from '@profundo/core';
import { DTypeError, DisposedError, ProfundoError, ShapeError, ValueError, dispose, memory, ones, randn, tensor, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Embedding,
  MultiheadAttention,
  Transformer,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  scaledDotProductAttention,
} from '@profundo/layers-transformer';

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});

const i32 = (values: number[], shape: number[]): Tensor => tensor(Int32Array.from(values), { shape, dtype: 'int32' });
const bool = (shape: number[]): Tensor => tensor(new Uint8Array(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'bool' });
const disposed = (t: Tensor): Tensor => {
  t.dispose();
  return t;
};

type ErrorClass = new (...args: never[]) => Error;

interface Case {
  name: string;
  setup: () => { inputs: unknown[]; call: () => unknown };
  error: ErrorClass;
  op: string;
  message?: RegExp;
}

// Modules are built once, outside the measured calls.
let mha: MultiheadAttention;
let enc: TransformerEncoderLayer;
let encPre: TransformerEncoderLayer;
let dec: TransformerDecoderLayer;
let model: Transformer;
let emb: Embedding;

beforeAll(() => {
  mha = new MultiheadAttention(4, 2);
  enc = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
  encPre = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, normFirst: true });
  dec = new TransformerDecoderLayer(4, 2, { dimFeedforward: 8 });
  model = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
  emb = new Embedding(5, 3, { paddingIdx: 0 });
});

const x = (n = 2, l = 3): Tensor => randn([n, l, 4]);

const CASES: Case[] = [
  { name: 'MultiheadAttention: attnMask of the wrong shape', setup: () => { const q = x(), m = ones([5, 5]); return { inputs: [q, m], call: () => mha.forward(q, q, q, m) }; }, error: ShapeError, op: 'MultiheadAttention', message: /attnMask must be \[3, 3\] or \[4, 3, 3\], got \[5,5\]/ },
  { name: 'MultiheadAttention: keyPaddingMask of the wrong shape', setup: () => { const q = x(), m = bool([1, 5]); return { inputs: [q, m], call: () => mha.forward(q, q, q, undefined, m) }; }, error: ShapeError, op: 'MultiheadAttention', message: /keyPaddingMask must be \[2, 3\]/ },
  { name: 'MultiheadAttention: int32 attnMask', setup: () => { const q = x(), m = i32(new Array(9).fill(0), [3, 3]); return { inputs: [q, m], call: () => mha.forward(q, q, q, m) }; }, error: DTypeError, op: 'MultiheadAttention', message: /attnMask must be bool .* or float32 .*, got int32/ },
  { name: 'MultiheadAttention: int32 keyPaddingMask', setup: () => { const q = x(), m = i32(new Array(6).fill(0), [2, 3]); return { inputs: [q, m], call: () => mha.forward(q, q, q, undefined, m) }; }, error: DTypeError, op: 'MultiheadAttention', message: /keyPaddingMask/ },
  { name: 'MultiheadAttention: a disposed mask', setup: () => { const q = x(), m = disposed(ones([3, 3])); return { inputs: [q], call: () => mha.forward(q, q, q, m) }; }, error: DisposedError, op: 'MultiheadAttention', message: /attnMask/ },
  { name: 'MultiheadAttention.forwardWithWeights: attnMask of the wrong shape', setup: () => { const q = x(), m = ones([5, 5]); return { inputs: [q, m], call: () => mha.forwardWithWeights(q, q, q, { attnMask: m }) }; }, error: ShapeError, op: 'MultiheadAttention' },
  { name: 'scaledDotProductAttention: mask that does not broadcast to the scores', setup: () => { const q = x(), m = ones([5, 5]); return { inputs: [q, m], call: () => scaledDotProductAttention(q, q, q, { mask: m }) }; }, error: ShapeError, op: 'scaledDotProductAttention', message: /mask \[5,5\] .*scores \[2,3,3\]/ },
  { name: 'scaledDotProductAttention: int32 mask', setup: () => { const q = x(), m = i32([0, 0, 0], [1, 3]); return { inputs: [q, m], call: () => scaledDotProductAttention(q, q, q, { mask: m }) }; }, error: DTypeError, op: 'scaledDotProductAttention' },
  { name: 'scaledDotProductAttention: batch dims of q and v that do not broadcast', setup: () => { const q = x(), v = x(3); return { inputs: [q, v], call: () => scaledDotProductAttention(q, q, v) }; }, error: ShapeError, op: 'scaledDotProductAttention', message: /batch dims/ },
  { name: 'scaledDotProductAttention: batch dims of q and k that do not broadcast', setup: () => { const q = x(), k = x(3); return { inputs: [q, k], call: () => scaledDotProductAttention(q, k, k) }; }, error: ShapeError, op: 'scaledDotProductAttention', message: /batch dims/ },
  { name: 'TransformerEncoderLayer: bad srcMask', setup: () => { const s = x(), m = ones([5, 5]); return { inputs: [s, m], call: () => enc.forward(s, m) }; }, error: ShapeError, op: 'MultiheadAttention' },
  { name: 'TransformerEncoderLayer (normFirst): bad srcKeyPaddingMask', setup: () => { const s = x(), m = bool([5, 5]); return { inputs: [s, m], call: () => encPre.forward(s, undefined, m) }; }, error: ShapeError, op: 'MultiheadAttention' },
  { name: 'TransformerDecoderLayer: bad memoryMask (checked before self-attention runs)', setup: () => { const t = x(), m = x(2, 5), mask = ones([3, 3]); return { inputs: [t, m, mask], call: () => dec.forward(t, m, undefined, mask) }; }, error: ShapeError, op: 'MultiheadAttention', message: /attnMask must be \[3, 5\]/ },
  { name: 'TransformerDecoderLayer: memory of another batch size', setup: () => { const t = x(), m = x(3, 5); return { inputs: [t, m], call: () => dec.forward(t, m) }; }, error: ShapeError, op: 'MultiheadAttention' },
  { name: 'Transformer: bad tgtMask (checked before the encoder runs)', setup: () => { const s = x(), t = x(), m = ones([5, 5]); return { inputs: [s, t, m], call: () => model.forward(s, t, undefined, m) }; }, error: ShapeError, op: 'MultiheadAttention' },
  { name: 'Transformer: bad memoryKeyPaddingMask', setup: () => { const s = x(2, 4), t = x(), m = bool([2, 3]); return { inputs: [s, t, m], call: () => model.forward(s, t, undefined, undefined, undefined, undefined, undefined, m) }; }, error: ShapeError, op: 'MultiheadAttention', message: /keyPaddingMask must be \[2, 4\]/ },
  { name: 'Transformer.decode: bad tgtKeyPaddingMask', setup: () => { const mem = x(), t = x(), m = bool([2, 7]); return { inputs: [mem, t, m], call: () => model.decode(t, mem, { tgtKeyPaddingMask: m }) }; }, error: ShapeError, op: 'MultiheadAttention' },
  { name: 'Embedding: index out of range (named Embedding)', setup: () => { const ids = i32([0, 7], [2]); return { inputs: [ids], call: () => emb.forward(ids) }; }, error: ValueError, op: 'Embedding', message: /index 7 .*out of range/ },
  { name: 'Embedding: negative index', setup: () => { const ids = i32([1, -1], [1, 2]); return { inputs: [ids], call: () => emb.forward(ids) }; }, error: ValueError, op: 'Embedding' },
  { name: 'Embedding: disposed indices (named Embedding, not reshape)', setup: () => { const ids = disposed(i32([1], [1])); return { inputs: [], call: () => emb.forward(ids) }; }, error: DisposedError, op: 'Embedding' },
  { name: 'Transformer: nhead that does not divide dModel (nothing built)', setup: () => ({ inputs: [], call: () => new Transformer({ dModel: 4, nhead: 3 }) }), error: ValueError, op: 'Transformer', message: /dModel \(4\).*nhead \(3\)/ },
  { name: 'Transformer: a bad decoder layer count (nothing built)', setup: () => ({ inputs: [], call: () => new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: -1, dimFeedforward: 8 }) }), error: ValueError, op: 'Transformer', message: /numDecoderLayers/ },
  { name: 'TransformerEncoderLayer: a bad dimFeedforward (nothing built)', setup: () => ({ inputs: [], call: () => new TransformerEncoderLayer(4, 2, { dimFeedforward: -1 }) }), error: ValueError, op: 'TransformerEncoderLayer', message: /dimFeedforward/ },
];

describe('failing calls leave memory() unchanged and name the layer', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { inputs, call } = c.setup();
      const before = memory();
      let caught: unknown = null;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(c.error);
      expect(caught).toBeInstanceOf(ProfundoError);
      expect((caught as ProfundoError).op).toBe(c.op);
      expect((caught as Error).message.startsWith(`${c.op}: `)).toBe(true);
      if (c.message) expect((caught as Error).message).toMatch(c.message);
      expect(memory()).toEqual(before);
      dispose(inputs);
    });
  }
});
