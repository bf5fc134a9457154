// Index values that core wrote are validated from core's own copy, never by reading the device:
// on a GPU backend with readSync (gpu.js's GL modes) a read in every training step would stall the
// queue (the main job's labels went through crossEntropy's check on every step). Values a kernel
// made still get read synchronously where the backend can.
import { describe, expect, it } from 'vitest';
import { ValueError, cast, gather, indexSelect, nn, registerBackend, setBackend, tensor, type Backend } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';

/** The reference backend, counting its readSync calls. */
function counting(): Backend & { reads: number } {
  const inner = createReferenceBackend();
  const be = Object.create(inner) as Backend & { reads: number };
  be.reads = 0;
  be.readSync = (info) => {
    be.reads++;
    return inner.readSync!(info);
  };
  return be;
}

describe('index checks on a backend with readSync', () => {
  it('check written indices and targets without reading the device, and still reject bad ones', async () => {
    const be = counting();
    registerBackend('counting-reads', () => be);
    await setBackend('counting-reads');
    const logits = tensor([[1, 2, 3], [4, 5, 6]]);
    const loss = nn.crossEntropy(logits, tensor([2, 0], { dtype: 'int32' }));
    // -log softmax([1, 2, 3])[2] and -log softmax([4, 5, 6])[0], by hand: log(e^0 + e^-1 + e^-2) and 2 + log(1 + e^-1 + e^-2).
    const lse = Math.log(1 + Math.exp(-1) + Math.exp(-2));
    expect(loss.item()).toBeCloseTo((lse + 2 + lse) / 2, 5);
    expect(be.reads).toBe(1); // item() itself
    expect(Array.from(indexSelect(logits, 1, tensor([2], { dtype: 'int32' })).dataSync())).toEqual([3, 6]);
    expect(Array.from(gather(logits, 1, tensor([[0], [1]], { dtype: 'int32' })).dataSync())).toEqual([1, 5]);
    expect(be.reads).toBe(3); // the two dataSync() calls only
    expect(() => nn.crossEntropy(logits, tensor([3, 0], { dtype: 'int32' }))).toThrow(ValueError);
    expect(() => gather(logits, 1, tensor([[0], [-1]], { dtype: 'int32' }))).toThrow(/index -1 at position 1 is out of range for dim 1 of size 3/);
    expect(be.reads).toBe(3);
    // An index a kernel made has no host copy: read synchronously.
    expect(() => indexSelect(logits, 1, cast(tensor([5]), 'int32'))).toThrow(/index 5 at position 0 is out of range/);
    expect(be.reads).toBe(4);
  });
});
