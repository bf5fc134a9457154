/**
 * Per-op overhead: what a small op costs from the user's call to its result, where the work is
 * negligible and the library's own bookkeeping (argument checks, dispatch, autograd, memory
 * scopes, waiting for a lazy result) is what gets timed. One timed call runs `repeat` ops or
 * steps; the report divides by `repeat` and prints µs.
 *
 * - small op: `add` of two float32 [8] tensors, 1,000 times per call (each result realized, then
 *   freed the way the library frees things).
 * - tiny step: forward and backward of `relu(x·W).sum()`, x [1, 8], W [8, 8] requiring grad,
 *   100 times per call; a step checks that W's gradient exists but does not read its values.
 *
 * Every library checks its result once against {@link smallOpExpected} / {@link tinyStepExpected}
 * before it is timed (the cell reads "err" otherwise), so a lazy library cannot skip the work.
 */
import { uniform, type HostTensor } from '../harness/data.js';

export type DispatchOp = 'add' | 'step';

export interface DispatchCase {
  readonly kind: 'dispatch';
  readonly id: string;
  readonly op: DispatchOp;
  /** Ops (or steps) per timed call. */
  readonly repeat: number;
  /** What one of them is, for the report: µs per `unit`. */
  readonly unit: 'op' | 'step';
}

export const dispatchCases: readonly DispatchCase[] = [
  { kind: 'dispatch', id: 'small op: add [8] + [8]', op: 'add', repeat: 1000, unit: 'op' },
  { kind: 'dispatch', id: 'tiny step: relu(x·W).sum() fwd+bwd, x [1,8], W [8,8]', op: 'step', repeat: 100, unit: 'step' },
];

export const SMALL = { n: 8 } as const;
export const TINY = { in: 8, out: 8 } as const;

/** The small op's operands. */
export function smallOpInputs(): { a: HostTensor; b: HostTensor } {
  return { a: uniform([SMALL.n], 80, -1, 1), b: uniform([SMALL.n], 81, -1, 1) };
}

/** The tiny step's input x [1, in] and weight W [in, out] (used as x·W, no transposes). */
export function tinyStepInputs(): { x: HostTensor; w: HostTensor } {
  return { x: uniform([1, TINY.in], 82, -1, 1), w: uniform([TINY.in, TINY.out], 83, -1, 1) };
}

export function smallOpExpected(): Float32Array {
  const { a, b } = smallOpInputs();
  return a.values.map((v, i) => v + b.values[i]!) as Float32Array;
}

/** ∂/∂W of relu(x·W).sum(): dW[i, j] = x[i] where (x·W)[j] > 0, else 0. */
export function tinyStepExpected(): Float32Array {
  const { x, w } = tinyStepInputs();
  const z = new Float64Array(TINY.out);
  for (let i = 0; i < TINY.in; i++) for (let j = 0; j < TINY.out; j++) z[j]! += x.values[i]! * w.values[i * TINY.out + j]!;
  const dw = new Float32Array(TINY.in * TINY.out);
  for (let i = 0; i < TINY.in; i++) for (let j = 0; j < TINY.out; j++) dw[i * TINY.out + j] = z[j]! > 0 ? x.values[i]! : 0;
  return dw;
}

/** Throws unless `actual` matches `expected` (float32 rounding aside). */
export function checkResult(what: string, actual: ArrayLike<number>, expected: Float32Array): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= 1e-5 + 1e-5 * Math.abs(expected[i]!))) {
      throw new Error(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}
