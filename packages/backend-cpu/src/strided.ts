/**
 * Strided iteration shared by broadcasting, movement and reduction kernels.
 *
 * Every such kernel walks one or more arrays through a common index space (usually the output
 * shape), each array with its own strides (0 along broadcast axes). Collapsing that space first
 * (dropping size-1 axes, merging axes that are contiguous in every operand) turns most real
 * cases into a handful of long rows, so the per-row bookkeeping is paid rarely and the inner
 * loops are plain `for` loops over `offset + j * stride`.
 */

/** A collapsed iteration space: `shape` with one stride vector per operand. */
export interface Layout {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Strides that read an array of `inShape` as if it were broadcast to `outShape` (right-aligned,
 * stride 0 along axes where the input has size 1 or is missing).
 */
export function broadcastStrides(
  inShape: readonly number[],
  outShape: readonly number[],
): number[] {
  const rank = outShape.length;
  const offset = rank - inShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const d = inShape[i]!;
    strides[i + offset] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/**
 * Drops size-1 axes and merges neighbouring axes that every operand steps through
 * contiguously. The result always has rank >= 1 (a scalar becomes shape `[1]`).
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Layout {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  // Built innermost-first, reversed at the end.
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let k = 0; mergeable && k < strides.length; k++) {
      mergeable = strides[k]![d] === outStrides[k]![last]! * outShape[last]!;
    }
    if (mergeable) {
      outShape[last]! *= n;
    } else {
      outShape.push(n);
      for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  outShape.reverse();
  for (const s of outStrides) s.reverse();
  return { shape: outShape, strides: outStrides };
}

/**
 * Start offsets of every row (all axes but the last) of `shape` read with `strides`, in
 * row-major order. Precomputing them keeps odometer logic out of every kernel's hot loop.
 */
export function rowOffsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const rank = shape.length;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d]!;
  const out = new Int32Array(rows);
  if (rows === 0) return out;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let off = base;
  for (let r = 0; r < rows; r++) {
    out[r] = off;
    // Advance the odometer over the outer axes.
    for (let d = rank - 2; d >= 0; d--) {
      const s = strides[d]!;
      if (++idx[d]! < shape[d]!) {
        off += s;
        break;
      }
      off -= s * (shape[d]! - 1);
      idx[d] = 0;
    }
  }
  return out;
}

/** Any of the typed arrays a tensor lives in. */
type Arr = Float32Array | Int32Array | Uint8Array | Float64Array;

/**
 * Copies the box `shape` from `src` (read at `srcOffset` with `srcStrides`) into `dst`
 * (written at `dstOffset` with `dstStrides`). Permute, expand, slice, pad and concat are all
 * this one loop with different strides.
 */
export function copyStrided(
  src: Arr,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Arr,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  for (let d = 0; d < shape.length; d++) if (shape[d] === 0) return;
  const { shape: cs, strides } = collapse(shape, [srcStrides, dstStrides]);
  const ss = strides[0]!;
  const ds = strides[1]!;
  const last = cs.length - 1;
  const n = cs[last]!;
  const si = ss[last]!;
  const di = ds[last]!;
  const srcRows = rowOffsets(cs, ss, srcOffset);
  const dstRows = rowOffsets(cs, ds, dstOffset);
  for (let r = 0; r < srcRows.length; r++) {
    let s = srcRows[r]!;
    let o = dstRows[r]!;
    if (si === 1 && di === 1) {
      for (let j = 0; j < n; j++) dst[o + j] = src[s + j]!;
    } else {
      for (let j = 0; j < n; j++, s += si, o += di) dst[o] = src[s]!;
    }
  }
}
