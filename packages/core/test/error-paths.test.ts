/**
 * Error paths: a call that fails leaves `memory()` (tensors and bytes, per backend) exactly as it
 * was, and its error names the op the user called, not an op it uses inside.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  DTypeError,
  GradError,
  ProfundoError,
  ShapeError,
  ValueError,
  adaptiveAvgPool2d,
  argmax,
  avgPool2d,
  batchNorm,
  clamp,
  conv2d,
  dispose,
  grad,
  indexSelect,
  listBackends,
  matmul,
  max,
  maxPool2d,
  memory,
  min,
  narrow,
  nn,
  ones,
  registerBackend,
  setBackend,
  stack,
  sum,
  tensor,
  valueAndGrad,
  where,
  zeros,
  type Tensor,
} from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

type ErrorClass = new (...args: never[]) => Error;

interface Case {
  name: string;
  /** Makes the inputs (outside the measured call) and returns the failing call. */
  setup: () => { inputs: unknown[]; call: () => unknown };
  error: ErrorClass;
  /** The op the error must name (omitted for errors the user's own function throws). */
  op?: string;
  message?: RegExp;
}

const i32 = (values: number[], shape?: number[]): Tensor => tensor(values, { dtype: 'int32', shape });
const bool = (values: boolean[]): Tensor => tensor(values, { dtype: 'bool' });

