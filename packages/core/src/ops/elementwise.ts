/**
 * Element-wise ops with NumPy broadcasting, each with its backward rule beside it.
 *
 * @module
 */
import type { BinaryOp, DType, UnaryOp } from '../backend/backend.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { fromArray, type Tensor, type TensorLike } from '../tensor.js';
import { expectDType, freeOnError, runKernel } from './run.js';
import { noGrad, record } from '../autograd/graph.js';
import { sumTo } from './reduce.js';
import { cast } from './cast.js';
import { checkValue } from './creation.js';

/** @internal Turns numbers into scalars matching the tensor operand; checks dtypes agree. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new DTypeError(op, 'needs at least one tensor operand, got two numbers');
  }
  const x = typeof a === 'number' ? scalarLike(op, a, b as Tensor) : a;
  const y = typeof b === 'number' ? scalarLike(op, b, a as Tensor) : b;
  if (x.dtype !== y.dtype) {
    throw new DTypeError(op, `operands have different dtypes (${x.dtype} and ${y.dtype}); cast one explicitly`);
  }
  return [x, y];
}

function scalarLike(op: string, value: number, like: Tensor): Tensor {
  const dtype: DType = like.dtype;
  if (dtype !== 'float32' && !Number.isInteger(value)) {
    throw new DTypeError(op, `number ${value} cannot be combined with a ${dtype} tensor without a cast`);
  }
  // int32: in range; bool: 0 or 1 (a 2 would silently become true).
  if (dtype !== 'float32') checkValue(op, value, dtype, ' (a number operand)');
  const values = dtype === 'float32' ? new Float32Array([value]) : dtype === 'int32' ? new Int32Array([value]) : new Uint8Array([value ? 1 : 0]);
  return fromArray(values, [], dtype, like.backend(op));
}

/** @internal Runs a broadcasting binary kernel. */
export function binary(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  backward?: (g: Tensor, x: Tensor, y: Tensor, out: Tensor) => [Tensor | null, Tensor | null],
): Tensor {
  checkBoolArithmetic(op, a, b);
  const [x, y] = operands(op, a, b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  const isComparison = op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
  let out: Tensor;
  try {
    out = runKernel(
      op,
      [x, y],
      shape,
      isComparison ? 'bool' : x.dtype,
      (be, [xi, yi]) => be.binary(op, xi!, yi!, shape),
      backward && ((g) => backward(g, x, y, out)),
    );
  } catch (e) {
    // A failed op leaves nothing behind: free the scalar made for a number operand.
    if (typeof a === 'number') x.dispose();
    else if (typeof b === 'number') y.dispose();
    throw e;
  }
  return out;
}

const ARITHMETIC: ReadonlySet<BinaryOp> = new Set(['add', 'sub', 'mul', 'div', 'pow']);

/**
 * Arithmetic is not defined on bool (the backend contract gives bool only `maximum` / `minimum`,
 * i.e. or / and, and the comparisons): a bool operand must be cast first. Checked before any
 * scalar is made for a number operand, so a failed call leaves nothing behind.
 */
function checkBoolArithmetic(op: BinaryOp, a: TensorLike, b: TensorLike): void {
  if (!ARITHMETIC.has(op)) return;
  const tensors = [a, b].filter((v): v is Tensor => typeof v !== 'number');
  if (tensors.length > 0 && tensors.every((t) => t.dtype === 'bool')) {
    throw new DTypeError(
      op,
      'got bool operands; arithmetic is not defined on bool (use maximum / minimum for logical or / and, or cast to int32 or float32 first)',
    );
  }
}

/** @internal Runs a unary kernel on float32 (or on the dtypes listed). */
export function unary(
  op: UnaryOp,
  x: Tensor,
  backward?: (g: Tensor, out: Tensor) => Tensor,
  dtypes: readonly DType[] = ['float32'],
): Tensor {
  expectDType(op, x, dtypes);
  const out: Tensor = runKernel(op, [x], x.shape, x.dtype, (be, [xi]) => be.unary(op, xi!), backward && ((g) => [backward(g, out)]));
  return out;
}

/** A float 0/1 mask from a bool tensor. */
function mask(b: Tensor): Tensor {
  return cast(b, 'float32');
}

/**
 * `a + b` with broadcasting.
 *
 * @example
 * ```ts
 * add(tensor([[1], [2]]), tensor([10, 20])); // [[11, 21], [12, 22]]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('add', a, b, (g, x, y) => [sumTo(g, x.shape), sumTo(g, y.shape)]);
}

/**
 * `a - b` with broadcasting.
 *
 * @example
 * ```ts
 * sub(tensor([5, 7]), tensor([1, 2])); // [4, 5]
 * sub(1, tensor([0.25, 1]));           // [0.75, 0]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('sub', a, b, (g, x, y) => [sumTo(g, x.shape), sumTo(neg(g), y.shape)]);
}

/**
 * `a * b` with broadcasting.
 *
 * @example
 * ```ts
 * mul(tensor([[1, 2], [3, 4]]), tensor([10, 100])); // [[10, 200], [30, 400]]
 * mul(tensor([1, 2]), 0.5);                         // [0.5, 1]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b, (g, x, y) => [sumTo(mul(g, y), x.shape), sumTo(mul(g, x), y.shape)]);
}

/**
 * `a / b` with broadcasting (int32 division truncates toward zero).
 *
 * @example
 * ```ts
 * div(tensor([1, 3]), 2);                            // [0.5, 1.5]
 * div(tensor([7, -7], { dtype: 'int32' }), 2);       // [3, -3]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary('div', a, b, (g, x, y, out) => [
    sumTo(div(g, y), x.shape),
    sumTo(neg(div(mul(g, out), y)), y.shape),
  ]);
}

/**
 * `a ** b` with broadcasting. The gradient with respect to `b` uses `log(a)` where `a > 0`
 * and 0 elsewhere, as TensorFlow.js does.
 *
 * @example
 * ```ts
 * pow(tensor([1, 2, 3]), 2); // [1, 4, 9]
 * pow(2, tensor([0, 1, 3])); // [1, 2, 8]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary('pow', a, b, (g, x, y, out) => {
    const gx = sumTo(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape);
    // log(x) where x > 0, else 0; masked before the log, so no NaN appears even transiently.
    const gy = y.requiresGrad ? sumTo(mul(g, mul(out, log(where(gt(x, 0), x, 1)))), y.shape) : null;
    return [gx, gy];
  });
}

/**
 * PyTorch's tie rule for maximum / minimum: each operand's share of the gradient is 1 where it
 * wins (or where the comparison is undecided, NaN), 0 where it loses, and 1/2 where the two
 * are equal. `loses(x, y)` says where `x` loses.
 */
function tieShares(x: Tensor, y: Tensor, xLoses: (x: Tensor, y: Tensor) => Tensor, yLoses: (x: Tensor, y: Tensor) => Tensor): [Tensor, Tensor] {
  const half = mul(mask(eq(x, y)), 0.5);
  const sx = sub(sub(1, mask(xLoses(x, y))), half);
  const sy = sub(sub(1, mask(yLoses(x, y))), half);
  return [sx, sy];
}

/**
 * Element-wise maximum. Tie rule (PyTorch's): where `a` and `b` are equal each gets half the
 * gradient; where either is NaN (the result is NaN) both get all of it.
 *
 * @example
 * ```ts
 * maximum(tensor([1, 5, 3]), tensor([4, 2, 3])); // [4, 5, 3]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('maximum', a, b, (g, x, y) => {
    const [sx, sy] = tieShares(x, y, lt, gt);
    return [sumTo(mul(g, sx), x.shape), sumTo(mul(g, sy), y.shape)];
  });
}

/**
 * Element-wise minimum. Tie rule (PyTorch's): where `a` and `b` are equal each gets half the
 * gradient; where either is NaN both get all of it.
 *
 * @example
 * ```ts
 * minimum(tensor([1, 5, 3]), 2); // [1, 2, 2]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary('minimum', a, b, (g, x, y) => {
    const [sx, sy] = tieShares(x, y, gt, lt);
    return [sumTo(mul(g, sx), x.shape), sumTo(mul(g, sy), y.shape)];
  });
}

/**
 * `a == b` element-wise, as bool.
 *
 * @example
 * ```ts
 * eq(tensor([1, 2, 3]), tensor([1, 0, 3])); // [true, false, true]
 * // Accuracy: the share of predictions equal to the labels.
 * const labels = tensor([2, 0], { dtype: 'int32' });
 * eq(argmax(tensor([[0.1, 0.2, 0.7], [0.3, 0.6, 0.1]]), 1), labels).cast('float32').mean().item(); // 0.5
 * ```
 */
export function eq(a: TensorLike, b: TensorLike): Tensor { return binary('eq', a, b); }
/**
 * `a != b` element-wise, as bool.
 *
 * @example
 * ```ts
 * ne(tensor([1, 2, 3]), 2); // [true, false, true]
 * ```
 */
export function ne(a: TensorLike, b: TensorLike): Tensor { return binary('ne', a, b); }
/**
 * `a < b` element-wise, as bool.
 *
 * @example
 * ```ts
 * lt(tensor([1, 2, 3]), 2); // [true, false, false]
 * ```
 */
export function lt(a: TensorLike, b: TensorLike): Tensor { return binary('lt', a, b); }
/**
 * `a <= b` element-wise, as bool.
 *
 * @example
 * ```ts
 * le(tensor([1, 2, 3]), 2); // [true, true, false]
 * ```
 */
export function le(a: TensorLike, b: TensorLike): Tensor { return binary('le', a, b); }
/**
 * `a > b` element-wise, as bool.
 *
 * @example
 * ```ts
 * gt(tensor([1, 2, 3]), 2); // [false, false, true]
 * ```
 */
export function gt(a: TensorLike, b: TensorLike): Tensor { return binary('gt', a, b); }
/**
 * `a >= b` element-wise, as bool.
 *
 * @example
 * ```ts
 * ge(tensor([1, 2, 3]), 2); // [false, true, true]
 * ```
 */
export function ge(a: TensorLike, b: TensorLike): Tensor { return binary('ge', a, b); }

/**
 * `-x`.
 *
 * @example
 * ```ts
 * neg(tensor([1, -2, 0.5])); // [-1, 2, -0.5]
 * ```
 */
export function neg(x: Tensor): Tensor {
  return unary('neg', x, (g) => neg(g), ['float32', 'int32']);
}

/**
 * `e ** x`.
 *
 * @example
 * ```ts
 * exp(tensor([0, 1, 2])); // [1, 2.7183, 7.3891]
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unary('exp', x, (g, out) => mul(g, out));
}

/**
 * Natural logarithm.
 *
 * @example
 * ```ts
 * log(tensor([1, Math.E, 10])); // [0, 1, 2.3026]
 * ```
 */
export function log(x: Tensor): Tensor {
  return unary('log', x, (g) => div(g, x));
}

/**
 * Square root.
 *
 * @example
 * ```ts
 * sqrt(tensor([4, 9, 2])); // [2, 3, 1.4142]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return unary('sqrt', x, (g, out) => div(g, mul(out, 2)));
}

/**
 * `x * x`.
 *
 * @example
 * ```ts
 * square(tensor([-3, 0.5])); // [9, 0.25]
 * ```
 */
export function square(x: Tensor): Tensor {
  expectDType('square', x, ['float32', 'int32']);
  return mul(x, x);
}

/**
 * Absolute value (gradient 0 at 0).
 *
 * @example
 * ```ts
 * abs(tensor([-2, 0, 3])); // [2, 0, 3]
 * ```
 */
export function abs(x: Tensor): Tensor {
  return unary('abs', x, (g) => mul(g, sign(x)), ['float32', 'int32']);
}

/**
 * -1, 0 or 1 by the sign of each element (gradient 0).
 *
 * @example
 * ```ts
 * sign(tensor([-2, 0, 3])); // [-1, 0, 1]
 * ```
 */
export function sign(x: Tensor): Tensor {
  return unary('sign', x, (g) => mul(g, 0), ['float32', 'int32']);
}

/**
 * `max(x, 0)` (gradient 0 at 0).
 *
 * @example
 * ```ts
 * relu(tensor([-1, 0, 2])); // [0, 0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  return unary('relu', x, (g) => mul(g, mask(gt(x, 0))), ['float32', 'int32']);
}

/**
 * Logistic sigmoid `1 / (1 + e^-x)`.
 *
 * @example
 * ```ts
 * sigmoid(tensor([0, 2])); // [0.5, 0.8808]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return unary('sigmoid', x, (g, out) => mul(g, mul(out, sub(1, out))));
}

/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * tanh(tensor([0, 1])); // [0, 0.7616]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return unary('tanh', x, (g, out) => mul(g, sub(1, mul(out, out))));
}

/**
 * The error function.
 *
 * @example
 * ```ts
 * erf(tensor([0, 1])); // [0, 0.8427]
 * ```
 */
export function erf(x: Tensor): Tensor {
  return unary('erf', x, (g) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))));
}

