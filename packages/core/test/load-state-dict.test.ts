/**
 * `Module.loadStateDict` is atomic: it checks every key, shape, dtype, backend and live-ness
 * before it assigns anything, so a failure leaves every parameter (values, storage, backend)
 * and `memory()` as they were. A tensor from another backend is copied into the parameter's
 * backend (PyTorch's `copy_` semantics): the parameter never moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  DTypeError,
  DisposedError,
  ShapeError,
  ValueError,
  listBackends,
  memory,
  nn,
  ones,
  registerBackend,
  setBackend,
  tensor,
  type Backend,
  type Tensor,
} from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

/** A second reference backend under its own name, so tensors show which one holds them. */
function otherBackend(name: string, syncRead = true): Backend {
  const b = createReferenceBackend();
  const read = b.readSync!.bind(b);
  return { ...b, name, readSync: syncRead ? read : undefined, read: async (info) => read(info) };
}

beforeAll(() => {
  if (!listBackends().includes('ref-b')) registerBackend('ref-b', () => otherBackend('ref-b'));
  if (!listBackends().includes('ref-async')) registerBackend('ref-async', () => otherBackend('ref-async', false));
});
afterAll(useReference);

class Net extends nn.Module {
  fc1 = new nn.Linear(2, 3);
  fc2 = new nn.Linear(3, 1);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x));
  }
}

interface Snapshot {
  values: number[][];
  storages: unknown[];
  backends: string[];
  memory: ReturnType<typeof memory>;
}

/** Asserts that `net`'s parameters (values, storage, backend) and `memory()` are as in `before`. */
function expectUnchanged(net: nn.Module, before: Snapshot): void {
  const now = snapshot(net);
  expect(now.values).toEqual(before.values);
  expect(now.backends).toEqual(before.backends);
  now.storages.forEach((s, i) => expect(s).toBe(before.storages[i]));
  expect(now.memory).toEqual(before.memory);
}

function snapshot(net: nn.Module): Snapshot {
  const params = net.parameters();
  return {
    values: params.map((p) => Array.from(p.dataSync())),
    storages: params.map((p) => p._storage),
    backends: params.map((p) => p.backendName),
    memory: memory(),
  };
}

/** Values for every parameter of `net` that differ from its own, on the current backend. */
function freshState(net: nn.Module): Record<string, Tensor> {
  return Object.fromEntries(net.namedParameters().map(([n, p]) => [n, ones(p.shape).mul(7)]));
}

describe('Module.loadStateDict is atomic', () => {
  const failures: [string, (s: Record<string, Tensor>) => void, new (...args: never[]) => Error, RegExp][] = [
    ['a disposed tensor', (s) => s['fc2.bias']!.dispose(), DisposedError, /loadStateDict.*'fc2\.bias'.*disposed/],
    ['a wrong shape', (s) => (s['fc2.bias'] = ones([2])), ShapeError, /loadStateDict.*'fc2\.bias'.*\[1\].*\[2\]/],
    ['a wrong dtype', (s) => (s['fc2.bias'] = ones([1], { dtype: 'int32' })), DTypeError, /loadStateDict.*'fc2\.bias'.*float32.*int32/],
    ['a value that is not a tensor', (s) => ((s as Record<string, unknown>)['fc2.bias'] = [1]), ValueError, /loadStateDict.*'fc2\.bias'.*object/],
    ['a missing key', (s) => delete s['fc2.bias'], ValueError, /missing keys \[fc2\.bias\]/],
    ['an unexpected key', (s) => (s['fc3.weight'] = ones([1])), ValueError, /unexpected keys \[fc3\.weight\]/],
  ];

  it.each(failures)('a state dict whose last entry has %s changes nothing', (_what, spoil, type, message) => {
    const net = new Net();
    const state = freshState(net);
    spoil(state); // the first three entries are valid: none of them may be assigned
    const before = snapshot(net);
    let error: unknown;
    try {
      net.loadStateDict(state);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expectUnchanged(net, before);
  });

  it('copies a tensor from another backend into the parameter, which stays on its backend', async () => {
    const net = new Net();
    await setBackend('ref-b');
    const state = freshState(net);
    await useReference();
    const before = memory();
    net.loadStateDict(state);
    for (const p of net.parameters()) {
      expect(p.backendName).toBe('ref');
      expect(Array.from(p.dataSync())).toEqual(new Array(p.size).fill(7));
    }
    // The parameters' values were replaced, not added to; the source tensors are untouched.
    expect(memory()).toEqual(before);
    expect(Object.values(state).every((t) => t.backendName === 'ref-b' && !t.isDisposed)).toBe(true);
    // And the model still runs on its own backend.
    expect(net.forward(tensor([[1, 1]])).item()).toBe(7 * (7 * 2 + 7) * 3 + 7);
  });

  it('rejects a tensor on an async-only backend with a BackendError and changes nothing', async () => {
    const net = new Net();
    const state = freshState(net);
    await setBackend('ref-async');
    state['fc2.bias'] = ones([1]);
    await useReference();
    const before = snapshot(net);
    expect(() => net.loadStateDict(state)).toThrow(BackendError);
    expect(() => net.loadStateDict(state)).toThrow(/loadStateDict.*'fc2\.bias'.*'ref-async'.*await/);
    expectUnchanged(net, before);
  });

  it('loads a partial dict with strict: false and still checks what it loads first', () => {
    const net = new Net();
    const bad = { 'fc1.weight': ones([3, 2]), 'fc1.bias': ones([4]) };
    const before = snapshot(net);
    expect(() => net.loadStateDict(bad, { strict: false })).toThrow(ShapeError);
    expectUnchanged(net, before);
    net.loadStateDict({ 'fc1.bias': ones([3]), nope: ones([1]) }, { strict: false });
    expect(Array.from(net.fc1.bias!.dataSync())).toEqual([1, 1, 1]);
  });
});
