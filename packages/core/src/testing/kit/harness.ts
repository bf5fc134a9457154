/**
 * What every part of the conformance kit shares: the context a case runs in, the error it
 * throws, input values, and {@link callKernel}, which calls one kernel the way core would and
 * checks the contract's rules around every call (fresh result handle, typed array of the
 * result's dtype, inputs unchanged).
 *
 * @internal
 * @module
 */
import type { Backend, DataArray, DataHandle, DType, TensorInfo } from '../../backend/backend.js';
import { Generator } from '../../random.js';
import { sizeOf } from '../../shape.js';

/** Tolerance of value comparisons: `|actual - expected| <= atol + rtol · |expected|`. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** The largest int32 magnitude: what `maxExactInt` is when a backend does not declare it. */
export const FULL_INT32 = 2 ** 31 - 1;

/** Everything a case needs about the backend under test. */
export interface KitContext {
  /** The name the backend is registered under (what messages and `memory()` use). */
  readonly name: string;
  /** The backend instance under test. */
  readonly backend: Backend;
  /** The reference backend's name in the registry. */
  readonly referenceName: string;
  /** A reference backend instance for kernel-level comparisons. */
  readonly reference: Backend;
  readonly tol: Tolerance;
  readonly gradTol: Tolerance;
  readonly gradcheck: boolean;
  /** The backend's declared `maxExactInt` (full int32 range when absent). */
  readonly maxExactInt: number;
}

/** One case of the kit, bound to a context only when it runs. */
export interface KitCase {
  readonly name: string;
  /** Why the case does not apply to this backend, or undefined when it does. */
  skip?(ctx: KitContext): string | undefined;
  run(ctx: KitContext): Promise<void>;
}

/**
 * A conformance failure: names the backend, the kernel (or op, or memory rule) and the rule of
 * the contract it broke, then the evidence.
 */
export class ConformanceError extends Error {
  override name = 'ConformanceError';
  /** The kernel, op or memory function at fault, e.g. `'argmax'`, `'binary div int32'`, `'read'`. */
  readonly kernel: string;
  /** The rule of the contract that was broken. */
  readonly rule: string;

  /**
   * The message reads `backend: kernel: rule; detail`, or `backend: detail: rule` when the
   * detail already names the kernel (it starts with `kernel`).
   */
  constructor(backend: string, kernel: string, rule: string, detail: string) {
    super(detail.startsWith(kernel) ? `${backend}: ${detail}: ${rule}` : `${backend}: ${kernel}: ${rule}; ${detail}`);
    this.kernel = kernel;
    this.rule = rule;
  }
}

/** Skip reason of cases that need the full int32 range. */
export function needsFullInt32(ctx: KitContext): string | undefined {
  return ctx.maxExactInt >= FULL_INT32
    ? undefined
    : `the backend declares maxExactInt ${ctx.maxExactInt}: int32 results beyond ±${ctx.maxExactInt} are unspecified for it`;
}

/** Values of one kernel input, as written. */
export interface Input {
  readonly values: DataArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A float32 input (1-D when no shape is given). */
export function f32(values: readonly number[], shape: readonly number[] = [values.length]): Input {
  return { values: Float32Array.from(values), shape, dtype: 'float32' };
}
/** An int32 input. */
export function i32(values: readonly number[], shape: readonly number[] = [values.length]): Input {
  return { values: Int32Array.from(values), shape, dtype: 'int32' };
}
/** A bool input (0 / 1). */
export function b8(values: readonly number[], shape: readonly number[] = [values.length]): Input {
  return { values: Uint8Array.from(values), shape, dtype: 'bool' };
}

/** How the kit fills a random input. */
export type Fill =
  | 'normal'
  | 'positive'
  | 'large'
  | 'unit'
  | 'small'
  | { int: [number, number] }
  | { index: number }
  | 'bool';

/** A random input: shape, dtype and how to fill it. */
export interface RandomInput {
  readonly shape: readonly number[];
  readonly fill: Fill;
}

/** A float32 normal input of `shape`. */
export const normal = (...shape: number[]): RandomInput => ({ shape, fill: 'normal' });
/** Float32 in [0.5, 2). */
export const pos = (...shape: number[]): RandomInput => ({ shape, fill: 'positive' });
/** Float32 normal × 60 (saturates sigmoid, spreads pooling windows). */
export const big = (...shape: number[]): RandomInput => ({ shape, fill: 'large' });
/** Float32 in (0.05, 0.95). */
export const unit = (...shape: number[]): RandomInput => ({ shape, fill: 'unit' });
/** Float32 integers in [-2, 2] (ties and exact comparisons). */
export const small = (...shape: number[]): RandomInput => ({ shape, fill: 'small' });
/** Int32 in [lo, hi]. */
export const ints = (lo: number, hi: number, ...shape: number[]): RandomInput => ({ shape, fill: { int: [lo, hi] } });
/** Int32 indices in [0, high). */
export const idx = (shape: readonly number[], high: number): RandomInput => ({ shape, fill: { index: high } });
/** Bool. */
export const bools = (...shape: number[]): RandomInput => ({ shape, fill: 'bool' });

/** Fills `spec` from `rng`. */
export function randomInput(spec: RandomInput, rng: Generator): Input {
  const n = sizeOf(spec.shape);
  const fill = spec.fill;
  if (fill === 'bool') return { values: Uint8Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0)), shape: spec.shape, dtype: 'bool' };
  if (typeof fill === 'object' && 'int' in fill) {
    const [lo, hi] = fill.int;
    return { values: Int32Array.from({ length: n }, () => lo + rng.randint(hi - lo + 1)), shape: spec.shape, dtype: 'int32' };
  }
  if (typeof fill === 'object') return { values: Int32Array.from({ length: n }, () => rng.randint(fill.index)), shape: spec.shape, dtype: 'int32' };
  const draw = {
    normal: () => rng.normal(),
    positive: () => 0.5 + 1.5 * rng.uniform(),
    large: () => 60 * rng.normal(),
    unit: () => 0.05 + 0.9 * rng.uniform(),
    small: () => rng.randint(5) - 2,
  }[fill];
  return { values: Float32Array.from({ length: n }, draw), shape: spec.shape, dtype: 'float32' };
}

