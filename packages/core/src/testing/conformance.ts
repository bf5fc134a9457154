/**
 * The backend conformance kit: every primitive kernel and every op, forward and gradient,
 * checked against the naive reference backend, plus finite-difference gradient checks and a
 * leak check. Framework-neutral: it returns named async cases for any test runner.
 *
 * @module
 */
import type { Backend, Conv2dParams, DataArray, DataHandle, DType, FusedKernels, Pool2dParams, TensorInfo } from '../backend/backend.js';
import { getBackendName, listBackends, registerBackend, setBackend, type BackendFactory } from '../backend/registry.js';
import { noGrad } from '../autograd/graph.js';
import { memory, tidy } from '../memory.js';
import * as ops from '../ops/index.js';
import { tensor } from '../ops/creation.js';
import { Generator, manualSeed } from '../random.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { binaryCrossEntropy, crossEntropy, mseLoss, nllLoss } from '../nn/losses.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { ReLU } from '../nn/activations.js';
import { gradcheck } from './gradcheck.js';
import { createReferenceBackend } from './reference-backend.js';

/** One named check; `run` rejects with a descriptive error when the backend disagrees. */
export interface ConformanceCase {
  /** A name suitable as a test title. */
  readonly name: string;
  /** Runs the check. */
  run(): Promise<void>;
}

/** Tolerance of value comparisons: `|actual - expected| <= atol + rtol · |expected|`. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Settings of {@link conformanceCases}. */
export interface ConformanceOptions {
  /** Name under which the backend under test is (or gets) registered. */
  name: string;
  /** Its factory; registered under `name` unless a backend of that name already is. */
  factory: BackendFactory;
  /** Forward-value tolerance (default atol 1e-5, rtol 1e-4). */
  tolerance?: Tolerance;
  /** Gradient tolerance (default atol 1e-4, rtol 1e-3). */
  gradTolerance?: Tolerance;
  /** Run finite-difference gradchecks on the backend under test (default true). */
  gradcheck?: boolean;
}

const REFERENCE = 'conformance-reference';

/** How the kit fills one input. */
type InputSpec =
  | readonly number[]
  | { shape: readonly number[]; kind: 'positive' | 'large' | 'unit' | 'small' }
  | { shape: readonly number[]; kind: 'index'; high: number; low?: number }
  | { shape: readonly number[]; kind: 'bool' };

interface OpCase {
  name: string;
  inputs: readonly InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
  /** Differentiable in its float inputs (default true for float outputs). */
  grad?: boolean;
  /** Finite differences are meaningful here (default: same as grad). */
  fd?: boolean;
}

type Spec = { shape: readonly number[]; kind: string; high?: number; low?: number };

function spec(s: InputSpec): Spec {
  return Array.isArray(s) ? { shape: s as readonly number[], kind: 'normal' } : (s as Spec);
}

function makeValues(s: InputSpec, rng: Generator): { values: DataArray; shape: readonly number[]; dtype: DType } {
  const { shape, kind, high, low = 0 } = spec(s);
  const n = sizeOf(shape);
  if (kind === 'index') return { values: Int32Array.from({ length: n }, () => low + rng.randint(high! - low)), shape, dtype: 'int32' };
  if (kind === 'bool') return { values: Uint8Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0)), shape, dtype: 'bool' };
  const draw = {
    normal: () => rng.normal(),
    positive: () => 0.5 + 1.5 * rng.uniform(),
    large: () => 60 * rng.normal(),
    unit: () => 0.05 + 0.9 * rng.uniform(),
    small: () => rng.randint(5) - 2,
  }[kind as 'normal']!;
  return { values: Float32Array.from({ length: n }, draw), shape, dtype: 'float32' };
}

const idx = (shape: readonly number[], high: number): InputSpec => ({ shape, kind: 'index', high });
const pos = (...shape: number[]): InputSpec => ({ shape, kind: 'positive' });
const big = (...shape: number[]): InputSpec => ({ shape, kind: 'large' });
const unit = (...shape: number[]): InputSpec => ({ shape, kind: 'unit' });
const bool = (...shape: number[]): InputSpec => ({ shape, kind: 'bool' });
const small = (...shape: number[]): InputSpec => ({ shape, kind: 'small' });

