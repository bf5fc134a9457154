import { beforeAll, describe, expect, it } from 'vitest';
import { BackendError, DTypeError, ProfundoError, ShapeError, add, matmul, ones, registerBackend, setBackend, tensor, zeros } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

describe('typed errors name the op and what it got', () => {
  it('add with shapes that do not broadcast', () => {
    const f = (): unknown => add(zeros([2, 3]), zeros([4]));
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(/^add: shapes \[2,3\] and \[4\] cannot be broadcast/);
  });

  it('matmul with mismatched inner dims', () => {
    const f = (): unknown => matmul(ones([2, 3]), ones([4, 5]));
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(/^matmul: inner dims differ: \[2,3\] @ \[4,5\]/);
  });

  it('mixing dtypes is never silently cast', () => {
    expect(() => ones([2]).add(tensor([1, 2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => tensor([1, 2], { dtype: 'int32' }).mul(0.5)).toThrow(DTypeError);
    expect(() => tensor([1, 2], { dtype: 'int32' }).exp()).toThrow(/^exp: input must be float32, got int32/);
  });

  it('bad axes, reshapes and slices', () => {
    expect(() => ones([2, 3]).sum(2)).toThrow(/^sum: dim 2 is out of range/);
    expect(() => ones([2, 3]).reshape(4, 2)).toThrow(/^reshape: cannot reshape \[2,3\]/);
    expect(() => ones([2, 3]).slice([1, 0], [2, 3])).toThrow(ShapeError);
    expect(() => ones([2, 3]).expand(4, 3)).toThrow(/^expand: /);
  });

  it('every error is a ProfundoError with its op', () => {
    let caught: unknown;
    try {
      ones([2]).matmul(ones([3]));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProfundoError);
    expect((caught as ProfundoError).op).toBe('matmul');
  });

  it('the registry rejects unknown and duplicate backends', async () => {
    await expect(setBackend('nope')).rejects.toThrow(BackendError);
    await expect(setBackend('nope')).rejects.toThrow(/no backend named 'nope'/);
    expect(() => registerBackend('ref', createReferenceBackend)).toThrow(/already registered/);
  });
});