/** A generator seeded from a case's name, so a case's values do not depend on its position. */
export function rngFor(name: string): Generator {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return new Generator(h);
}

/** A number as messages show it (`-0` kept). */
export function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Up to 16 values of an array, as messages show them. */
export function fmtArray(a: ArrayLike<number>): string {
  const n = Math.min(a.length, 16);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(fmt(a[i]!));
  return `[${parts.join(', ')}${a.length > n ? `, … (${a.length})` : ''}]`;
}

const ARRAY_OF: Record<DType, string> = { float32: 'Float32Array', int32: 'Int32Array', bool: 'Uint8Array' };

/** Whether `v` is the typed array that carries `dtype`. */
export function isArrayOf(v: unknown, dtype: DType): v is DataArray {
  return dtype === 'float32' ? v instanceof Float32Array : dtype === 'int32' ? v instanceof Int32Array : v instanceof Uint8Array;
}

/** Same value, NaN equal to NaN and -0 told from 0 (as bits would, up to the NaN payload). */
export function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** A written tensor of the backend under test. */
interface Written {
  info: TensorInfo;
  input: Input;
}

/** Writes `input` (a copy: the backend may keep what it is given). */
export function writeInput(be: Backend, input: Input): TensorInfo {
  return { handle: be.write(input.values.slice() as never, input.shape, input.dtype), shape: input.shape, dtype: input.dtype };
}

/** Reads `info` and checks the array's type and length, naming `what`. */
export async function readChecked(ctx: { name: string }, be: Backend, info: TensorInfo, kernel: string, what: string): Promise<DataArray> {
  let values: DataArray;
  try {
    values = await be.read(info);
  } catch (e) {
    throw new ConformanceError(ctx.name, 'read', 'read resolves to the values of a live tensor', `reading ${what} of ${kernel} failed: ${(e as Error).message}`);
  }
  if (!isArrayOf(values, info.dtype)) {
    const got = (values as object | null)?.constructor?.name ?? String(values);
    throw new ConformanceError(ctx.name, kernel, `a ${info.dtype} result is read as ${ARRAY_OF[info.dtype]}`, `${what} was read as ${got}`);
  }
  const n = sizeOf(info.shape);
  if (values.length !== n) {
    throw new ConformanceError(ctx.name, kernel, `the result has shape [${info.shape.join(', ')}] (${n} elements)`, `${what} has ${values.length} elements`);
  }
  return values;
}

/** Compares read-back `values` of input `k` with what was written; `when` says at which point. */
function checkUnchanged(ctx: { name: string }, kernel: string, k: number, written: DataArray, values: DataArray, before: boolean): void {
  for (let i = 0; i < written.length; i++) {
    if (!sameValue(values[i]!, written[i]!)) {
      if (before) {
        throw new ConformanceError(ctx.name, 'write / read', 'reading a tensor gives back exactly the values written', `input ${k} of ${kernel}, element ${i}: wrote ${fmt(written[i]!)}, read ${fmt(values[i]!)}`);
      }
      throw new ConformanceError(ctx.name, `kernel ${kernel}`, 'kernels never mutate their inputs', `kernel ${kernel} mutated its input ${k} (element ${i} was ${fmt(written[i]!)}, now ${fmt(values[i]!)})`);
    }
  }
}

