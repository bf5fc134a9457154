/**
 * Shape arithmetic shared by ops: sizes, broadcasting, axis normalization.
 *
 * @module
 */
import { ShapeError, ValueError } from './errors.js';

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * sizeOf([2, 3, 4]); // 24
 * sizeOf([]);        // 1 (a scalar)
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** @internal Whether two shapes are equal. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal NumPy broadcasting of several shapes; throws a ShapeError naming `op`. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  if (shapes.length === 2 && sameShape(shapes[0]!, shapes[1]!)) return shapes[0]!.slice();
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      const o = out[i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[i] = d;
      else {
        throw new ShapeError(
          op,
          `shapes ${shapes.map((x) => `[${x}]`).join(' and ')} cannot be broadcast together (dim ${i - rank} is ${o} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/** @internal Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal Maps a possibly negative axis into `[0, rank)`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, `dim ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** @internal Normalizes, sorts and checks a set of axes (all axes when undefined). */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(op, a, rank)).sort((a, b) => a - b);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw new ShapeError(op, `dim ${out[i]} appears twice in [${list}]`);
  }
  return out;
}

/** @internal Checks that every entry of a shape is a non-negative integer. */
export function checkShape(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(op, `shape [${shape}] must hold non-negative integers`);
    }
  }
}