/** Every op of core, with shapes chosen to hit broadcasting, size-1 and empty dims. */
const opCases: OpCase[] = [
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
  { name: 'where', inputs: [bool(3, 4), [3, 4], [4]], fn: (c, a, b) => ops.where(c!, a!, b!) },
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
  { name: 'bool sum', inputs: [bool(3, 4)], fn: (a) => ops.sum(a!, 1) },
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

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue;
    if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) {
      throw new Error(`${what}: element ${i} is ${a}, expected ${e} (atol ${tol.atol}, rtol ${tol.rtol})`);
    }
  }
}

/** Runs `fn` on `backend` with the inputs, returning output values and input gradients. */
async function evaluate(
  backend: string,
  c: OpCase,
  inputs: { values: DataArray; shape: readonly number[]; dtype: DType }[],
  upstream: Float32Array | null,
): Promise<{ shape: readonly number[]; dtype: DType; values: DataArray; grads: (DataArray | null)[] }> {
  await setBackend(backend);
  const xs = inputs.map((i) => tensor(i.values, { shape: i.shape, dtype: i.dtype, requiresGrad: upstream !== null && i.dtype === 'float32' }));
  const y = c.fn(...xs);
  const result = { shape: y.shape, dtype: y.dtype, values: await y.data(), grads: [] as (DataArray | null)[] };
  if (upstream && y.requiresGrad) {
    tidy(() => y.mul(tensor(upstream, { shape: y.shape })).sum().backward());
    for (const x of xs) result.grads.push(x.grad ? await x.grad.data() : x.requiresGrad ? new Float32Array(x.size) : null);
  }
  for (const x of xs) x.grad?.dispose();
  y.dispose();
  for (const x of xs) x.dispose();
  return result;
}

function prepare(options: ConformanceOptions): () => Promise<void> {
  return async () => {
    const names = listBackends();
    if (!names.includes(options.name)) registerBackend(options.name, options.factory);
    if (!names.includes(REFERENCE)) registerBackend(REFERENCE, createReferenceBackend, { priority: -100 });
  };
}

/** Kernel-level checks: the contract's primitives called directly, against the reference. */
interface KernelCase {
  name: string;
  inputs: readonly InputSpec[];
  call: (be: Backend, xs: TensorInfo[]) => DataHandle;
  out: (xs: TensorInfo[]) => { shape: readonly number[]; dtype: DType };
}

