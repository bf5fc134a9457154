/**
 * Weight initializers (Glorot/Xavier, He/Kaiming, uniform, normal). Each fills a tensor in
 * place from the seeded generator and returns it.
 *
 * @module
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/graph.js';
import { checkValue, full, rand, randn } from '../ops/creation.js';
import { expectDType } from '../ops/run.js';
import type { Tensor } from '../tensor.js';

/**
 * Fan-in and fan-out as PyTorch computes them: `[out, in, ...receptive field]`.
 *
 * @example
 * ```ts
 * nn.init.fans(zeros([16, 3, 5, 5])); // { fanIn: 75, fanOut: 400 }
 * ```
 */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  return fansFor('fans', t);
}

/** {@link fans}, with errors naming `op` (the initializer the user called). */
function fansFor(op: string, t: Tensor): { fanIn: number; fanOut: number } {
  if (t.rank < 2) throw new ShapeError(op, `needs a tensor of rank >= 2, got [${t.shape}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** Nonlinearities with a recommended gain. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`).
 *
 * @example
 * ```ts
 * nn.init.calculateGain('relu'); // 1.4142
 * nn.init.calculateGain('tanh'); // 1.6667
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  return gainFor('calculateGain', nonlinearity, negativeSlope);
}

/** {@link calculateGain}, with errors naming `op` (the initializer the user called). */
function gainFor(op: string, nonlinearity: Nonlinearity, negativeSlope: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
    default:
      throw new ValueError(op, `unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** Assigns `make()` to `t` (checked first: errors name `op`, and nothing is left behind). */
function fill(op: string, t: Tensor, make: () => Tensor, dtypes: Tensor['dtype'][] = ['float32']): Tensor {
  expectDType(op, t, dtypes, 'tensor');
  noGrad(() => {
    const v = make();
    try {
      t.assign(v);
    } finally {
      v.dispose();
    }
  });
  return t;
}

/**
 * Fills `t` with samples from U(low, high).
 *
 * @example
 * ```ts
 * const w = nn.init.uniform(zeros([2, 3]), -0.1, 0.1);
 * w.abs().max().item() <= 0.1; // true
 * ```
 */
export function uniform(t: Tensor, low = 0, high = 1): Tensor {
  return uniformAs('uniform', t, low, high);
}

function uniformAs(op: string, t: Tensor, low: number, high: number): Tensor {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new ValueError(op, `needs finite bounds with low <= high, got low ${low} and high ${high}`);
  }
  return fill(op, t, () => rand(t.shape, { low, high }));
}

/**
 * Fills `t` with samples from N(mean, std²).
 *
 * @example
 * ```ts
 * const embedding = new nn.Linear(512, 512);
 * nn.init.normal(embedding.weight, 0, 0.02);
 * ```
 */
export function normal(t: Tensor, mean = 0, std = 1): Tensor {
  return normalAs('normal', t, mean, std);
}

function normalAs(op: string, t: Tensor, mean: number, std: number): Tensor {
  if (!Number.isFinite(mean)) throw new ValueError(op, `mean must be finite, got ${mean}`);
  if (!(Number.isFinite(std) && std >= 0)) throw new ValueError(op, `std must be finite and >= 0, got ${std}`);
  return fill(op, t, () => randn(t.shape, { mean, std }));
}

/**
 * Fills `t` (float32, int32 or bool) with `value`.
 *
 * @example
 * ```ts
 * const fc = new nn.Linear(3, 2);
 * nn.init.constant(fc.bias!, 0); // [0, 0]
 * ```
 */
export function constant(t: Tensor, value: number): Tensor {
  t.info('constant');
  if (t.dtype !== 'float32' && !Number.isInteger(value)) {
    throw new DTypeError('constant', `value ${value} is not representable in a ${t.dtype} tensor`);
  }
  checkValue('constant', value, t.dtype); // int32 range, bool 0/1
  return fill('constant', t, () => full(t.shape, value, { dtype: t.dtype }), ['float32', 'int32', 'bool']);
}

/**
 * Glorot/Xavier uniform: U(-a, a) with `a = gain · √(6 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * const linear = new nn.Linear(784, 10);
 * nn.init.xavierUniform(linear.weight); // U(-0.0867, 0.0867): √(6 / 794)
 * ```
 */
export function xavierUniform(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fansFor('xavierUniform', t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniformAs('xavierUniform', t, -a, a);
}

/**
 * Glorot/Xavier normal: N(0, std²) with `std = gain · √(2 / (fanIn + fanOut))`.
 *
 * @example
 * ```ts
 * const hidden = new nn.Linear(256, 256); // followed by tanh
 * nn.init.xavierNormal(hidden.weight, nn.init.calculateGain('tanh'));
 * ```
 */
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fansFor('xavierNormal', t);
  return normalAs('xavierNormal', t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the Kaiming initializers. */
export interface KaimingOptions {
  /** Negative slope of a leaky ReLU (PyTorch's `a`); 0 by default. */
  a?: number;
  /** Preserve the variance of the forward (`fanIn`, default) or backward (`fanOut`) pass. */
  mode?: 'fanIn' | 'fanOut';
  /** The nonlinearity that follows; `leaky_relu` by default, as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, o: KaimingOptions): number {
  const f = fansFor(op, t);
  const mode = o.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ValueError(op, `mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  const fan = mode === 'fanIn' ? f.fanIn : f.fanOut;
  return gainFor(op, o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform: U(-b, b) with `b = gain · √(3 / fan)`.
 *
 * @example
 * ```ts
 * const fc = new nn.Linear(128, 64); // followed by ReLU
 * nn.init.kaimingUniform(fc.weight, { nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const b = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return uniformAs('kaimingUniform', t, -b, b);
}

/**
 * He/Kaiming normal: N(0, std²) with `std = gain / √fan`.
 *
 * @example
 * ```ts
 * const kernel = zeros([64, 3, 3, 3]); // a convolution's [out, in, kh, kw] weight
 * nn.init.kaimingNormal(kernel, { mode: 'fanOut', nonlinearity: 'relu' }); // std √2 / √576
 * ```
 */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normalAs('kaimingNormal', t, 0, kaimingStd('kaimingNormal', t, options));
}
