/**
 * Typed errors. Every error names the op that rejected its input, so a failure deep in a model
 * points at the call that received the bad value.
 *
 * @module
 */

/**
 * Base class of every error Profundo throws on bad input.
 *
 * @example
 * ```ts
 * try {
 *   add(zeros([2, 3]), zeros([4]));
 * } catch (e) {
 *   if (e instanceof ProfundoError) console.log(e.op); // 'add'
 * }
 * ```
 */
export class ProfundoError extends Error {
  /** The op or function that rejected its input. */
  readonly op: string;

  /** Creates an error whose message reads `op: message`. */
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
    this.name = new.target.name;
  }
}

/**
 * Shapes that do not fit the op: mismatched, not broadcastable, wrong rank, bad axis.
 *
 * @example
 * ```ts
 * try {
 *   add(zeros([2, 3]), zeros([4])); // [2, 3] and [4] do not broadcast
 * } catch (e) {
 *   e instanceof ShapeError; // true
 * }
 * ```
 */
export class ShapeError extends ProfundoError {}

/**
 * A dtype the op does not accept, or operands whose dtypes differ.
 *
 * @example
 * ```ts
 * try {
 *   mean(tensor([1, 2], { dtype: 'int32' })); // mean takes float32: cast first
 * } catch (e) {
 *   e instanceof DTypeError; // true
 * }
 * ```
 */
export class DTypeError extends ProfundoError {}

/**
 * A value out of the op's domain: a bad option, an index out of range, malformed data.
 *
 * @example
 * ```ts
 * try {
 *   arange(0, 1, 0); // a zero step
 * } catch (e) {
 *   e instanceof ValueError; // true
 * }
 * ```
 */
export class ValueError extends ProfundoError {}

/**
 * Use of a tensor after `dispose()` (directly or by the `tidy` that owned it).
 *
 * @example
 * ```ts
 * const t = tensor([1, 2]);
 * t.dispose();
 * try {
 *   t.add(1);
 * } catch (e) {
 *   e instanceof DisposedError; // true
 * }
 * ```
 */
export class DisposedError extends ProfundoError {}

/**
 * No backend available, an unknown backend name, or tensors from two different backends.
 *
 * @example
 * ```ts
 * try {
 *   await setBackend('tpu'); // never registered
 * } catch (e) {
 *   e instanceof BackendError; // true
 * }
 * ```
 */
export class BackendError extends ProfundoError {}

/**
 * Misuse of autograd, e.g. `backward()` on a non-scalar without a gradient.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * try {
 *   x.mul(2).backward(); // two outputs: pass their gradient, or reduce to a scalar first
 * } catch (e) {
 *   e instanceof GradError; // true
 * }
 * ```
 */
export class GradError extends ProfundoError {}

/**
 * A backend could not allocate memory for the op's result (a WebAssembly heap at its limit, a
 * GPU out of textures). Nothing was changed: live tensors stay intact.
 *
 * @example
 * ```ts
 * // 2^31 float32 values (8 GiB): more than a WebAssembly heap can address.
 * try { ones([1, 1]).expand([1 << 16, 1 << 15]); }
 * catch (e) { if (e instanceof OutOfMemoryError) console.log(e.op, e.bytes); } // 'expand' 8589934592
 * ```
 */
export class OutOfMemoryError extends ProfundoError {
  /** Bytes the op asked for. */
  readonly bytes: number;

  /** Creates an error for `op`, which asked for `bytes` more bytes. */
  constructor(op: string, bytes: number, message: string) {
    super(op, message);
    this.bytes = bytes;
  }
}

/**
 * An op made NaN or ±Infinity out of finite inputs while the `checkNumerics` debugging mode is
 * on (see `setCheckNumerics`). Its message names the op and its inputs' shapes.
 *
 * @example
 * ```ts
 * setCheckNumerics(true);
 * try {
 *   tensor([1, 0]).div(tensor([0, 0]));
 * } catch (e) {
 *   if (e instanceof NumericsError) console.log(e.message);
 *   // 'div: produced Infinity (at flat index 0 of its output [2]) from finite inputs of shapes [2], [2] ...'
 * } finally {
 *   setCheckNumerics(false);
 * }
 * ```
 */
export class NumericsError extends ProfundoError {}
