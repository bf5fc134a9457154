/**
 * Op cases: every op of core, forward and gradient, on the backend under test against the
 * reference backend, then finite-difference gradient checks on the backend under test; and a
 * few literal checks of what the kernels' rules mean for ops (tie routing of gradients).
 *
 * @internal
 * @module
 */
import { setBackend } from '../../backend/registry.js';
import type { DataArray, DType } from '../../backend/backend.js';
import { tidy } from '../../memory.js';
import * as ops from '../../ops/index.js';
import { tensor } from '../../ops/creation.js';
import type { Tensor } from '../../tensor.js';
import { binaryCrossEntropy, crossEntropy, mseLoss, nllLoss } from '../../nn/losses.js';
import { gradcheck } from '../gradcheck.js';
import { sizeOf } from '../../shape.js';
import {
  big,
  bools,
  ConformanceError,
  expectClose,
  expectValues,
  idx,
  normal,
  pos,
  randomInput,
  rngFor,
  small,
  unit,
  type Input,
  type KitCase,
  type RandomInput,
} from './harness.js';

interface OpSpec {
  name: string;
  /** A plain shape means normal float32 values. */
  inputs: readonly (readonly number[] | RandomInput)[];
  fn: (...xs: Tensor[]) => Tensor;
  /** Differentiable in its float inputs (default true for float outputs). */
  grad?: boolean;
  /** Finite differences are meaningful here (default: same as grad). */
  fd?: boolean;
}

const asRandom = (s: readonly number[] | RandomInput): RandomInput => (Array.isArray(s) ? normal(...(s as number[])) : (s as RandomInput));

