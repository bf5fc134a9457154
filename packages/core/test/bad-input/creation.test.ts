/**
 * Bad input to tensor creation, random draws, the backend registry and the modes: values out of
 * a dtype's range, ragged arrays, bad shapes and sizes, unknown dtypes, NaN / Infinity
 * arguments, disposed templates, unknown or duplicate backends.
 */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { BackendError, DTypeError, DisposedError, GradError, ShapeError, ValueError } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { runCases, type BadInputCase } from './runner.js';
import { disposed, f32, i32, useBackends } from './fixtures.js';

beforeAll(useBackends);

const none = (): [] => [];

const creation: BadInputCase[] = [
  { name: 'tensor: a ragged nested array', make: none, call: () => pf.tensor([[1, 2], [3]]), error: ShapeError, op: 'tensor', mentions: ['ragged', '2 entries'] },
  { name: 'tensor: a string inside', make: none, call: () => pf.tensor([1, 'a' as never]), error: ShapeError, op: 'tensor', mentions: ['ragged'] },
  { name: 'tensor: an int32 value past 2^31 - 1', make: none, call: () => pf.tensor([1, 1e10], { dtype: 'int32' }), error: ValueError, op: 'tensor', mentions: ['10000000000', 'flat index 1'] },
  { name: 'tensor: a fractional int32 value', make: none, call: () => pf.tensor([1.5], { dtype: 'int32' }), error: DTypeError, op: 'tensor', mentions: ['1.5'] },
  { name: 'tensor: NaN as int32', make: none, call: () => pf.tensor([0, NaN], { dtype: 'int32' }), error: DTypeError, op: 'tensor', mentions: ['NaN'] },
  { name: 'tensor: Infinity as int32', make: none, call: () => pf.tensor([[Infinity]], { dtype: 'int32' }), error: DTypeError, op: 'tensor', mentions: ['Infinity'] },
  { name: 'tensor: 2 as bool', make: none, call: () => pf.tensor([1, 2], { dtype: 'bool' }), error: DTypeError, op: 'tensor', mentions: ['value 2'] },
  { name: 'tensor: a Uint8Array holding 2', make: none, call: () => pf.tensor(Uint8Array.of(0, 2)), error: DTypeError, op: 'tensor', mentions: ['got 2'] },
  { name: 'tensor: a Float64Array', make: none, call: () => pf.tensor(new Float64Array(2) as never), error: DTypeError, op: 'tensor', mentions: ['Float64Array'] },
  { name: 'tensor: a Float32Array asked to be int32', make: none, call: () => pf.tensor(new Float32Array(2), { dtype: 'int32' }), error: DTypeError, op: 'tensor', mentions: ['Float32Array', 'int32'] },
  { name: 'tensor: a shape that needs other counts', make: none, call: () => pf.tensor([1, 2, 3], { shape: [2, 2] }), error: ShapeError, op: 'tensor', mentions: ['[2,2]', 'got 3'] },
  { name: 'tensor: a typed array with a negative shape', make: none, call: () => pf.tensor(new Float32Array(3), { shape: [-1, -3] }), error: ValueError, op: 'tensor', mentions: ['[-1,-3]'] },
  { name: 'tensor: requiresGrad on int32', make: none, call: () => pf.tensor([1, 2], { dtype: 'int32', requiresGrad: true }), error: DTypeError, op: 'tensor', mentions: ['int32'] },
  { name: 'tensor: an unknown dtype', make: none, call: () => pf.tensor([1], { dtype: 'float64' as never }), error: DTypeError, op: 'tensor', mentions: ["'float64'"] },
  { name: 'zeros: more elements than a tensor can hold', make: none, call: () => pf.zeros([2 ** 20, 2 ** 20]), error: ValueError, op: 'zeros', mentions: ['1099511627776'] },
  { name: 'zeros: a negative dim', make: none, call: () => pf.zeros([-1]), error: ValueError, op: 'zeros', mentions: ['[-1]'] },
  { name: 'zeros: a fractional dim', make: none, call: () => pf.zeros([2, 1.5]), error: ValueError, op: 'zeros', mentions: ['[2,1.5]'] },
  { name: 'zeros: a NaN dim', make: none, call: () => pf.zeros([NaN]), error: ValueError, op: 'zeros', mentions: ['NaN'] },
  { name: 'ones: an unknown dtype', make: none, call: () => pf.ones([2], { dtype: 'float16' as never }), error: DTypeError, op: 'ones', mentions: ["'float16'"] },
  { name: 'ones: requiresGrad on bool', make: none, call: () => pf.ones([2], { dtype: 'bool', requiresGrad: true }), error: DTypeError, op: 'ones', mentions: ['bool'] },
  { name: 'full: a fractional int32 value', make: none, call: () => pf.full([2], 1.5, { dtype: 'int32' }), error: DTypeError, op: 'full', mentions: ['1.5'] },
  { name: 'full: an int32 value of 2^31', make: none, call: () => pf.full([2], 2 ** 31, { dtype: 'int32' }), error: ValueError, op: 'full', mentions: ['2147483648'] },
  { name: 'full: 2 as bool', make: none, call: () => pf.full([2], 2, { dtype: 'bool' }), error: DTypeError, op: 'full', mentions: ['value 2'] },
  { name: 'full: NaN as int32', make: none, call: () => pf.full([3], NaN, { dtype: 'int32' }), error: DTypeError, op: 'full', mentions: ['NaN'] },
  { name: 'full: a shape of Infinity', make: none, call: () => pf.full([Infinity], 1), error: ValueError, op: 'full', mentions: ['Infinity'] },
  { name: 'scalar: requiresGrad on int32', make: none, call: () => pf.scalar(1, { dtype: 'int32', requiresGrad: true }), error: DTypeError, op: 'scalar', mentions: ['int32'] },
  { name: 'scalar: -2^31 - 1 as int32', make: none, call: () => pf.scalar(-(2 ** 31) - 1, { dtype: 'int32' }), error: ValueError, op: 'scalar', mentions: ['-2147483649'] },
  { name: 'arange: an infinite end', make: none, call: () => pf.arange(0, Infinity), error: ValueError, op: 'arange', mentions: ['Infinity'] },
  { name: 'arange: a NaN start', make: none, call: () => pf.arange(NaN, 3), error: ValueError, op: 'arange', mentions: ['NaN'] },
  { name: 'arange: step 0', make: none, call: () => pf.arange(0, 10, 0), error: ValueError, op: 'arange', mentions: ['got 0'] },
  { name: 'arange: step NaN', make: none, call: () => pf.arange(0, 10, NaN), error: ValueError, op: 'arange', mentions: ['NaN'] },
  { name: 'arange: dtype bool', make: none, call: () => pf.arange(0, 5, 1, { dtype: 'bool' }), error: DTypeError, op: 'arange', mentions: ['bool'] },
  { name: 'arange: a fractional int32 start', make: none, call: () => pf.arange(0.5, 5, 1, { dtype: 'int32' }), error: DTypeError, op: 'arange', mentions: ['0.5'] },
  { name: 'arange: int32 values past 2^31 - 1', make: none, call: () => pf.arange(2 ** 31 - 2, 2 ** 31 + 2, 1, { dtype: 'int32' }), error: ValueError, op: 'arange', mentions: ['2147483649'] },
  { name: 'arange: more elements than a tensor can hold', make: none, call: () => pf.arange(0, 1e10), error: ValueError, op: 'arange', mentions: ['10000000000'] },
  { name: 'rand: dtype int32', make: none, call: () => pf.rand([2], { dtype: 'int32' }), error: DTypeError, op: 'rand', mentions: ["'int32'"] },
  { name: 'rand: low above high', make: none, call: () => pf.rand([2], { low: 1, high: 0 }), error: ValueError, op: 'rand', mentions: ['1', '0'] },
  { name: 'rand: a NaN bound', make: none, call: () => pf.rand([2], { low: NaN }), error: ValueError, op: 'rand', mentions: ['NaN'] },
  { name: 'rand: a negative dim', make: none, call: () => pf.rand([3, -2]), error: ValueError, op: 'rand', mentions: ['[3,-2]'] },
  { name: 'randn: a negative std', make: none, call: () => pf.randn([2], { std: -1 }), error: ValueError, op: 'randn', mentions: ['std', '-1'] },
  { name: 'randn: an infinite mean', make: none, call: () => pf.randn([2], { mean: Infinity }), error: ValueError, op: 'randn', mentions: ['Infinity'] },
  { name: 'randn: dtype bool', make: none, call: () => pf.randn([2], { dtype: 'bool' }), error: DTypeError, op: 'randn', mentions: ["'bool'"] },
  { name: 'zerosLike: a disposed template', make: () => [disposed(f32([2, 3]))], call: ([t]) => pf.zerosLike(t), error: DisposedError, op: 'zerosLike', mentions: ['[2,3]'] },
  { name: 'onesLike: an unknown dtype', make: () => [f32([2])], call: ([t]) => pf.onesLike(t, { dtype: 'uint8' as never }), error: DTypeError, op: 'onesLike', mentions: ["'uint8'"] },
  { name: 'fullLike: a fractional value for an int32 template', make: () => [i32([2])], call: ([t]) => pf.fullLike(t, 0.5), error: DTypeError, op: 'fullLike', mentions: ['0.5'] },
  { name: 'fullLike: a disposed template', make: () => [disposed(f32([4]))], call: ([t]) => pf.fullLike(t, 1), error: DisposedError, op: 'fullLike', mentions: ['[4]'] },
  { name: 'randLike: a disposed template', make: () => [disposed(f32([2, 2]))], call: ([t]) => pf.randLike(t), error: DisposedError, op: 'randLike', mentions: ['[2,2]'] },
  { name: 'randLike: low above high', make: () => [f32([2])], call: ([t]) => pf.randLike(t, { low: 2, high: -2 }), error: ValueError, op: 'randLike', mentions: ['2', '-2'] },
  { name: 'randnLike: dtype int32', make: () => [f32([2])], call: ([t]) => pf.randnLike(t, { dtype: 'int32' }), error: DTypeError, op: 'randnLike', mentions: ["'int32'"] },
  { name: 'randnLike: a NaN std', make: () => [f32([2])], call: ([t]) => pf.randnLike(t, { std: NaN }), error: ValueError, op: 'randnLike', mentions: ['NaN'] },
];