const CASES: Case[] = [
  // matmul: views of 1-D operands and batch expansions used to be made before the checks.
  { name: 'matmul: 1-D @ 2-D with mismatched inner dims', setup: () => { const a = ones([3]), b = ones([4, 5]); return { inputs: [a, b], call: () => matmul(a, b) }; }, error: ShapeError, op: 'matmul', message: /inner dims differ: \[3\] @ \[4,5\]/ },
  { name: 'matmul: 2-D @ 1-D with mismatched inner dims', setup: () => { const a = ones([2, 3]), b = ones([4]); return { inputs: [a, b], call: () => matmul(a, b) }; }, error: ShapeError, op: 'matmul', message: /inner dims differ/ },
  { name: 'matmul: batch dims that do not broadcast', setup: () => { const a = ones([2, 2, 3]), b = ones([3, 3, 4]); return { inputs: [a, b], call: () => matmul(a, b) }; }, error: ShapeError, op: 'matmul', message: /\[2\] and \[3\]/ },
  { name: 'matmul: 1-D @ batched with mismatched inner dims', setup: () => { const a = ones([3]), b = ones([2, 4, 5]); return { inputs: [a, b], call: () => matmul(a, b) }; }, error: ShapeError, op: 'matmul' },
  // where: a number operand became a scalar tensor before the shapes were checked.
  { name: 'where: scalar operand, shapes that do not broadcast', setup: () => { const c = bool([true, false]), b = ones([3]); return { inputs: [c, b], call: () => where(c, 1, b) }; }, error: ShapeError, op: 'where', message: /\[2\] and \[\] and \[3\]/ },
  { name: 'where: scalar second operand, shapes that do not broadcast', setup: () => { const c = bool([true, false]), a = ones([3]); return { inputs: [c, a], call: () => where(c, a, 0) }; }, error: ShapeError, op: 'where' },
  // Reductions of empty dims.
  { name: 'argmax: empty tensor, no dim', setup: () => { const x = zeros([0]); return { inputs: [x], call: () => argmax(x) }; }, error: ValueError, op: 'argmax', message: /empty|size 0/ },
  { name: 'argmax: empty tensor, no dim, keepdim', setup: () => { const x = zeros([2, 0]); return { inputs: [x], call: () => argmax(x, undefined, true) }; }, error: ValueError, op: 'argmax' },
  { name: 'max: empty dim', setup: () => { const x = zeros([0]); return { inputs: [x], call: () => max(x) }; }, error: ValueError, op: 'max' },
  { name: 'min: empty dim (named min, not max)', setup: () => { const x = zeros([3, 0]); return { inputs: [x], call: () => min(x, 1) }; }, error: ValueError, op: 'min', message: /dim 1 of size 0/ },
  { name: 'sum: bool tensor with a bad dim', setup: () => { const x = bool([true, false]); return { inputs: [x], call: () => sum(x, 2) }; }, error: ShapeError, op: 'sum', message: /dim 2 is out of range/ },
  // conv2d and pooling on unbatched inputs: the batch dim was added before the checks.
  { name: 'conv2d: unbatched input with the wrong channels', setup: () => { const x = ones([2, 5, 5]), w = ones([4, 3, 3, 3]); return { inputs: [x, w], call: () => conv2d(x, w) }; }, error: ShapeError, op: 'conv2d', message: /input has 2 channels/ },
  { name: 'conv2d: unbatched input smaller than the kernel, with bias', setup: () => { const x = ones([3, 2, 2]), w = ones([4, 3, 3, 3]), b = ones([4]); return { inputs: [x, w, b], call: () => conv2d(x, w, b) }; }, error: ShapeError, op: 'conv2d', message: /input \[3,2,2\]/ },
  { name: 'maxPool2d: unbatched input smaller than the kernel', setup: () => { const x = ones([1, 2, 2]); return { inputs: [x], call: () => maxPool2d(x, 3) }; }, error: ShapeError, op: 'maxPool2d', message: /input \[1,2,2\]/ },
  { name: 'avgPool2d: unbatched input smaller than the kernel', setup: () => { const x = ones([1, 2, 2]); return { inputs: [x], call: () => avgPool2d(x, 3) }; }, error: ShapeError, op: 'avgPool2d' },
  { name: 'adaptiveAvgPool2d: unbatched input with an empty dim', setup: () => { const x = ones([1, 0, 2]); return { inputs: [x], call: () => adaptiveAvgPool2d(x, 3) }; }, error: ShapeError, op: 'adaptiveAvgPool2d' },
  // Losses: the reduction was checked after the per-element loss was computed.
  { name: 'mseLoss: unknown reduction', setup: () => { const a = ones([2, 3]), b = ones([2, 3]); return { inputs: [a, b], call: () => nn.mseLoss(a, b, { reduction: 'avg' as never }) }; }, error: ValueError, op: 'mseLoss', message: /reduction must be 'mean', 'sum' or 'none', got 'avg'/ },
  { name: 'nllLoss: unknown reduction', setup: () => { const a = ones([2, 3]), t = i32([0, 1]); return { inputs: [a, t], call: () => nn.nllLoss(a, t, { reduction: 'avg' as never }) }; }, error: ValueError, op: 'nllLoss' },
  { name: 'crossEntropy: unknown reduction (named crossEntropy)', setup: () => { const a = ones([2, 3]), t = i32([0, 1]); return { inputs: [a, t], call: () => nn.crossEntropy(a, t, { reduction: 'avg' as never }) }; }, error: ValueError, op: 'crossEntropy' },
  { name: 'binaryCrossEntropy: unknown reduction', setup: () => { const p = ones([2, 3]).mul(0.5), t = ones([2, 3]); return { inputs: [p, t], call: () => nn.binaryCrossEntropy(p, t, { reduction: 'avg' as never }) }; }, error: ValueError, op: 'binaryCrossEntropy' },
  // Functional autograd: the detached arguments and f's tensors outlived a failure.
  { name: 'grad: f returns a non-scalar', setup: () => { const x = ones([3]); return { inputs: [x], call: () => grad((t: Tensor) => t.mul(2))(x) }; }, error: GradError, op: 'grad', message: /scalar, got shape \[3\]/ },
  { name: 'valueAndGrad: f returns a non-scalar', setup: () => { const x = ones([3]); return { inputs: [x], call: () => valueAndGrad((t: Tensor) => t.mul(2))(x) }; }, error: GradError, op: 'valueAndGrad' },
  { name: 'grad: f throws', setup: () => { const x = ones([3]); return { inputs: [x], call: () => grad((t: Tensor): Tensor => { t.mul(2).add(1); throw new RangeError('from f'); })(x) }; }, error: RangeError },
  // stack / indexSelect: views made before the checks, errors named after cat / gather.
  { name: 'stack: tensors of two dtypes (named stack)', setup: () => { const a = ones([2]), b = i32([1, 2]); return { inputs: [a, b], call: () => stack([a, b]) }; }, error: DTypeError, op: 'stack', message: /float32.*int32/ },
  { name: 'stack: dim out of range', setup: () => { const a = ones([2]), b = ones([2]); return { inputs: [a, b], call: () => stack([a, b], 3) }; }, error: ShapeError, op: 'stack' },
  { name: 'indexSelect: index out of range (named indexSelect)', setup: () => { const x = ones([2, 3]), i = i32([0, 5]); return { inputs: [x, i], call: () => indexSelect(x, 0, i) }; }, error: ValueError, op: 'indexSelect', message: /index 5 .*dim 0 of size 2/ },
  { name: 'indexSelect: negative index', setup: () => { const x = ones([2, 3]), i = i32([-1]); return { inputs: [x, i], call: () => x.indexSelect(1, i) }; }, error: ValueError, op: 'indexSelect' },
  // Named after the op the user called.
  { name: 'narrow: past the end (named narrow, not slice)', setup: () => { const x = ones([2, 3]); return { inputs: [x], call: () => narrow(x, 1, 2, 5) }; }, error: ShapeError, op: 'narrow', message: /start 2 and length 5 .*dim 1 of size 3/ },
  { name: 'narrow: negative start before the beginning', setup: () => { const x = ones([2, 3]); return { inputs: [x], call: () => x.narrow(1, -5, 1) }; }, error: ShapeError, op: 'narrow' },
  { name: 'clamp: fractional bound on an int32 tensor (named clamp)', setup: () => { const x = i32([1, 2]); return { inputs: [x], call: () => clamp(x, 0.5) }; }, error: DTypeError, op: 'clamp', message: /0\.5/ },
  { name: 'Linear: negative size (named Linear, not full)', setup: () => ({ inputs: [], call: () => new nn.Linear(-1, 3) }), error: ValueError, op: 'Linear', message: /inFeatures must be a positive integer, got -1/ },
  { name: 'Linear: fractional size', setup: () => ({ inputs: [], call: () => new nn.Linear(3, 2.5) }), error: ValueError, op: 'Linear', message: /outFeatures/ },
  { name: 'init.xavierUniform: rank 1 (named xavierUniform)', setup: () => { const t = zeros([3]); return { inputs: [t], call: () => nn.init.xavierUniform(t) }; }, error: ShapeError, op: 'xavierUniform' },
  { name: 'init.kaimingNormal: rank 1 (named kaimingNormal)', setup: () => { const t = zeros([3]); return { inputs: [t], call: () => nn.init.kaimingNormal(t) }; }, error: ShapeError, op: 'kaimingNormal' },
  { name: 'init.uniform: an int32 tensor (named uniform)', setup: () => { const t = i32([1, 2]); return { inputs: [t], call: () => nn.init.uniform(t) }; }, error: DTypeError, op: 'uniform', message: /float32/ },
];