/** Every op of core, with shapes chosen to hit broadcasting, size-1 and empty dims. */
const opSpecs: OpSpec[] = [
  { name: 'add', inputs: [[2, 3], [2, 3]], fn: (a, b) => ops.add(a!, b!) },
  { name: 'add broadcast [3,1,4]+[5,4]', inputs: [[3, 1, 4], [5, 4]], fn: (a, b) => ops.add(a!, b!) },
  { name: 'add scalar tensor', inputs: [[], [2, 3]], fn: (a, b) => ops.add(a!, b!) },
  { name: 'add number', inputs: [[4]], fn: (a) => ops.add(a!, 2.5) },
  { name: 'add empty dim', inputs: [[0, 3], [1, 3]], fn: (a, b) => ops.add(a!, b!) },
  { name: 'sub broadcast', inputs: [[2, 3], [3]], fn: (a, b) => ops.sub(a!, b!) },
  { name: 'mul broadcast', inputs: [[4, 1], [1, 5]], fn: (a, b) => ops.mul(a!, b!) },
  { name: 'div broadcast', inputs: [[2, 3], pos(2, 1)], fn: (a, b) => ops.div(a!, b!) },
  { name: 'pow', inputs: [pos(2, 3), [2, 3]], fn: (a, b) => ops.pow(a!, b!) },
  { name: 'pow number exponent', inputs: [[3, 2]], fn: (a) => ops.pow(a!, 2) },
  { name: 'maximum broadcast', inputs: [[3, 4], [4]], fn: (a, b) => ops.maximum(a!, b!) },
  { name: 'minimum broadcast', inputs: [[3, 4], [3, 1]], fn: (a, b) => ops.minimum(a!, b!) },
  { name: 'neg', inputs: [[5]], fn: (a) => ops.neg(a!) },
  { name: 'exp', inputs: [[2, 3]], fn: (a) => ops.exp(a!) },
  { name: 'log', inputs: [pos(2, 3)], fn: (a) => ops.log(a!) },
  { name: 'sqrt', inputs: [pos(6)], fn: (a) => ops.sqrt(a!) },
  { name: 'abs', inputs: [[6]], fn: (a) => ops.abs(a!) },
  { name: 'clamp', inputs: [[8]], fn: (a) => ops.clamp(a!, -0.5, 0.7) },
  { name: 'relu', inputs: [[2, 5]], fn: (a) => ops.relu(a!) },
  { name: 'sigmoid', inputs: [[7]], fn: (a) => ops.sigmoid(a!) },
  { name: 'sigmoid large magnitude', inputs: [big(6)], fn: (a) => ops.sigmoid(a!), fd: false },
  { name: 'tanh', inputs: [[7]], fn: (a) => ops.tanh(a!) },
  { name: 'erf', inputs: [[7]], fn: (a) => ops.erf(a!) },
  { name: 'sin', inputs: [[5]], fn: (a) => ops.sin(a!) },
  { name: 'cos', inputs: [[5]], fn: (a) => ops.cos(a!) },
  { name: 'gelu', inputs: [[2, 4]], fn: (a) => ops.gelu(a!) },
  { name: 'square', inputs: [[3]], fn: (a) => ops.square(a!) },
  { name: 'matmul 2-D', inputs: [[3, 5], [5, 4]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'matmul batched', inputs: [[2, 3, 4], [2, 4, 2]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'matmul batch broadcast', inputs: [[2, 1, 2, 3], [3, 3, 2]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'matmul vector-matrix', inputs: [[3], [3, 2]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'matmul dot', inputs: [[4], [4]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'matmul empty inner', inputs: [[2, 0], [0, 3]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'sum all', inputs: [[3, 4]], fn: (a) => ops.sum(a!) },
  { name: 'sum dim keepdim', inputs: [[3, 4, 2]], fn: (a) => ops.sum(a!, 1, true) },
  { name: 'sum dims', inputs: [[3, 4, 2]], fn: (a) => ops.sum(a!, [0, 2]) },
  { name: 'sum empty', inputs: [[0, 3]], fn: (a) => ops.sum(a!, 0) },
  { name: 'mean dim', inputs: [[3, 4]], fn: (a) => ops.mean(a!, -1) },
  { name: 'max dim', inputs: [[3, 5]], fn: (a) => ops.max(a!, 1) },
  { name: 'max all keepdim', inputs: [[2, 3]], fn: (a) => ops.max(a!, undefined, true) },
  { name: 'min dim', inputs: [[4, 3]], fn: (a) => ops.min(a!, 0) },
  { name: 'argmax dim', inputs: [[4, 6]], fn: (a) => ops.argmax(a!, 1) },
  { name: 'argmax flat', inputs: [[3, 3]], fn: (a) => ops.argmax(a!) },
  { name: 'reshape', inputs: [[2, 6]], fn: (a) => ops.reshape(a!, [3, -1]).mul(ops.arange(4)) },
  { name: 'permute rank 4', inputs: [[2, 3, 1, 4]], fn: (a) => ops.permute(a!, [3, 1, 0, 2]) },
  { name: 'transpose', inputs: [[3, 5]], fn: (a) => ops.transpose(a!) },
  { name: 'squeeze / unsqueeze', inputs: [[3, 1, 2]], fn: (a) => ops.unsqueeze(ops.squeeze(a!), 0).mul(ops.arange(2)) },
  { name: 'expand', inputs: [[3, 1]], fn: (a) => ops.expand(a!, [2, 3, 4]) },
  { name: 'slice', inputs: [[4, 5]], fn: (a) => ops.slice(a!, [1, 2], [2, -1]) },
  { name: 'narrow', inputs: [[3, 6]], fn: (a) => ops.narrow(a!, 1, 2, 3) },
  { name: 'pad', inputs: [[2, 3]], fn: (a) => ops.pad(a!, [[1, 0], [2, 1]], 0.5) },
  { name: 'cat', inputs: [[2, 3], [1, 3], [0, 3]], fn: (a, b, c) => ops.cat([a!, b!, c!], 0) },
  { name: 'cat dim 1', inputs: [[2, 1], [2, 3]], fn: (a, b) => ops.cat([a!, b!], 1) },
  { name: 'stack', inputs: [[2, 3], [2, 3]], fn: (a, b) => ops.stack([a!, b!], 1) },
  { name: 'gather dim 1', inputs: [[3, 4], idx([3, 2], 4)], fn: (a, i) => ops.gather(a!, 1, i!) },
  { name: 'gather dim 0 repeats', inputs: [[3, 4], idx([5, 4], 3)], fn: (a, i) => ops.gather(a!, 0, i!) },
  { name: 'indexSelect', inputs: [[4, 3], idx([5], 4)], fn: (a, i) => ops.indexSelect(a!, 0, i!) },
  { name: 'where', inputs: [bools(3, 4), [3, 4], [4]], fn: (c, a, b) => ops.where(c!, a!, b!) },
  { name: 'eq / ne / lt / le / gt / ge', inputs: [small(3, 4), small(4)], fn: (a, b) => compareAll(a!, b!) },
  { name: 'softmax', inputs: [[3, 5]], fn: (a) => ops.softmax(a!) },
  { name: 'softmax dim 0', inputs: [[4, 3]], fn: (a) => ops.softmax(a!, 0) },
  { name: 'softmax large logits', inputs: [big(2, 5)], fn: (a) => ops.softmax(a!), fd: false },
  { name: 'logSoftmax', inputs: [[3, 5]], fn: (a) => ops.logSoftmax(a!) },
  { name: 'logSoftmax large logits', inputs: [big(2, 5)], fn: (a) => ops.logSoftmax(a!), fd: false },
  { name: 'cast float→int32', inputs: [big(6)], fn: (a) => ops.cast(a!, 'int32') },
  { name: 'cast int32→float', inputs: [idx([5], 9)], fn: (a) => ops.cast(a!, 'float32') },
  { name: 'crossEntropy', inputs: [[4, 5], idx([4], 5)], fn: (x, t) => crossEntropy(x!, t!) },
  { name: 'int32 arithmetic', inputs: [idx([6], 50), idx([6], 9)], fn: (a, b) => ops.div(ops.add(a!, b!), ops.add(b!, 1)) },
  { name: 'bool sum', inputs: [bools(3, 4)], fn: (a) => ops.sum(a!, 1) },
  { name: 'binaryCrossEntropy', inputs: [unit(6), unit(6)], fn: (p, t) => binaryCrossEntropy(p!, t!) },
  { name: 'nllLoss sum', inputs: [[3, 4], idx([3], 4)], fn: (x, t) => nllLoss(x!, t!, { reduction: 'sum' }) },
  { name: 'mseLoss', inputs: [[2, 3], [2, 3]], fn: (a, b) => mseLoss(a!, b!) },
  { name: 'conv2d padding 1 with bias', inputs: [[2, 3, 5, 5], [4, 3, 3, 3], [4]], fn: (x, w, b) => ops.conv2d(x!, w!, b!, { padding: 1 }) },
  {
    name: 'conv2d stride 2, dilation [2,1], padding [1,0], groups 2',
    inputs: [[2, 4, 7, 6], [4, 2, 2, 3]],
    fn: (x, w) => ops.conv2d(x!, w!, null, { stride: 2, dilation: [2, 1], padding: [1, 0], groups: 2 }),
  },
  { name: "conv2d 'same' even kernel", inputs: [[1, 2, 5, 4], [3, 2, 2, 2]], fn: (x, w) => ops.conv2d(x!, w!, null, { padding: 'same' }) },
  { name: 'conv2d 1×1 groups 2', inputs: [[2, 4, 3, 3], [2, 2, 1, 1]], fn: (x, w) => ops.conv2d(x!, w!, null, { groups: 2 }) },
  { name: 'maxPool2d 3×3 stride 2 padding 1', inputs: [big(2, 2, 5, 6)], fn: (x) => ops.maxPool2d(x!, { kernelSize: 3, stride: 2, padding: 1 }) },
  { name: 'maxPool2d 2×2', inputs: [big(1, 3, 4, 5)], fn: (x) => ops.maxPool2d(x!, 2) },
  { name: 'avgPool2d 2×2', inputs: [[1, 3, 4, 5]], fn: (x) => ops.avgPool2d(x!, 2) },
  {
    name: 'avgPool2d 3×3 stride 2 padding 1 excluding padding',
    inputs: [[2, 2, 5, 5]],
    fn: (x) => ops.avgPool2d(x!, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }),
  },
  { name: 'adaptiveAvgPool2d 7×5 → 3×2', inputs: [[2, 2, 7, 5]], fn: (x) => ops.adaptiveAvgPool2d(x!, [3, 2]) },
  {
    name: 'batchNorm training with affine',
    inputs: [[3, 2, 3, 3], pos(2), [2]],
    fn: (x, w, b) => ops.batchNorm(x!, { weight: w, bias: b, training: true }),
  },
];

function compareAll(a: Tensor, b: Tensor): Tensor {
  // Pack six comparisons into one int32 tensor so a single case covers them all.
  const parts = [ops.eq, ops.ne, ops.lt, ops.le, ops.gt, ops.ge].map((f) => ops.cast(f(a, b), 'int32'));
  return ops.stack(parts);
}


interface Evaluated {
  shape: readonly number[];
  dtype: DType;
  values: DataArray;
  grads: (DataArray | null)[];
}

/** Runs `fn` on `backend` with the inputs, returning output values and input gradients. */
async function evaluate(backend: string, c: OpSpec, inputs: readonly Input[], upstream: Float32Array | null): Promise<Evaluated> {
  await setBackend(backend);
  const xs = inputs.map((i) => tensor(i.values, { shape: i.shape, dtype: i.dtype, requiresGrad: upstream !== null && i.dtype === 'float32' }));
  try {
    const y = c.fn(...xs);
    const result: Evaluated = { shape: y.shape, dtype: y.dtype, values: await y.data(), grads: [] };
    if (upstream && y.requiresGrad) {
      tidy(() => y.mul(tensor(upstream, { shape: y.shape })).sum().backward());
      for (const x of xs) result.grads.push(x.grad ? await x.grad.data() : x.requiresGrad ? new Float32Array(x.size) : null);
    }
    y.dispose();
    return result;
  } finally {
    for (const x of xs) {
      x.grad?.dispose();
      x.dispose();
    }
  }
}

const randomCases: KitCase[] = opSpecs.map((c) => {
  const name = `op: ${c.name}`;
  return {
    name,
    async run(ctx) {
      const rng = rngFor(name);
      const inputs = c.inputs.map((s) => randomInput(asRandom(s), rng));
      const probe = await evaluate(ctx.referenceName, c, inputs, null);
      const wantGrad = (c.grad ?? probe.dtype === 'float32') && inputs.some((i) => i.dtype === 'float32');
      const upstream = wantGrad ? Float32Array.from({ length: sizeOf(probe.shape) }, () => rng.uniform() * 2 - 1) : null;
      const expected = await evaluate(ctx.referenceName, c, inputs, upstream);
      const actual = await evaluate(ctx.name, c, inputs, upstream);
      if (actual.shape.join() !== expected.shape.join() || actual.dtype !== expected.dtype) {
        throw new ConformanceError(ctx.name, `op ${c.name}`, 'matches the reference backend', `got ${actual.dtype} [${actual.shape}], expected ${expected.dtype} [${expected.shape}]`);
      }
      expectClose(ctx, `op ${c.name}`, actual.values, expected.values, actual.dtype, ctx.tol, 'forward matches the reference backend');
      expected.grads.forEach((g, i) => {
        if (g) expectClose(ctx, `op ${c.name}`, actual.grads[i]!, g, 'float32', ctx.gradTol, `gradient of input ${i} matches the reference backend`);
      });
      if (wantGrad && (c.fd ?? true) && ctx.gradcheck) {
        await setBackend(ctx.name);
        const xs = inputs.map((i) => tensor(i.values, { shape: i.shape, dtype: i.dtype }));
        try {
          await gradcheck(c.fn, xs);
        } finally {
          for (const x of xs) x.dispose();
        }
      }
    },
  };
});

interface LiteralOp {
  name: string;
  rule: string;
  x: { values: readonly number[]; shape: readonly number[] };
  fn: (x: Tensor) => Tensor;
  /** The forward result and the gradient of `sum(fn(x) · dy)` for `dy` of ones. */
  value: readonly number[];
  grad: readonly number[];
}

const literalOps: LiteralOp[] = [
  {
    name: 'max',
    rule: "the gradient of max is split evenly among the elements equal to the maximum (PyTorch's amax)",
    x: { values: [3, 1, 3, 2, 5, 5], shape: [2, 3] },
    fn: (x) => ops.max(x, 1),
    value: [3, 5],
    grad: [0.5, 0, 0.5, 0, 0.5, 0.5],
  },
  {
    name: 'maximum',
    rule: "maximum gives each of two equal operands half the gradient (PyTorch's rule)",
    x: { values: [1, 2, 3, 4], shape: [4] },
    fn: (x) => ops.maximum(x, 2),
    value: [2, 2, 3, 4],
    grad: [0, 0.5, 1, 1],
  },
  {
    name: 'maxPool2d',
    rule: "the gradient goes to each window's FIRST maximum (fused kernel or argmax composite)",
    x: { values: [5, 5, 1, 2, 5, 1, 2, 2], shape: [1, 1, 2, 4] },
    fn: (x) => ops.maxPool2d(x, 2),
    value: [5, 2],
    grad: [1, 0, 0, 1, 0, 0, 0, 0],
  },
  {
    name: 'maxPool2d',
    rule: 'a window holding a NaN gives NaN, and its first NaN gets the gradient',
    x: { values: [1, NaN, 9, 1, NaN, 2, 1, 3], shape: [1, 1, 2, 4] },
    fn: (x) => ops.maxPool2d(x, 2),
    value: [NaN, 9],
    grad: [0, 1, 1, 0, 0, 0, 0, 0],
  },
  {
    name: 'argmax',
    rule: 'argmax of the flattened tensor is the first maximum',
    x: { values: [1, 7, 3, 7, 7, 0], shape: [2, 3] },
    fn: (x) => ops.argmax(x),
    value: [1],
    grad: [],
  },
];

const literalCases: KitCase[] = literalOps.map((c) => ({
  name: `op: ${c.name}: ${c.rule}`,
  async run(ctx) {
    await setBackend(ctx.name);
    const x = tensor(Float32Array.from(c.x.values), { shape: c.x.shape, requiresGrad: c.grad.length > 0 });
    try {
      const y = c.fn(x);
      const values = await y.data();
      expectValues(ctx, `op ${c.name}`, values, { values: c.value, rule: c.rule }, y.dtype, ctx.tol);
      if (c.grad.length > 0) {
        tidy(() => y.sum().backward());
        expectValues(ctx, `op ${c.name}`, await x.grad!.data(), { values: c.grad, rule: c.rule, at: (i) => `gradient element ${i}` }, 'float32', ctx.gradTol);
      }
      y.dispose();
    } finally {
      x.grad?.dispose();
      x.dispose();
    }
  },
}));

/** The op cases. */
export const opCases: KitCase[] = [...randomCases, ...literalCases];