/**
 * Sine.
 *
 * @example
 * ```ts
 * sin(tensor([0, Math.PI / 2])); // [0, 1]
 * ```
 */
export function sin(x: Tensor): Tensor {
  return unary('sin', x, (g) => mul(g, cos(x)));
}

/**
 * Cosine.
 *
 * @example
 * ```ts
 * cos(tensor([0, Math.PI])); // [1, -1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  return unary('cos', x, (g) => neg(mul(g, sin(x))));
}

/**
 * Clamps every element into `[min, max]`; either bound may be omitted. The gradient passes
 * in full where the input is within the bounds, bounds included (PyTorch's rule), and is 0
 * outside them and at NaN.
 *
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1); // [0, 0.5, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  expectDType('clamp', x, ['float32', 'int32']);
  for (const bound of [min, max]) {
    if (bound !== undefined && x.dtype !== 'float32' && !Number.isInteger(bound)) {
      throw new DTypeError('clamp', `bound ${bound} cannot be applied to a ${x.dtype} tensor without a cast`);
    }
    if (bound !== undefined && x.dtype === 'int32') checkValue('clamp', bound, 'int32', ' (a bound)');
  }
  if (min === undefined && max === undefined) return x;
  const y = noGrad(() => {
    let v = x;
    if (min !== undefined) v = maximum(v, min);
    if (max !== undefined) v = minimum(v, max);
    return v;
  });
  // PyTorch's rule: the full gradient where min <= x <= max, bounds included; none outside (or at NaN).
  return record(y, 'clamp', [x], (g) => {
    let inside = min !== undefined ? ge(x, min) : null;
    if (max !== undefined) inside = inside ? minimum(inside, le(x, max)) : le(x, max);
    return [mul(g, mask(inside!))];
  });
}

/**
 * `cond ? a : b` element-wise with broadcasting; `cond` is bool.
 *
 * @example
 * ```ts
 * const x = tensor([-1, 2, -3]);
 * where(gt(x, 0), x, 0); // [0, 2, 0]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  expectDType('where', cond, ['bool'], 'condition');
  // Shapes first: a number operand becomes a scalar tensor only once the call cannot fail.
  const shapeOf = (v: TensorLike): readonly number[] => (typeof v === 'number' ? [] : v.shape);
  const shape = broadcastShapes('where', cond.shape, shapeOf(a), shapeOf(b));
  const [x, y] = operands('where', a, b);
  return freeOnError(madeScalars(a, b, x, y), () =>
    runKernel(
      'where',
      [cond, x, y],
      shape,
      x.dtype,
      (be, [c, xi, yi]) => be.where(c!, xi!, yi!, shape),
      (g) => [null, sumTo(mul(g, mask(cond)), x.shape), sumTo(mul(g, mask(eq(cond, 0))), y.shape)],
    ),
  );
}

/** The scalars {@link operands} made for number operands (to free if the op fails). */
function madeScalars(a: TensorLike, b: TensorLike, x: Tensor, y: Tensor): Tensor[] {
  return typeof a === 'number' ? [x] : typeof b === 'number' ? [y] : [];
}