const same = (k = 0) => (xs: TensorInfo[]) => ({ shape: xs[k]!.shape, dtype: xs[k]!.dtype });
const kernelCases: KernelCase[] = [
  ...(['neg', 'abs', 'sign', 'exp', 'relu', 'sigmoid', 'tanh', 'erf', 'sin', 'cos'] as const).map((op) => ({
    name: `unary ${op}`,
    inputs: [[3, 7]] as InputSpec[],
    call: (be: Backend, [x]: TensorInfo[]) => be.unary(op, x!),
    out: same(),
  })),
  ...(['log', 'sqrt'] as const).map((op) => ({
    name: `unary ${op}`,
    inputs: [pos(9)],
    call: (be: Backend, [x]: TensorInfo[]) => be.unary(op, x!),
    out: same(),
  })),
  ...(['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const).map((op) => ({
    name: `binary ${op} broadcast`,
    inputs: [[2, 1, 3], [4, 1]] as InputSpec[],
    call: (be: Backend, [a, b]: TensorInfo[]) => be.binary(op, a!, b!, [2, 4, 3]),
    out: () => ({ shape: [2, 4, 3], dtype: 'float32' as DType }),
  })),
  {
    name: 'binary pow',
    inputs: [pos(5), [5]],
    call: (be, [a, b]) => be.binary('pow', a!, b!, [5]),
    out: same(),
  },
  {
    name: 'binary gt broadcast',
    inputs: [[3, 1], [4]],
    call: (be, [a, b]) => be.binary('gt', a!, b!, [3, 4]),
    out: () => ({ shape: [3, 4], dtype: 'bool' }),
  },
  {
    name: 'binary int32 div truncates',
    inputs: [idx([8], 100), { shape: [8], kind: 'index', low: 1, high: 9 }],
    call: (be, [a, b]) => be.binary('div', a!, b!, [8]),
    out: same(),
  },
  { name: 'where', inputs: [bool(2, 3), [3], [2, 1]], call: (be, [c, a, b]) => be.where(c!, a!, b!, [2, 3]), out: () => ({ shape: [2, 3], dtype: 'float32' }) },
  { name: 'cast float32→int32', inputs: [big(7)], call: (be, [x]) => be.cast(x!, 'int32'), out: (xs) => ({ shape: xs[0]!.shape, dtype: 'int32' }) },
  { name: 'cast float32→bool', inputs: [[5]], call: (be, [x]) => be.cast(x!, 'bool'), out: (xs) => ({ shape: xs[0]!.shape, dtype: 'bool' }) },
  { name: 'reduce sum axes [0,2]', inputs: [[3, 4, 5]], call: (be, [x]) => be.reduce('sum', x!, [0, 2]), out: () => ({ shape: [4], dtype: 'float32' }) },
  { name: 'reduce sum over empty axis', inputs: [[2, 0]], call: (be, [x]) => be.reduce('sum', x!, [1]), out: () => ({ shape: [2], dtype: 'float32' }) },
  { name: 'reduce max axis 1', inputs: [[3, 6, 2]], call: (be, [x]) => be.reduce('max', x!, [1]), out: () => ({ shape: [3, 2], dtype: 'float32' }) },
  { name: 'reduce sum int32', inputs: [idx([4, 3], 10)], call: (be, [x]) => be.reduce('sum', x!, [0, 1]), out: () => ({ shape: [], dtype: 'int32' }) },
  { name: 'argmax axis 0', inputs: [[5, 3]], call: (be, [x]) => be.argmax(x!, 0), out: () => ({ shape: [3], dtype: 'int32' }) },
  { name: 'matmul', inputs: [[1, 5, 7], [1, 7, 3]], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: () => ({ shape: [1, 5, 3], dtype: 'float32' }) },
  { name: 'matmul transA transB', inputs: [[2, 7, 5], [2, 3, 7]], call: (be, [a, b]) => be.matmul(a!, b!, true, true), out: () => ({ shape: [2, 5, 3], dtype: 'float32' }) },
  { name: 'matmul batch broadcast transB', inputs: [[3, 4, 6], [1, 2, 6]], call: (be, [a, b]) => be.matmul(a!, b!, false, true), out: () => ({ shape: [3, 4, 2], dtype: 'float32' }) },
  { name: 'matmul larger than a block', inputs: [[1, 67, 129], [1, 129, 70]], call: (be, [a, b]) => be.matmul(a!, b!, false, false), out: () => ({ shape: [1, 67, 70], dtype: 'float32' }) },
  { name: 'permute', inputs: [[2, 3, 4]], call: (be, [x]) => be.permute(x!, [2, 0, 1]), out: () => ({ shape: [4, 2, 3], dtype: 'float32' }) },
  { name: 'expand', inputs: [[1, 3, 1]], call: (be, [x]) => be.expand(x!, [2, 3, 4]), out: () => ({ shape: [2, 3, 4], dtype: 'float32' }) },
  { name: 'slice', inputs: [[4, 5, 3]], call: (be, [x]) => be.slice(x!, [1, 0, 2], [2, 5, 1]), out: () => ({ shape: [2, 5, 1], dtype: 'float32' }) },
  { name: 'pad', inputs: [[2, 3]], call: (be, [x]) => be.pad(x!, [[0, 2], [1, 1]], -1), out: () => ({ shape: [4, 5], dtype: 'float32' }) },
  { name: 'concat axis 1', inputs: [[2, 1, 3], [2, 4, 3], [2, 0, 3]], call: (be, xs) => be.concat(xs, 1), out: () => ({ shape: [2, 5, 3], dtype: 'float32' }) },
  { name: 'gather axis 1', inputs: [[3, 5], idx([3, 4], 5)], call: (be, [x, i]) => be.gather(x!, i!, 1), out: () => ({ shape: [3, 4], dtype: 'float32' }) },
  { name: 'scatterAdd axis 0', inputs: [idx([6, 2], 3), [6, 2]], call: (be, [i, s]) => be.scatterAdd(i!, s!, 0, [3, 2]), out: () => ({ shape: [3, 2], dtype: 'float32' }) },
];

