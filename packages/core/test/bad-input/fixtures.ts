/**
 * Inputs for the bad-input cases: small tensors of each dtype, disposed tensors, and tensors of
 * a second backend (core's reference backend registered again under the name 'other', with a
 * backend name of its own, so memory() tells the two apart).
 */
import { listBackends, ones, registerBackend, setBackend, tensor, type Tensor } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';
import { useReference } from '../setup.js';

/** Makes the reference backend current and registers the second one. */
export async function useBackends(): Promise<void> {
  await useReference();
  if (!listBackends().includes('other')) registerBackend('other', () => ({ ...createReferenceBackend(), name: 'other' }));
  await setBackend('other');
  await useReference();
}

/** Runs `fn` with the second backend current (tensors made inside live there). */
export async function onOther<T>(fn: () => T): Promise<T> {
  await setBackend('other');
  try {
    return fn();
  } finally {
    await useReference();
  }
}

/** float32 values 1..n (so no value is 0), in `shape`. */
export function f32(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => (i % 7) + 1), { shape });
}

/** int32 `values` (default 0..n-1 mod 3) in `shape`. */
export function i32(shape: readonly number[], values?: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Int32Array.from(values ?? Array.from({ length: n }, (_, i) => i % 3)), { shape, dtype: 'int32' });
}

/** bool values alternating true/false in `shape`. */
export function bool(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Uint8Array.from({ length: n }, (_, i) => i % 2), { shape, dtype: 'bool' });
}

/** A tensor disposed before the call. */
export function disposed(t: Tensor = ones([2, 3])): Tensor {
  t.dispose();
  return t;
}

/** A float32 leaf that requires grad. */
export function leaf(shape: readonly number[]): Tensor {
  return f32(shape).requiresGrad_();
}
