/**
 * The `checkNumerics` debugging mode: every op's float32 result is read back and checked, and
 * the first op that makes NaN or ±Infinity out of finite inputs throws a {@link NumericsError}.
 *
 * @module
 */
import type { DataArray } from './backend/backend.js';
import { backendLabel } from './backend/registry.js';
import { NumericsError, ValueError } from './errors.js';
import { tidy } from './memory.js';
import type { Tensor } from './tensor.js';

let enabled = false;
let suspended = 0;
const warned = new Set<string>();

/**
 * Turns the `checkNumerics` debugging mode on or off (off by default).
 *
 * While on, every op (forward and backward, fused kernels included) reads its float32 result
 * back synchronously; when the result holds NaN or ±Infinity and every float32 input was
 * finite, the op throws a {@link NumericsError} naming itself and its inputs' shapes, and its
 * result is freed. Non-finite values already present in the inputs propagate without error, so
 * the error points at the op where they first appear. Inputs count as a whole: an op with
 * one non-finite input element is not checked. Composite ops that mask non-finite
 * intermediates on purpose (max pooling's `-Infinity` padding, binary cross-entropy's clamped
 * logs) are checked as one op.
 *
 * Reading every result back is slow (on a GPU it waits for each kernel): use it to find the
 * op that breaks a training run, not in production. On a backend that can only read
 * asynchronously (no `readSync`, e.g. WebGPU) nothing is checked: the first op there logs one
 * `console.warn` per backend, and values are left as they are. Run the failing step on the
 * CPU backend to locate the op.
 *
 * @example
 * ```ts
 * const probs = tensor([[0.5, 0.5], [1, 0]]);
 * setCheckNumerics(true);
 * try {
 *   probs.log(); // log(0): -Infinity from finite inputs
 * } catch (e) {
 *   if (e instanceof NumericsError) console.log(e.message);
 *   // 'log: produced -Infinity (at flat index 3 of its output [2, 2]) from finite inputs of shapes [2, 2] ...'
 * } finally {
 *   setCheckNumerics(false);
 * }
 * ```
 */
export function setCheckNumerics(on: boolean): void {
  if (typeof on !== 'boolean') {
    throw new ValueError('setCheckNumerics', `needs true or false, got ${typeof on === 'string' ? JSON.stringify(on) : String(on)}`);
  }
  enabled = on;
}

/**
 * Whether the `checkNumerics` debugging mode is on; see {@link setCheckNumerics}.
 *
 * @example
 * ```ts
 * getCheckNumerics(); // false
 * ```
 */
export function getCheckNumerics(): boolean {
  return enabled;
}

/**
 * @internal Called by `runKernel` with each result: throws (after disposing `out`) when the
 * mode is on and `out` holds non-finite values although every float32 input is finite.
 */
export function checkResult(op: string, inputs: readonly Tensor[], out: Tensor): void {
  if (!enabled || suspended > 0 || out.dtype !== 'float32' || out.size === 0) return;
  const backend = out.backend(op);
  if (!backend.readSync) {
    const name = backendLabel(backend);
    if (!warned.has(name)) {
      warned.add(name);
      console.warn(
        `checkNumerics: backend '${name}' can only read asynchronously, so ops on it are not checked ` +
          '(run the step on a backend that reads synchronously, e.g. the CPU backend, to locate a NaN)',
      );
    }
    return;
  }
  const values = backend.readSync(out.info(op));
  const bad = firstNonFinite(values);
  if (bad < 0) return;
  for (const t of inputs) {
    if (t.dtype === 'float32' && t.size > 0 && firstNonFinite(backend.readSync(t.info(op))) >= 0) return;
  }
  const v = values[bad]!;
  const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const shapes = inputs.map((t) => `[${t.shape}]`).join(', ');
  out.dispose();
  throw new NumericsError(
    op,
    `produced ${what} (at flat index ${bad} of its output [${out.shape}]) from finite inputs of shapes ${shapes || '(none)'} ` +
      '(checkNumerics is on)',
  );
}

/**
 * @internal Runs the composite `fn` as one op for `checkNumerics`: its inner ops are not
 * checked, and its result is checked against `inputs`. For composites that produce and then
 * mask non-finite intermediates on purpose.
 */
export function asOneOp(op: string, inputs: readonly Tensor[], fn: () => Tensor): Tensor {
  if (!enabled) return fn();
  suspended++;
  let out: Tensor;
  try {
    out = tidy(fn); // so that a throw below leaves none of the composite's intermediates
  } finally {
    suspended--;
  }
  checkResult(op, inputs, out);
  return out;
}

/** @internal Runs `fn` with `checkNumerics` suspended (e.g. padding with a non-finite value). */
export function uncheckedNumerics<T>(fn: () => T): T {
  suspended++;
  try {
    return fn();
  } finally {
    suspended--;
  }
}

function firstNonFinite(values: DataArray): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}
