// Core's checks on a backend that can only read asynchronously (no `readSync`, like WebGPU):
// index values are still validated — from what core wrote, or on the device — and memory is
// counted under the registered name with the backend's own byte sizes.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ValueError,
  cast,
  gather,
  indexSelect,
  memory,
  nn,
  registerBackend,
  setBackend,
  tensor,
  type Backend,
  type DataHandle,
} from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';

/**
 * The reference backend without `readSync`, counting the handles it holds so a test can see
 * that core's device-side checks free everything they make.
 */
function asyncOnly(bytesPerElement?: number): Backend & { live: Set<DataHandle> } {
  const inner = createReferenceBackend();
  const live = new Set<DataHandle>();
  const track = (h: DataHandle): DataHandle => (live.add(h), h);
  const be: Backend & { live: Set<DataHandle> } = {
    name: 'async-reference',
    live,
    write: (v, s, d) => track(inner.write(v, s, d)),
    read: (i) => inner.read(i),
    dispose: (h) => {
      if (!live.delete(h)) throw new Error('disposed a handle twice or one it never made');
      inner.dispose(h);
    },
    unary: (...a) => track(inner.unary(...a)),
    binary: (...a) => track(inner.binary(...a)),
    where: (...a) => track(inner.where(...a)),
    cast: (...a) => track(inner.cast(...a)),
    reduce: (...a) => track(inner.reduce(...a)),
    argmax: (...a) => track(inner.argmax(...a)),
    matmul: (...a) => track(inner.matmul(...a)),
    permute: (...a) => track(inner.permute(...a)),
    expand: (...a) => track(inner.expand(...a)),
    slice: (...a) => track(inner.slice(...a)),
    pad: (...a) => track(inner.pad(...a)),
    concat: (...a) => track(inner.concat(...a)),
    gather: (...a) => track(inner.gather(...a)),
    scatterAdd: (...a) => track(inner.scatterAdd(...a)),
  };
  if (bytesPerElement !== undefined) {
    // Pretend to store every element in `bytesPerElement` bytes, whatever the dtype.
    const sizes = new WeakMap<DataHandle, number>();
    const write = be.write;
    be.write = (v, s, d) => {
      const h = write(v, s, d);
      sizes.set(h, v.length * bytesPerElement);
      return h;
    };
    be.byteSize = (h) => sizes.get(h) ?? 0;
  }
  return be;
}

const backend = asyncOnly();
beforeAll(async () => {
  registerBackend('async-a', () => backend);
  await setBackend('async-a');
});

afterEach(async () => {
  await setBackend('async-a');
});

describe('index checks without readSync', () => {
  it('reject an out-of-range index core wrote before any kernel runs', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const index = tensor([[0], [5]], { dtype: 'int32' });
    const before = memory().tensors;
    const handles = backend.live.size;
    expect(() => gather(x, 1, index)).toThrow(ValueError);
    expect(() => gather(x, 1, index)).toThrow(/gather: index 5 at position 1 is out of range for dim 1 of size 2/);
    expect(() => indexSelect(x, 0, tensor([2], { dtype: 'int32' }))).toThrow(/indexSelect: index 2/);
    expect(memory().tensors).toBe(before + 1); // only the index tensor made in the last line
    expect(backend.live.size).toBe(handles + 1);
  });

  it('report an out-of-range index a kernel made at the next data(), naming the op', async () => {
    const x = tensor([[1, 2], [3, 4]]);
    // A cast on the device: core never saw these int32 values.
    const index = cast(tensor([[0], [5]]), 'int32');
    const y = gather(x, 1, index);
    const err = await y.data().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValueError);
    expect((err as ValueError).op).toBe('gather');
    expect((err as Error).message).toMatch(/1 index value\(s\) out of range for dim 1 of size 2/);
    // Reported once: the next read succeeds.
    expect((await x.data())[3]).toBe(4);
    for (const t of [x, index, y]) t.dispose();
  });

  it('fold repeated checks of one op into one count and free every handle they make', async () => {
    const handles = backend.live.size;
    const x = tensor([1, 2, 3]);
    const floats = [tensor([2, 0]), tensor([-1, 3])];
    const [ok, bad] = floats.map((f) => cast(f, 'int32'));
    const outs = [gather(x, 0, ok!), gather(x, 0, bad!), gather(x, 0, bad!)];
    await expect(outs[0]!.data()).rejects.toThrow(/gather: 4 index value\(s\) out of range for dim 0 of size 3/);
    for (const t of [x, ok!, bad!, ...floats, ...outs]) t.dispose();
    expect(backend.live.size).toBe(handles);
  });

  it('pass valid device-made indices silently', async () => {
    const logits = tensor([[0.1, 2, 0.3], [3, 0.2, 0.1]]);
    const target = cast(tensor([1, 0]), 'int32');
    const loss = nn.crossEntropy(logits, target);
    // -log softmax picked at the targets, by hand: mean of log(Σe^x) - x_t.
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const expected = (lse([0.1, 2, 0.3]) - 2 + (lse([3, 0.2, 0.1]) - 3)) / 2;
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    for (const t of [logits, target, loss]) t.dispose();
  });

  it('check crossEntropy targets and binaryCrossEntropy probabilities too', async () => {
    const logits = tensor([[0.1, 2], [3, 0.2]]);
    expect(() => nn.crossEntropy(logits, tensor([1, 2], { dtype: 'int32' }))).toThrow(/crossEntropy: index 2 at position 1/);
    const target = cast(tensor([1, 7]), 'int32');
    const loss = nn.crossEntropy(logits, target);
    await expect(loss.data()).rejects.toThrow(/crossEntropy: 1 index value\(s\) out of range for dim 1 of size 2/);
    const p = tensor([0.5, 1.5, Number.NaN]);
    const t = tensor([1, 0, 1]);
    const bce = nn.binaryCrossEntropy(p, t);
    await expect(bce.data()).rejects.toThrow(/binaryCrossEntropy: input must hold probabilities in \[0, 1\], but 2 value\(s\) lie outside/);
    for (const u of [logits, target, loss, p, t, bce]) u.dispose();
  });
});

describe('memory accounting', () => {
  it('keys memory().backends by the registered name, not Backend.name', async () => {
    registerBackend('async-b', () => asyncOnly());
    await setBackend('async-b');
    const a = tensor([1, 2, 3]);
    const stats = memory().backends;
    expect(stats['async-b']).toEqual({ tensors: 1, bytes: 12 });
    expect(stats['async-reference']).toBeUndefined();
    a.dispose();
    expect(memory().backends['async-b']).toEqual({ tensors: 0, bytes: 0 });
  });

  it("counts the bytes a backend reports for its own storage", async () => {
    registerBackend('async-wide', () => asyncOnly(8));
    await setBackend('async-wide');
    const start = memory().bytes;
    const a = tensor([1, 2, 3]);
    const b = tensor([true, false]);
    expect(memory().backends['async-wide']).toEqual({ tensors: 2, bytes: 8 * 5 });
    expect(memory().bytes - start).toBe(40);
    a.dispose();
    b.dispose();
    expect(memory().bytes).toBe(start);
  });
});