// The generator's stream is state too: a rejected call must not draw from it.
const streamState = (): number[] => {
  const g = new pf.Generator(7);
  return [g.uniform()];
};
const random: BadInputCase[] = [
  { name: 'manualSeed: NaN', make: () => ({ g: pf.defaultGenerator() }), call: () => pf.manualSeed(NaN), error: ValueError, op: 'manualSeed', mentions: ['NaN'] },
  { name: 'manualSeed: a fractional seed', make: () => ({ g: pf.defaultGenerator() }), call: () => pf.manualSeed(1.5), error: ValueError, op: 'manualSeed', mentions: ['1.5'] },
  { name: 'Generator: an infinite seed', make: none, call: () => new pf.Generator(Infinity), error: ValueError, op: 'Generator', mentions: ['Infinity'] },
  { name: 'Generator.seed: a string', make: () => ({ g: new pf.Generator(3) }), call: ({ g }) => g.seed('3' as never), error: ValueError, op: 'Generator.seed', mentions: ['"3"'] },
  { name: 'Generator.randint: 0', make: () => ({ g: new pf.Generator(3) }), call: ({ g }) => g.randint(0), error: ValueError, op: 'Generator.randint', mentions: ['got 0'] },
  { name: 'Generator.randint: a fractional bound', make: () => ({ g: new pf.Generator(3) }), call: ({ g }) => g.randint(2.5), error: ValueError, op: 'Generator.randint', mentions: ['2.5'] },
];
void streamState;