describe('a failing call leaves memory() unchanged and names the op the user called', () => {
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
      if (c.op !== undefined) {
        expect(caught).toBeInstanceOf(ProfundoError);
        expect((caught as ProfundoError).op).toBe(c.op);
        expect((caught as Error).message.startsWith(`${c.op}: `)).toBe(true);
      }
      if (c.message) expect((caught as Error).message).toMatch(c.message);
      expect(memory()).toEqual(before);
      dispose(inputs);
    });
  }
});

describe('backends registered under two names', () => {
  beforeAll(() => {
    for (const name of ['ref-a', 'ref-b']) if (!listBackends().includes(name)) registerBackend(name, createReferenceBackend);
  });

  it('the error for mixing them names both registered names', async () => {
    await setBackend('ref-a');
    const a = ones([2]);
    await setBackend('ref-b');
    const b = ones([2]);
    await useReference();
    const before = memory();
    let caught: unknown = null;
    try {
      a.add(b);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BackendError);
    expect((caught as BackendError).op).toBe('add');
    expect((caught as Error).message).toMatch(/'ref-a' and 'ref-b'/);
    expect(memory()).toEqual(before);
    // stack checks its inputs' backends before it makes any view.
    expect(() => stack([a, b])).toThrow(/^stack: .*'ref-a' and 'ref-b'/);
    expect(memory()).toEqual(before);
    dispose([a, b]);
  });

  it('dataSync on an async-only backend names the backend as registered', async () => {
    if (!listBackends().includes('async-ref')) {
      registerBackend('async-ref', () => ({ ...createReferenceBackend(), readSync: undefined }));
    }
    await setBackend('async-ref');
    const t = ones([2]);
    await useReference();
    expect(() => t.dataSync()).toThrow(/^dataSync: backend 'async-ref' can only read asynchronously/);
    t.dispose();
  });

  it('ops and layers given tensors of two backends fail before computing anything', async () => {
    await setBackend('ref-a');
    const x = ones([2, 3]), v = ones([3]), p = ones([2, 3]).mul(0.5), img = ones([3, 4, 4]);
    const fc = new nn.Linear(3, 2);
    await setBackend('ref-b');
    const y = ones([2, 3]), yT = ones([3, 2]), w = ones([2, 3, 3, 3]), labels = i32([0, 1]), q = ones([2, 3]).mul(0.5), stats = zeros([3]);
    await useReference();
    const calls: [string, () => unknown][] = [
      ['matmul', () => matmul(v, yT)],
      ['conv2d', () => conv2d(img, w)],
      ['crossEntropy', () => nn.crossEntropy(x, labels)],
      ['nllLoss', () => nn.nllLoss(x, labels)],
      ['binaryCrossEntropy', () => nn.binaryCrossEntropy(p, q)],
      ['mseLoss', () => nn.mseLoss(x, y)],
      ['batchNorm', () => batchNorm(x, { runningMean: stats, runningVar: stats, training: true })],
      ['Linear', () => fc.forward(y)],
    ];
    for (const [op, call] of calls) {
      const before = memory();
      let caught: unknown = null;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught, op).toBeInstanceOf(BackendError);
      expect((caught as BackendError).op).toBe(op);
      expect((caught as Error).message).toMatch(/'ref-(a|b)' and 'ref-(a|b)'/);
      expect(memory(), op).toEqual(before);
    }
    dispose([x, v, p, img, y, yT, w, labels, q, stats, fc.parameters()]);
  });
});
