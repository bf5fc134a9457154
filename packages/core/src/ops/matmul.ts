/**
 * Matrix products with NumPy's `matmul` rules, on top of one batched kernel that can read
 * either operand transposed (so backward never materializes a transpose).
 *
 * @module
 */
import { ShapeError, ValueError } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expand, reshape, squeeze } from './movement.js';
import { sum } from './reduce.js';
import { expectDType, runKernel, sameBackend } from './run.js';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Multiply by the first operand's transpose (of its last two dims), without materializing it. */
  transposeA?: boolean;
  /** Multiply by the second operand's transpose (of its last two dims), without materializing it. */
  transposeB?: boolean;
}

/**
 * Matrix product. 1-D operands are promoted to a row (left) or a column (right) and the
 * added dim is removed; dims before the last two are batch dims and broadcast.
 *
 * `transposeA` / `transposeB` (TensorFlow.js's `matMul` flags) multiply by an operand's
 * transpose (its last two dims swapped, rank >= 2): the backend's kernel reads the operand
 * transposed, so no transposed copy is made, in the forward pass or the backward. The result
 * equals `matmul(transpose(a), b)` and so on, without the copy `transpose` would make.
 *
 * @example
 * ```ts
 * matmul(ones([2, 3]), ones([3, 4])).shape;        // [2, 4]
 * matmul(ones([5, 2, 3]), ones([3, 4])).shape;     // [5, 2, 4]
 * matmul(ones([3]), ones([3])).shape;              // [] (dot product)
 * // x [N, in] times a weight stored [out, in], as Linear does: x @ wᵀ.
 * matmul(ones([8, 3]), ones([4, 3]), { transposeB: true }).shape; // [8, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  expectDType('matmul', a, ['float32'], 'first operand');
  expectDType('matmul', b, ['float32'], 'second operand');
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError('matmul', `needs operands of rank >= 1, got [${a.shape}] and [${b.shape}]`);
  }
  const transA = options.transposeA ?? false;
  const transB = options.transposeB ?? false;
  for (const [name, flag, t] of [['transposeA', transA, a], ['transposeB', transB, b]] as const) {
    if (typeof flag !== 'boolean') throw new ValueError('matmul', `${name} must be a boolean, got ${String(flag)}`);
    if (flag && t.rank < 2) throw new ShapeError('matmul', `${name} needs an operand of rank >= 2 (it swaps the last two dims), got [${t.shape}]`);
  }
  // Every check runs on shapes before any view is made, so a failed call allocates nothing.
  const aShape = a.rank === 1 ? [1, a.shape[0]!] : a.shape;
  const bShape = b.rank === 1 ? [b.shape[0]!, 1] : b.shape;
  const [ra, ca] = aShape.slice(-2) as [number, number];
  const [rb, cb] = bShape.slice(-2) as [number, number];
  const [m, k] = transA ? [ca, ra] : [ra, ca];
  const [k2, n] = transB ? [cb, rb] : [rb, cb];
  if (k !== k2) {
    const what = `[${a.shape}]${transA ? 'ᵀ' : ''} @ [${b.shape}]${transB ? 'ᵀ' : ''}`;
    throw new ShapeError('matmul', `inner dims differ: ${what} (${k} vs ${k2})`);
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  sameBackend('matmul', [a, b]);
  const a2 = a.rank === 1 ? reshape(a, aShape) : a;
  const b2 = b.rank === 1 ? reshape(b, bShape) : b;
  const out3 = matmul3(to3d(a2, batchA, batch, ra, ca), to3d(b2, batchB, batch, rb, cb), transA, transB);
  let out = reshape(out3, [...batch, m, n]);
  if (a.rank === 1) out = squeeze(out, -2);
  if (b.rank === 1) out = squeeze(out, -1);
  return out;
}

function to3d(x: Tensor, own: readonly number[], batch: readonly number[], r: number, c: number): Tensor {
  if (sizeOf(own) === 1) return reshape(x, [1, r, c]);
  const full = shapesEqual(own, batch) ? x : expand(x, [...batch, r, c]);
  return reshape(full, [sizeOf(batch), r, c]);
}

/**
 * @internal The batched kernel as a differentiable op: `op(a) @ op(b)` with `a`, `b` rank 3,
 * batch sizes equal or 1, `op` a transpose of the last two dims when its flag is set.
 */
export function matmul3(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const [ba, ra, ca] = a.shape as [number, number, number];
  const [bb, rb, cb] = b.shape as [number, number, number];
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const kb = transB ? cb : rb;
  const n = transB ? rb : cb;
  if (k !== kb || (ba !== bb && ba !== 1 && bb !== 1)) {
    throw new ShapeError('matmul', `cannot multiply [${a.shape}]${transA ? 'ᵀ' : ''} by [${b.shape}]${transB ? 'ᵀ' : ''}`);
  }
  const batch = ba === 1 ? bb : ba;
  return runKernel(
    'matmul',
    [a, b],
    [batch, m, n],
    'float32',
    (be, [ai, bi]) => be.matmul(ai!, bi!, transA, transB),
    (g) => {
      // d(op(a)) = g @ op(b)ᵀ and d(op(b)) = op(a)ᵀ @ g, rewritten with flags per case.
      const gradA = (): Tensor =>
        !transA ? matmul3(g, b, false, !transB) : transB ? matmul3(b, g, true, true) : matmul3(b, g, false, true);
      const gradB = (): Tensor =>
        !transB ? matmul3(a, g, !transA, false) : transA ? matmul3(g, a, true, true) : matmul3(g, a, true, false);
      return [a.requiresGrad ? reduceBatch(gradA(), ba) : null, b.requiresGrad ? reduceBatch(gradB(), bb) : null];
    },
  );
}

function reduceBatch(g: Tensor, batch: number): Tensor {
  return g.shape[0] === batch ? g : sum(g, 0, true);
}