/**
 * Calls one kernel the way core does, with the contract's checks around it: writes `inputs`
 * (and reads them back: writing must round-trip), calls `call`, checks that the result is a
 * fresh handle read back as the typed array of `out.dtype` with `out.shape`'s size, reads
 * every input again (a kernel never mutates its inputs), and frees everything it made.
 * `kernel` names the kernel in messages, e.g. `'unary exp'`.
 */
export async function callKernel(
  ctx: { name: string },
  be: Backend,
  kernel: string,
  inputs: readonly Input[],
  call: (be: Backend, xs: TensorInfo[]) => DataHandle,
  out: { shape: readonly number[]; dtype: DType },
): Promise<DataArray> {
  const written: Written[] = [];
  let result: DataHandle | null = null;
  try {
    for (const input of inputs) written.push({ info: writeInput(be, input), input });
    for (let k = 0; k < written.length; k++) {
      const w = written[k]!;
      checkUnchanged(ctx, kernel, k, w.input.values, await readChecked(ctx, be, w.info, 'write', `input ${k}`), true);
    }
    try {
      result = call(be, written.map((w) => w.info));
    } catch (e) {
      throw new ConformanceError(ctx.name, `kernel ${kernel}`, 'the kernel accepts every input the contract allows', `it threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    if (result === null || typeof result !== 'object') {
      throw new ConformanceError(ctx.name, `kernel ${kernel}`, 'a kernel returns a handle (an object)', `it returned ${String(result)}`);
    }
    const k = written.findIndex((w) => w.info.handle === result);
    if (k >= 0) {
      result = null; // the input's handle: freed below, not twice
      throw new ConformanceError(ctx.name, `kernel ${kernel}`, 'a kernel returns a fresh handle', `it returned the handle of its input ${k}`);
    }
    const values = await readChecked(ctx, be, { handle: result, shape: out.shape, dtype: out.dtype }, `kernel ${kernel}`, 'its result');
    for (let k = 0; k < written.length; k++) {
      const w = written[k]!;
      checkUnchanged(ctx, kernel, k, w.input.values, await readChecked(ctx, be, w.info, `kernel ${kernel}`, `input ${k} after the call`), false);
    }
    return values;
  } finally {
    if (result !== null) be.dispose(result);
    for (const w of written) be.dispose(w.info.handle);
  }
}

/** An expectation for one element: `rule` says which rule of the contract fixes it. */
export interface Expect {
  /** Expected values (NaN where NaN is required). */
  values: readonly number[];
  /** The rule broken when they differ. */
  rule: string;
  /** Describes element `i` for messages, e.g. `sign(NaN)`. */
  at?: (i: number) => string;
}

/**
 * Checks `actual` against `expected`: NaN must be NaN, ±Infinity exact, integers (int32, bool)
 * exact, other values within `tol`. Throws a {@link ConformanceError} naming `kernel` and the rule.
 */
export function expectValues(
  ctx: { name: string },
  kernel: string,
  actual: ArrayLike<number>,
  expected: Expect,
  dtype: DType,
  tol: Tolerance,
): void {
  const e = expected.values;
  if (actual.length !== e.length) {
    throw new ConformanceError(ctx.name, kernel, expected.rule, `${actual.length} values, expected ${e.length}`);
  }
  for (let i = 0; i < e.length; i++) {
    const a = actual[i]!;
    const x = e[i]!;
    const ok = Number.isNaN(x)
      ? Number.isNaN(a)
      : !Number.isFinite(x) || dtype !== 'float32'
        ? a === x
        : Math.abs(a - x) <= tol.atol + tol.rtol * Math.abs(x);
    if (!ok) {
      const where = expected.at ? ` (${expected.at(i)})` : '';
      throw new ConformanceError(ctx.name, kernel, expected.rule, `element ${i}${where} is ${fmt(a)}, expected ${fmt(x)}`);
    }
  }
}

/** Compares two backends' results within `tol` (NaN matching NaN), for random cases. */
export function expectClose(ctx: { name: string }, kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>, dtype: DType, tol: Tolerance, what = 'matches the reference backend'): void {
  if (actual.length !== expected.length) throw new ConformanceError(ctx.name, kernel, what, `${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (dtype !== 'float32' || !(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) {
      throw new ConformanceError(ctx.name, kernel, what, `element ${i} is ${fmt(a)}, expected ${fmt(e)}${dtype === 'float32' ? ` (atol ${tol.atol}, rtol ${tol.rtol})` : ' (exact)'}`);
    }
  }
}
