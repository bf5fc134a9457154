/**
 * Shape arithmetic shared by the kernels. Tensors are dense and row-major, so one helper,
 * {@link stridedOffsets}, expresses broadcasting, permutation, slicing, padding, concatenation,
 * reductions and indexing: each of them walks one shape in row-major order and reads or writes
 * another array through a set of strides.
 *
 * @module
 */

/** The number of elements of `shape` (1 for a scalar, 0 when a dim is 0). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: how far apart, in elements, neighbours along each axis are. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}

/**
 * Strides that read `inShape` as if it had `outShape`, NumPy style. Shapes are right-aligned:
 * `inShape` may have fewer dims than `outShape` (the missing leading dims count as 1), and an
 * input dim of 1 is repeated along the output dim (stride 0).
 */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const inStrides = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((_, d) => {
    const k = d - lead; // the input axis aligned with output axis d, if any
    return k < 0 || inShape[k] === 1 ? 0 : inStrides[k]!;
  });
}

/**
 * For every position of `shape`, in row-major order, the offset `base + Σ coord[d] · strides[d]`.
 *
 * Walks the coordinates like an odometer: bump the last axis, and when it rolls over, reset it
 * and carry into the axis before it.
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const n = sizeOf(shape);
  const offsets = new Int32Array(n);
  const coord = new Array<number>(shape.length).fill(0);
  let offset = base;
  for (let i = 0; i < n; i++) {
    offsets[i] = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      coord[d]!++;
      offset += strides[d]!;
      if (coord[d]! < shape[d]!) break;
      offset -= coord[d]! * strides[d]!;
      coord[d] = 0;
    }
  }
  return offsets;
}
