/**
 * `checkNumerics` mode: the first op that makes NaN or ±Infinity out of finite inputs throws a
 * NumericsError naming the op and its inputs' shapes, and leaves memory as it was.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  NumericsError,
  getCheckNumerics,
  log,
  matmul,
  maxPool2d,
  memory,
  nn,
  registerBackend,
  setBackend,
  setCheckNumerics,
  tensor,
  type Backend,
  type Tensor,
} from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);
afterEach(() => setCheckNumerics(false));

const vals = (t: Tensor | null): number[] => Array.from(t!.dataSync());
const live = (): { tensors: number; bytes: number } => {
  const { tensors, bytes } = memory();
  return { tensors, bytes };
};

describe('checkNumerics', () => {
  it('is off by default: non-finite results pass through', () => {
    expect(getCheckNumerics()).toBe(false);
    expect(vals(log(tensor([0, 1])))).toEqual([-Infinity, 0]);
  });

  it('throws at the first op making NaN or Inf from finite inputs, naming it and the shapes', () => {
    setCheckNumerics(true);
    expect(getCheckNumerics()).toBe(true);
    const a = tensor([[1, 0], [2, 3]]);
    const b = tensor([1, 0]);
    const before = live();
    expect(() => a.div(b)).toThrow(NumericsError);
    expect(() => a.div(b)).toThrow(/^div: .*(NaN|Infinity).*\[2,\s?2\].*\[2\]/);
    expect(live()).toEqual(before);
    expect(() => tensor([100]).exp()).toThrow(/^exp: .*\[1\]/);
    expect(() => matmul(tensor([[3e38, 3e38]]), tensor([[3e38], [3e38]]))).toThrow(/^matmul: /);
  });

  it('lets non-finite values already in the inputs propagate', () => {
    setCheckNumerics(true);
    expect(vals(tensor([NaN, 1]).add(1))).toEqual([NaN, 2]);
    expect(vals(tensor([Infinity]).sub(tensor([Infinity])))).toEqual([NaN]);
  });

  it('checks the ops backward runs too', () => {
    setCheckNumerics(true);
    const x = tensor([0, 4], { requiresGrad: true });
    const y = x.sqrt().sum(); // forward is finite: [0, 2]
    const before = live();
    expect(() => y.backward()).toThrow(NumericsError); // d sqrt(x)/dx = 1 / (2 sqrt x): Inf at 0
    expect(x.grad).toBe(null);
    expect(live()).toEqual(before); // no gradient in flight left behind
  });

  it('does not flag composites whose non-finite intermediates are masked', () => {
    setCheckNumerics(true);
    // pow's exponent gradient takes log(x) only where x > 0.
    const x = tensor([-2, 0, 3], { requiresGrad: true });
    x.pow(2).sum().backward();
    expect(vals(x.grad)).toEqual([-4, 0, 6]);
    // max pooling pads with -Infinity, which never wins.
    const img = tensor([[[[1, 2], [3, 4]]]]);
    expect(vals(maxPool2d(img, { kernelSize: 2, stride: 1, padding: 1 }))).toEqual([1, 2, 2, 3, 4, 4, 3, 4, 4]);
    // binary cross-entropy clamps log(0) at -100: -(1·log 1 + 0·log 0 … ) per element
    const bce = nn.binaryCrossEntropy(tensor([1, 0]), tensor([1, 0]));
    expect(bce.item()).toBe(0);
  });

  it('skips backends that can only read asynchronously, with one warning', () => {
    registerBackend('ref-async', () => {
      const b = createReferenceBackend();
      const sync = b.readSync!.bind(b);
      const asyncOnly: Backend = { ...b, name: 'ref-async', readSync: undefined, read: async (i) => sync(i) };
      return asyncOnly;
    });
    return (async () => {
      await setBackend('ref-async');
      const warnings: unknown[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
      try {
        setCheckNumerics(true);
        const y = tensor([0]).log();
        tensor([0]).log();
        expect(Array.from(await y.data())).toEqual([-Infinity]);
        expect(warnings.length).toBe(1);
        expect(String(warnings[0])).toMatch(/ref-async.*synchronously/);
      } finally {
        console.warn = warn;
        await useReference();
      }
    })();
  });
});