const registry: BadInputCase[] = [
  { name: 'setBackend: an unknown name', make: none, call: () => pf.setBackend('nope'), error: BackendError, op: 'setBackend', mentions: ["'nope'", 'ref'] },
  { name: 'registerBackend: a name already registered', make: none, call: () => pf.registerBackend('other', createReferenceBackend), error: BackendError, op: 'registerBackend', mentions: ["'other'"] },
  { name: 'registerBackend: a factory that is not a function', make: none, call: () => pf.registerBackend('broken', 42 as never), error: ValueError, op: 'registerBackend', mentions: ['number'] },
  { name: 'registerBackend: an empty name', make: none, call: () => pf.registerBackend('', createReferenceBackend), error: ValueError, op: 'registerBackend', mentions: ["''"] },
  { name: 'setCheckNumerics: a string', make: none, call: () => pf.setCheckNumerics('yes' as never), error: ValueError, op: 'setCheckNumerics', mentions: ['"yes"'] },
  { name: 'tidy: an async function', make: none, call: () => pf.tidy(async () => pf.ones([1])), error: ValueError, op: 'tidy', mentions: ['async'] },
  { name: 'tidy: a number instead of a function', make: none, call: () => pf.tidy(42 as never), error: ValueError, op: 'tidy', mentions: ['number'] },
  { name: 'tidy: a function returning a Promise', make: none, call: () => pf.tidy(() => Promise.resolve(pf.ones([2]))), error: ValueError, op: 'tidy', mentions: ['Promise'] },
  { name: 'noGrad: an async function', make: none, call: () => pf.noGrad(async () => 1), error: ValueError, op: 'noGrad', mentions: ['async'] },
  { name: 'noGrad: a function returning a Promise', make: none, call: () => pf.noGrad(() => Promise.resolve(1)), error: ValueError, op: 'noGrad', mentions: ['Promise'] },
  { name: 'noGrad: a number instead of a function', make: none, call: () => pf.noGrad(7 as never), error: ValueError, op: 'noGrad', mentions: ['number'] },
  { name: 'grad: an int32 argument', make: () => [i32([3])], call: ([x]) => pf.grad((t: pf.Tensor) => t.sum())(x), error: GradError, op: 'grad', mentions: ['int32'] },
  { name: 'grad: a disposed argument', make: () => [disposed(f32([3]))], call: ([x]) => pf.grad((t: pf.Tensor) => t.sum())(x), error: DisposedError, op: 'grad', mentions: ['[3]'] },
  { name: 'valueAndGrad: f returns a number', make: () => [f32([3])], call: ([x]) => pf.valueAndGrad((() => 3) as never)(x), error: GradError, op: 'valueAndGrad', mentions: ['number'] },
  { name: 'valueAndGrad: f returns a shape [2, 1] tensor', make: () => [f32([2])], call: ([x]) => pf.valueAndGrad((t: pf.Tensor) => t.reshape(2, 1).mul(1))(x), error: GradError, op: 'valueAndGrad', mentions: ['[2,1]'] },
];

runCases('creation', creation);
runCases('random generators', random);
runCases('registry, modes, tidy, noGrad and functional autograd', registry);