/**
 * Checks of the optional fused conv / pool kernels, called directly (so a backend that offers a
 * forward kernel without its backprops is checked too): each against core's composite on the
 * reference backend, backprops against the composite's autograd gradient for the upstream `dy`.
 * A backend without the kernel passes trivially.
 */
interface FusedCase {
  name: string;
  kernel: keyof FusedKernels;
  /** `x` (NCHW), the weight (convs), then `dy` of the output's shape. */
  inputs: readonly InputSpec[];
  call: (f: FusedKernels, xs: TensorInfo[]) => DataHandle;
  /** The expected result on the reference backend, from ops and autograd. */
  expected: (xs: Tensor[]) => Tensor;
}

const convGeom: Conv2dParams = { stride: [2, 1], padding: [1, 1, 2, 2], dilation: [1, 2], groups: 2 };
const convOpts = { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };
// 'same' with a 2×3 kernel pads [0, 1, 1, 1]: the asymmetric case of the [top, bottom, left, right] layout.
const sameGeom: Conv2dParams = { stride: [1, 1], padding: [0, 1, 1, 1], dilation: [1, 1], groups: 1 };
const poolGeom: Pool2dParams = { kernelSize: [3, 2], stride: [2, 1], padding: [1, 1, 0, 0] };
const poolOpts = { kernelSize: [3, 2] as [number, number], stride: [2, 1] as [number, number], padding: [1, 0] as [number, number] };

/** The gradient `dy` pulls back to `leaf` through `f`. */
function pullback(leaf: Tensor, dy: Tensor, f: (t: Tensor) => Tensor): Tensor {
  const x = tensor(leaf.dataSync(), { shape: leaf.shape, requiresGrad: true });
  f(x).backward(dy);
  return x.grad!;
}

const fusedCases: FusedCase[] = [
  {
    name: 'conv2d stride [2,1], padding [1,1,2,2], dilation [1,2], groups 2',
    kernel: 'conv2d',
    inputs: [[2, 4, 6, 5], [6, 2, 3, 2]],
    call: (f, [x, w]) => f.conv2d!(x!, w!, convGeom),
    expected: ([x, w]) => ops.conv2d(x!, w!, null, convOpts),
  },
  {
    name: "conv2d 'same' 2×3 (padding [0,1,1,1])",
    kernel: 'conv2d',
    inputs: [[1, 3, 4, 5], [2, 3, 2, 3]],
    call: (f, [x, w]) => f.conv2d!(x!, w!, sameGeom),
    expected: ([x, w]) => ops.conv2d(x!, w!, null, { padding: 'same' }),
  },
  {
    name: 'conv2dBackpropInput',
    kernel: 'conv2dBackpropInput',
    inputs: [[2, 4, 6, 5], [6, 2, 3, 2], [2, 6, 3, 7]],
    call: (f, [x, w, dy]) => f.conv2dBackpropInput!(dy!, w!, x!.shape, convGeom),
    expected: ([x, w, dy]) => pullback(x!, dy!, (t) => ops.conv2d(t, w!, null, convOpts)),
  },
  {
    name: 'conv2dBackpropFilter',
    kernel: 'conv2dBackpropFilter',
    inputs: [[2, 4, 6, 5], [6, 2, 3, 2], [2, 6, 3, 7]],
    call: (f, [x, w, dy]) => f.conv2dBackpropFilter!(x!, dy!, w!.shape, convGeom),
    expected: ([x, w, dy]) => pullback(w!, dy!, (t) => ops.conv2d(x!, t, null, convOpts)),
  },
  {
    name: 'maxPool2d 3×2 stride [2,1] padding [1,1,0,0]',
    kernel: 'maxPool2d',
    inputs: [big(2, 3, 5, 4)],
    call: (f, [x]) => f.maxPool2d!(x!, poolGeom),
    expected: ([x]) => ops.maxPool2d(x!, poolOpts),
  },
  {
    name: 'maxPool2dBackprop',
    kernel: 'maxPool2dBackprop',
    inputs: [big(2, 3, 5, 4), [2, 3, 3, 3]],
    call: (f, [x, dy]) => f.maxPool2dBackprop!(dy!, x!, poolGeom),
    expected: ([x, dy]) => pullback(x!, dy!, (t) => ops.maxPool2d(t, poolOpts)),
  },
  ...[true, false].flatMap((include): FusedCase[] => [
    {
      name: `avgPool2d countIncludePad ${include}`,
      kernel: 'avgPool2d',
      inputs: [[2, 3, 5, 4]],
      call: (f, [x]) => f.avgPool2d!(x!, poolGeom, include),
      expected: ([x]) => ops.avgPool2d(x!, { ...poolOpts, countIncludePad: include }),
    },
    {
      name: `avgPool2dBackprop countIncludePad ${include}`,
      kernel: 'avgPool2dBackprop',
      inputs: [[2, 3, 5, 4], [2, 3, 3, 3]],
      call: (f, [x, dy]) => f.avgPool2dBackprop!(dy!, x!.shape, poolGeom, include),
      expected: ([x, dy]) => pullback(x!, dy!, (t) => ops.avgPool2d(t, { ...poolOpts, countIncludePad: include })),
    },
  ]),
];

