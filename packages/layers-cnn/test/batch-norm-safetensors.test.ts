/**
 * A BatchNorm2d saved by PyTorch's `safetensors.torch.save_file` loads: PyTorch writes
 * `num_batches_tracked` as an I64 scalar, which Profundo reads into its int32 buffer. The file
 * is built byte for byte as that writer lays it out (header, then F32 tensors, then I64).
 */
import { createCpuBackend } from '@profundo/backend-cpu';
import { ValueError, listBackends, loadSafetensors, registerBackend, setBackend } from '@profundo/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../src/index.js';

beforeAll(async () => {
  if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend);
  await setBackend('cpu');
});

/** A safetensors file of `bias`, `running_mean`, `running_var`, `weight` ([c] F32) and `num_batches_tracked` (I64 []). */
function pytorchBatchNormFile(c: number, values: Record<string, number[]>, count: bigint): Uint8Array {
  const names = ['bias', 'running_mean', 'running_var', 'weight'];
  const entries: string[] = [];
  let offset = 0;
  for (const n of names) {
    entries.push(`"${n}":{"dtype":"F32","shape":[${c}],"data_offsets":[${offset},${offset + 4 * c}]}`);
    offset += 4 * c;
  }
  entries.push(`"num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[${offset},${offset + 8}]}`);
  let header = `{${entries.join(',')}}`;
  while ((8 + header.length) % 8 !== 0) header += ' '; // the writer pads the header with spaces
  const bytes = new Uint8Array(8 + header.length + offset + 8);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(header.length), true);
  bytes.set(new TextEncoder().encode(header), 8);
  let at = 8 + header.length;
  for (const n of names) {
    for (const v of values[n]!) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  }
  view.setBigInt64(at, count, true);
  return bytes;
}

describe('BatchNorm2d from a PyTorch safetensors file', () => {
  const values = { bias: [0.1, 0.2], running_mean: [1, -1], running_var: [4, 0.25], weight: [2, 3] };

  it('loads the int64 num_batches_tracked as int32 and the statistics as they are', async () => {
    const bn = new BatchNorm2d(2);
    await loadSafetensors(bn, pytorchBatchNormFile(2, values, 938n));
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.numBatchesTracked!.item()).toBe(938);
    expect(Array.from(bn.runningVar!.dataSync())).toEqual([4, 0.25]);
    expect(Array.from(bn.weight!.dataSync())).toEqual([2, 3]);
  });

  it('rejects a count beyond int32 before changing anything', async () => {
    const bn = new BatchNorm2d(2);
    await expect(loadSafetensors(bn, pytorchBatchNormFile(2, values, 2n ** 40n))).rejects.toThrow(ValueError);
    await expect(loadSafetensors(bn, pytorchBatchNormFile(2, values, 2n ** 40n))).rejects.toThrow(/num_batches_tracked.*1099511627776/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(Array.from(bn.runningVar!.dataSync())).toEqual([1, 1]);
  });
});
