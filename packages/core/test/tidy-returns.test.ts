/**
 * `tidy` keeps every tensor reachable from what it returns (arrays, plain objects, Maps, Sets,
 * class instances, to any depth), takes TensorFlow.js's `tidy(name, fn)` form, and refuses
 * asynchronous functions at once without leaving an unhandled rejection behind.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ValueError, dispose, memory, ones, tensor, tidy, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

const live = (): { tensors: number; bytes: number } => {
  const { tensors, bytes } = memory();
  return { tensors, bytes };
};

describe('tidy keeps what it returns', () => {
  it('tensors in a Set', () => {
    const base = live();
    const s = tidy(() => {
      ones([3]).mul(5); // garbage
      return new Set([tensor([1, 2]).add(1), tensor([3]).mul(2)]);
    });
    const [a, b] = [...s] as [Tensor, Tensor];
    expect(Array.from(a.dataSync())).toEqual([2, 3]);
    expect(Array.from(b.dataSync())).toEqual([6]);
    expect(live().tensors).toBe(base.tensors + 2);
    dispose(s);
    expect(live()).toEqual(base);
  });

  it('tensors in Map values and keys', () => {
    const base = live();
    const m = tidy(() => {
      const k = tensor([7]).add(0);
      return new Map<unknown, unknown>([['a', tensor([1]).add(1)], [k, 'key']]);
    });
    expect((m.get('a') as Tensor).item()).toBe(2);
    const key = [...m.keys()][1] as Tensor;
    expect(key.item()).toBe(7);
    dispose(m);
    expect(live()).toEqual(base);
  });

  it('tensors held by a class instance', () => {
    class Pair {
      constructor(
        readonly first: Tensor,
        readonly rest: { second: Tensor },
      ) {}
    }
    const base = live();
    const p = tidy(() => new Pair(tensor([1]).add(1), { second: tensor([2]).add(2) }));
    expect(p.first.item()).toBe(2);
    expect(p.rest.second.item()).toBe(4);
    dispose(p);
    expect(live()).toEqual(base);
  });

  it('tensors nested deeper than a few levels', () => {
    const base = live();
    const deep = tidy(() => {
      let v: unknown = tensor([42]).add(0);
      for (let i = 0; i < 20; i++) v = i % 2 ? [v] : { v };
      return v;
    });
    let t: unknown = deep;
    while (!(t && typeof t === 'object' && 'dataSync' in t)) t = Array.isArray(t) ? t[0] : (t as { v: unknown }).v;
    expect((t as Tensor).item()).toBe(42);
    dispose(deep);
    expect(live()).toEqual(base);
  });

  it('a tensor made outside, returned by a nested tidy, survives the outer tidy', () => {
    const w = ones([2]);
    tidy(() => {
      const same = tidy(() => w);
      expect(same).toBe(w);
    });
    expect(w.isDisposed).toBe(false);
    w.dispose();
  });

  it('cyclic structures', () => {
    const base = live();
    const o = tidy(() => {
      const o: { t: Tensor; self?: unknown } = { t: tensor([1]).add(1) };
      o.self = o;
      return o;
    });
    expect(o.t.item()).toBe(2);
    dispose(o);
    expect(live()).toEqual(base);
  });
});

describe('tidy(name, fn)', () => {
  it('takes a name first, as TensorFlow.js does', () => {
    const base = live();
    const y = tidy('double', () => tensor([1, 2]).mul(2).add(0));
    expect(Array.from(y.dataSync())).toEqual([2, 4]);
    y.dispose();
    expect(live()).toEqual(base);
  });

  it('rejects something that is not a function', () => {
    expect(() => tidy('x', 3 as unknown as () => void)).toThrow(ValueError);
    expect(() => tidy(undefined as unknown as () => void)).toThrow(ValueError);
  });
});

describe('tidy refuses asynchronous functions', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
  });

  /** Lets any pending rejection surface as `unhandledRejection`. */
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

  it('an async function throws at once, without running it', async () => {
    process.on('unhandledRejection', onRejection);
    rejections.length = 0;
    const base = live();
    let ran = false;
    const f = async (): Promise<Tensor> => {
      ran = true;
      await null;
      throw new Error('late failure');
    };
    expect(() => tidy(f)).toThrow(ValueError);
    expect(() => tidy('step', f)).toThrow(/^tidy: .*async/);
    expect(ran).toBe(false);
    await settle();
    expect(rejections).toEqual([]);
    expect(live()).toEqual(base);
  });

  it('a function returning a Promise throws, and its rejection is handled', async () => {
    process.on('unhandledRejection', onRejection);
    rejections.length = 0;
    const base = live();
    const f = (): Promise<Tensor> => {
      const t = ones([2]).mul(3);
      return Promise.resolve().then(() => t.add(1)); // t was disposed by then: rejects
    };
    expect(() => tidy(f)).toThrow(ValueError);
    expect(() => tidy(f)).toThrow(/^tidy: .*Promise/);
    await settle();
    expect(rejections).toEqual([]);
    expect(live()).toEqual(base);
  });
});
