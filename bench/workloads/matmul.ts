/**
 * Matmul workloads: square products, the transposed variants at 512, and the three products of
 * the MLP's first layer (forward, weight gradient, input gradient) with the operands stored as
 * a backward pass holds them (so the gradients use the transpose flags, not copies).
 */
import { uniform, type HostTensor } from '../harness/data.js';

export interface MatmulCase {
  readonly kind: 'matmul';
  /** Row label, unique within the group. */
  readonly id: string;
  /** C[m, n] = op(A)[m, k] · op(B)[k, n]. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** A is stored `[k, m]` and used transposed. */
  readonly transA: boolean;
  /** B is stored `[n, k]` and used transposed. */
  readonly transB: boolean;
  readonly flops: number;
}

function mm(id: string, m: number, k: number, n: number, transA = false, transB = false): MatmulCase {
  return { kind: 'matmul', id, m, k, n, transA, transB, flops: 2 * m * k * n };
}

export const matmulCases: readonly MatmulCase[] = [
  mm('128³', 128, 128, 128),
  mm('256³', 256, 256, 256),
  mm('512³', 512, 512, 512),
  mm('1024³', 1024, 1024, 1024),
  mm('512³ Aᵀ·B', 512, 512, 512, true, false),
  mm('512³ A·Bᵀ', 512, 512, 512, false, true),
  mm('512³ Aᵀ·Bᵀ', 512, 512, 512, true, true),
  mm('MLP x·W 64×784·784×256', 64, 784, 256),
  mm('MLP dW=xᵀ·dy 784×64·64×256', 784, 64, 256, true, false),
  mm('MLP dx=dy·Wᵀ 64×256·256×784', 64, 256, 784, false, true),
];

/** A and B as stored (already transposed where the case says so). */
export function matmulInputs(c: MatmulCase): { a: HostTensor; b: HostTensor } {
  return {
    a: uniform(c.transA ? [c.k, c.m] : [c.m, c.k], 1),
    b: uniform(c.transB ? [c.n, c.k] : [c.k, c.n], 2),
  };
}
