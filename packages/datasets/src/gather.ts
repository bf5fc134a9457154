/**
 * Row gathering for batches and splits.
 *
 * @internal
 * @module
 */
import { ValueError } from '@profundo/core';

/**
 * Copies row `indices[k]` of `src` (rows of `rowSize` values) to row `k` of `dst`, with no
 * allocation per row. Throws if an index is not an integer in [0, rows).
 */
export function gatherRows<A extends Float32Array | Int32Array>(
  op: string,
  src: A,
  rowSize: number,
  indices: ArrayLike<number>,
  dst: A,
): A {
  const rows = rowSize === 0 ? 0 : src.length / rowSize;
  for (let k = 0; k < indices.length; k++) {
    const r = indices[k];
    if (!(Number.isInteger(r) && r >= 0 && r < rows)) {
      throw new ValueError(op, `index ${r} (at position ${k}) is out of range for ${rows} samples`);
    }
    let from = r * rowSize;
    let to = k * rowSize;
    const end = to + rowSize;
    while (to < end) dst[to++] = src[from++];
  }
  return dst;
}
