/**
 * The graph behind a tensor returned from `tidy` stays alive until that tensor is disposed or
 * backward has run through it; backward through freed or disposed saved tensors is a typed
 * error that changes nothing. Expected gradients are worked out by hand in the comments.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DisposedError, dispose, keep, memory, tensor, tidy, type Tensor } from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

const vals = (t: Tensor | null): number[] => Array.from(t!.dataSync());
const live = (): { tensors: number; bytes: number } => {
  const { tensors, bytes } = memory();
  return { tensors, bytes };
};

/** f(w) = Σ (w·x + 1)², df/dw = 2 (w·x + 1) · x. */
function loss(w: Tensor, x: Tensor): Tensor {
  return w.mul(x).add(1).square().sum();
}
const W = [1, 2, 3];
const X = [4, 5, 6];
// w·x + 1 = [5, 11, 19]; 2 (w·x + 1) x = [40, 110, 228]; f = 25 + 121 + 361 = 507
const DW = [40, 110, 228];

describe('a loss returned from tidy keeps its graph until backward', () => {
  it('backward fills the parameters’ gradients', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    const l = tidy(() => loss(w, x));
    expect(l.item()).toBe(507);
    l.backward();
    expect(vals(w.grad)).toEqual(DW);
    l.dispose();
    w.grad!.dispose();
    w.grad = null;
    expect(live()).toEqual(base);
  });

  it('frees the graph when the returned tensor is disposed without backward', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    const l = tidy(() => loss(w, x));
    expect(live().tensors).toBeGreaterThan(base.tensors + 1); // the saved intermediates
    l.dispose();
    expect(live()).toEqual(base);
  });

  it('a step inside tidy leaves live tensors and bytes unchanged from step to step', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const step = (): number => {
      const l = tidy(() => {
        const l = loss(w, x);
        l.backward();
        return l;
      });
      const v = l.item();
      l.dispose();
      return v;
    };
    step();
    const base = live();
    for (let i = 0; i < 3; i++) step();
    expect(live()).toEqual(base);
    expect(vals(w.grad)).toEqual(DW.map((g) => 4 * g));
  });

  it('works across nested tidy scopes', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    const l = tidy(() => {
      const h = tidy(() => w.mul(x)); // w·x
      return tidy(() => h.add(1).square().sum());
    });
    l.backward();
    expect(vals(w.grad)).toEqual(DW);
    l.dispose();
    w.grad!.dispose();
    expect(live()).toEqual(base);
  });

  it('two results sharing intermediates each keep what they need', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    const [a, b] = tidy(() => {
      const h = w.mul(x).add(1); // w·x + 1
      return [h.square().sum(), h.sum()];
    });
    a.backward();
    expect(vals(w.grad)).toEqual(DW);
    b.backward(); // d/dw Σ (w·x + 1) = x
    expect(vals(w.grad)).toEqual(DW.map((g, i) => g + X[i]!));
    a.dispose();
    b.dispose();
    w.grad!.dispose();
    expect(live()).toEqual(base);
  });

  it('backward through a returned intermediate from a root built outside tidy', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    const h = tidy(() => w.mul(x).add(1));
    const sq = h.square();
    const l = sq.sum();
    l.backward();
    expect(vals(w.grad)).toEqual(DW);
    dispose([h, sq, l]);
    w.grad!.dispose();
    expect(live()).toEqual(base);
  });

  it('retainGraph keeps the graph for a second backward', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    const l = tidy(() => loss(w, x));
    l.backward(undefined, { retainGraph: true });
    l.backward();
    expect(vals(w.grad)).toEqual(DW.map((g) => 2 * g));
    expect(() => l.backward()).toThrow(DisposedError); // the second pass freed it
    l.dispose();
    w.grad!.dispose();
    expect(live()).toEqual(base);
  });

  it('keep() inside tidy keeps the graph of the kept tensor', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const base = live();
    let l!: Tensor;
    tidy(() => {
      l = keep(loss(w, x));
    });
    l.backward();
    expect(vals(w.grad)).toEqual(DW);
    l.dispose();
    w.grad!.dispose();
    expect(live()).toEqual(base);
  });
});

describe('backward through freed or disposed saved tensors', () => {
  it('a second backward through a freed graph throws and changes nothing', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const l = tidy(() => loss(w, x));
    l.backward();
    const before = live();
    expect(() => l.backward()).toThrow(DisposedError);
    expect(() => l.backward()).toThrow(/^backward: .*(freed|disposed)/);
    expect(vals(w.grad)).toEqual(DW); // not accumulated twice
    expect(live()).toEqual(before);
  });

  it('a disposed input saved by an op: typed error naming backward and the op, nothing leaked', () => {
    const w = tensor(W, { requiresGrad: true });
    const x = tensor(X);
    const l = w.mul(x).sum();
    x.dispose();
    const before = live();
    expect(() => l.backward()).toThrow(DisposedError);
    expect(() => l.backward()).toThrow(/^backward: .*\[3\].*'mul'/);
    expect(w.grad).toBe(null);
    expect(live()).toEqual(before);
  });

  it('a disposed root is a typed error', () => {
    const w = tensor(W, { requiresGrad: true });
    const l = w.sum();
    l.dispose();
    expect(() => l.backward()).toThrow(DisposedError);
    expect(w.grad).toBe(null);
  });
});
