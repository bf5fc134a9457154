/**
 * Values and sizes out of range fail with typed errors that name the op, the value and the
 * limit, instead of wrapping silently (int32) or escaping as an untyped RangeError (sizes);
 * a failed call leaves `memory()` unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DTypeError,
  ValueError,
  add,
  arange,
  full,
  fullLike,
  memory,
  ones,
  rand,
  randn,
  scalar,
  tensor,
  zeros,
  type Tensor,
} from '@profundo/core';
import { useReference } from './setup.js';

let i32: Tensor;
beforeAll(async () => {
  await useReference();
  i32 = ones([2], { dtype: 'int32' });
});

/** Runs `fn`, which must throw; returns the error after checking that memory() did not change. */
function failure(fn: () => unknown): Error {
  const before = memory();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(Error);
  expect(memory()).toEqual(before);
  return error as Error;
}

const INT32 = /\[-2147483648, 2147483647\]/;

describe('int32 values out of range', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['tensor([1e10])', () => tensor([1e10], { dtype: 'int32' }), 'tensor', /10000000000/],
    ['tensor([-2^31 - 1])', () => tensor([[0, -(2 ** 31) - 1]], { dtype: 'int32' }), 'tensor', /-2147483649 at flat index 1/],
    ['tensor([2^31])', () => tensor([2 ** 31], { dtype: 'int32' }), 'tensor', /2147483648/],
    ['full', () => full([2], 2 ** 31, { dtype: 'int32' }), 'full', /2147483648/],
    ['scalar', () => scalar(-1e12, { dtype: 'int32' }), 'scalar', /-1000000000000/],
    ['fullLike', () => fullLike(i32, 1e10), 'fullLike', /10000000000/],
    ['arange past the top', () => arange(2 ** 31 - 5, 2 ** 31 + 5, 1, { dtype: 'int32' }), 'arange', /2147483652/],
    ['arange below the bottom', () => arange(0, -(2 ** 32), -(2 ** 30), { dtype: 'int32' }), 'arange', /-3221225472/],
    ['arange starting outside', () => arange(-1e10, 0, 1e10, { dtype: 'int32' }), 'arange', /-10000000000/],
    ['a number operand of an int32 op', () => add(i32, 1e10), 'add', /10000000000/],
  ];
  it.each(cases)('%s is a ValueError naming the op, the value and the range', (_name, fn, op, value) => {
    const e = failure(fn);
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).op).toBe(op);
    expect(e.message).toMatch(value);
    expect(e.message).toMatch(INT32);
  });

  it('accepts the ends of the range exactly', () => {
    expect(Array.from(tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: 'int32' }).dataSync())).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(Array.from(full([1], 2 ** 31 - 1, { dtype: 'int32' }).dataSync())).toEqual([2 ** 31 - 1]);
    expect(Array.from(arange(2 ** 31 - 3, 2 ** 31, 1, { dtype: 'int32' }).dataSync())).toEqual([2 ** 31 - 3, 2 ** 31 - 2, 2 ** 31 - 1]);
  });
});

describe('values that are not integers (int32) or not 0/1 (bool), and dtypes the call cannot make', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['tensor 1.5', () => tensor([1, 1.5], { dtype: 'int32' }), 'tensor', /1\.5/],
    ['tensor NaN', () => tensor([Number.NaN], { dtype: 'int32' }), 'tensor', /NaN/],
    ['tensor Infinity', () => tensor([Infinity], { dtype: 'int32' }), 'tensor', /Infinity/],
    ['full 0.5', () => full([2], 0.5, { dtype: 'int32' }), 'full', /0\.5/],
    ['fullLike NaN', () => fullLike(i32, Number.NaN), 'fullLike', /NaN/],
    ['arange with a fractional step', () => arange(0, 3, 0.5, { dtype: 'int32' }), 'arange', /0\.5/],
    ['full bool 2', () => full([2], 2, { dtype: 'bool' }), 'full', /2/],
    ['a dtype that does not exist', () => full([2], 0, { dtype: 'float64' as never }), 'full', /float64/],
    ['rand asked for int32 (it draws float32)', () => rand([2], { dtype: 'int32' }), 'rand', /int32/],
    ['randn asked for bool', () => randn([2], { dtype: 'bool' }), 'randn', /bool/],
  ];
  it.each(cases)('%s is a DTypeError naming the op and the value', (_name, fn, op, value) => {
    const e = failure(fn);
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).op).toBe(op);
    expect(e.message).toMatch(value);
  });
});

describe('sizes beyond what a tensor can hold', () => {
  const LIMIT = /2147483647/;
  const cases: [string, () => unknown, string, RegExp][] = [
    // Every size here is beyond V8's typed-array limit (2^32) too, or fails another check
    // first, so that a regression fails at once instead of allocating gigabytes.
    ['zeros([2^20, 2^20])', () => zeros([2 ** 20, 2 ** 20]), 'zeros', /1099511627776/],
    ['ones([2^33])', () => ones([2 ** 33]), 'ones', /8589934592/],
    ['full', () => full([2 ** 17, 2 ** 16], 3), 'full', /8589934592/],
    ['rand', () => rand([2 ** 40]), 'rand', /1099511627776/],
    ['randn', () => randn([2 ** 17, 2 ** 16]), 'randn', /8589934592/],
    ['tensor with a shape of 2^31 elements', () => tensor([1], { shape: [2 ** 31] }), 'tensor', /2147483648/],
    ['arange', () => arange(0, 2 ** 33), 'arange', /8589934592/],
  ];
  it.each(cases)('%s is a ValueError naming the op, the element count and the limit', (_name, fn, op, count) => {
    const e = failure(fn);
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).op).toBe(op);
    expect(e.message).toMatch(count);
    expect(e.message).toMatch(LIMIT);
  });

  it('arange with an infinite end is a ValueError', () => {
    const e = failure(() => arange(0, Infinity));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/arange.*Infinity/);
  });
});