/**
 * The conformance cases for a backend. Register the result with any test runner:
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { conformanceCases } from '@profundo/core/testing';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 *
 * describe('cpu conformance', () => {
 *   for (const c of conformanceCases({ name: 'cpu', factory: createCpuBackend })) it(c.name, () => c.run());
 * });
 * ```
 */
export function conformanceCases(options: ConformanceOptions): ConformanceCase[] {
  const tol = options.tolerance ?? { atol: 1e-5, rtol: 1e-4 };
  const gradTol = options.gradTolerance ?? { atol: 1e-4, rtol: 1e-3 };
  const ready = prepare(options);
  const cases: ConformanceCase[] = [];

  kernelCases.forEach((k, n) => {
    cases.push({
      name: `kernel: ${k.name}`,
      run: async () => {
        await ready();
        const rng = new Generator(1000 + n);
        const inputs = k.inputs.map((s) => makeValues(s, rng));
        const results: DataArray[] = [];
        for (const name of [options.name, REFERENCE]) {
          const be = await setBackend(name);
          const infos = inputs.map((i) => ({ handle: be.write(i.values.slice(), i.shape, i.dtype), shape: i.shape, dtype: i.dtype }));
          const { shape, dtype } = k.out(infos);
          const out = k.call(be, infos);
          const values = await be.read({ handle: out, shape, dtype });
          const expectedCtor = dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array;
          if (!(values instanceof expectedCtor)) throw new Error(`${k.name}: read returned ${values.constructor.name} for ${dtype}`);
          results.push(values);
          be.dispose(out);
          for (const i of infos) be.dispose(i.handle);
        }
        close(results[0]!, results[1]!, tol, `${options.name} kernel ${k.name}`);
      },
    });
  });

  fusedCases.forEach((k, n) => {
    cases.push({
      name: `fused: ${k.name}`,
      run: async () => {
        await ready();
        const be = await setBackend(options.name);
        if (!be.fused?.[k.kernel]) return; // optional: nothing to check
        const rng = new Generator(2000 + n);
        const inputs = k.inputs.map((s) => makeValues(s, rng));
        await setBackend(REFERENCE);
        const expected = tidy(() => {
          const e = k.expected(inputs.map((i) => tensor(i.values, { shape: i.shape })));
          return { shape: e.shape, values: e.dataSync() };
        });
        const infos = inputs.map((i) => ({ handle: be.write(i.values.slice(), i.shape, i.dtype), shape: i.shape, dtype: i.dtype }));
        const out = k.call(be.fused, infos);
        const values = await be.read({ handle: out, shape: expected.shape, dtype: 'float32' });
        be.dispose(out);
        for (const i of infos) be.dispose(i.handle);
        close(values, expected.values, k.kernel.includes('Backprop') ? gradTol : tol, `${options.name} fused ${k.name}`);
      },
    });
  });

  opCases.forEach((c, n) => {
    cases.push({
      name: `op: ${c.name}`,
      run: async () => {
        await ready();
        const rng = new Generator(n);
        const inputs = c.inputs.map((s) => makeValues(s, rng));
        const probe = await evaluate(REFERENCE, c, inputs, null);
        const wantGrad = (c.grad ?? probe.dtype === 'float32') && inputs.some((i) => i.dtype === 'float32');
        const upstream = wantGrad ? Float32Array.from({ length: sizeOf(probe.shape) }, () => rng.uniform() * 2 - 1) : null;
        const expected = await evaluate(REFERENCE, c, inputs, upstream);
        const actual = await evaluate(options.name, c, inputs, upstream);
        if (actual.shape.join() !== expected.shape.join() || actual.dtype !== expected.dtype) {
          throw new Error(`${c.name}: got ${actual.dtype} [${actual.shape}], expected ${expected.dtype} [${expected.shape}]`);
        }
        close(actual.values, expected.values, tol, `${options.name} ${c.name} forward`);
        expected.grads.forEach((g, i) => {
          if (g) close(actual.grads[i]!, g, gradTol, `${options.name} ${c.name} gradient of input ${i}`);
        });
        if (wantGrad && (c.fd ?? true) && options.gradcheck !== false) {
          await setBackend(options.name);
          const xs = inputs.map((i) => tensor(i.values, { shape: i.shape, dtype: i.dtype }));
          try {
            await gradcheck(c.fn, xs);
          } finally {
            for (const x of xs) x.dispose();
          }
        }
      },
    });
  });

  cases.push({
    name: 'memory: 100 training steps inside tidy leave live tensors and bytes unchanged',
    run: async () => {
      await ready();
      const key = (await setBackend(options.name)).name;
      manualSeed(3);
      const model = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 3));
      const x = ops.randn([5, 6]);
      const y = tensor([0, 2, 1, 1, 0], { dtype: 'int32' });
      const step = (): Tensor =>
        tidy(() => {
          model.zeroGrad();
          const loss = crossEntropy(model.forward(x), y);
          loss.backward();
          noGrad(() => {
            for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(0.1)));
          });
          return loss.detach();
        });
      step().dispose();
      const before = memory().backends[key]!;
      let first = 0;
      let last = 0;
      for (let i = 0; i < 100; i++) {
        const loss = step();
        const l = (await loss.data())[0]!;
        loss.dispose();
        if (i === 0) first = l;
        last = l;
      }
      const after = memory().backends[key]!;
      if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
        throw new Error(`leak: ${before.tensors} tensors / ${before.bytes} bytes before, ${after.tensors} / ${after.bytes} after`);
      }
      if (!(last < first)) throw new Error(`training did not reduce the loss (${first} → ${last})`);
      model.zeroGrad();
      for (const p of model.parameters()) p.dispose();
      x.dispose();
      y.dispose();
    },
  });

  cases.push({
    name: 'memory: dispose frees storage, views share it',
    run: async () => {
      await ready();
      const key = (await setBackend(options.name)).name;
      const start = memory().backends[key] ?? { tensors: 0, bytes: 0 };
      const a = ops.ones([4, 4]);
      const v = a.reshape(16);
      const mid = memory().backends[key]!;
      if (mid.tensors !== start.tensors + 2 || mid.bytes !== start.bytes + 64) {
        throw new Error(`expected 2 more tensors and 64 more bytes, got ${mid.tensors - start.tensors} and ${mid.bytes - start.bytes}`);
      }
      a.dispose();
      if ((await v.data())[15] !== 1) throw new Error('a view lost its values when its base was disposed');
      v.dispose();
      const end = memory().backends[key]!;
      if (end.tensors !== start.tensors || end.bytes !== start.bytes) throw new Error('dispose did not free everything');
    },
  });

  // Leave the backend under test current once a case finishes, whatever it set.
  return cases.map((c) => ({
    name: c.name,
    run: async () => {
      const prev = getBackendName();
      try {
        await c.run();
      } finally {
        await setBackend(prev && prev !== REFERENCE ? prev : options.name);
      }
    },
  }));
}
