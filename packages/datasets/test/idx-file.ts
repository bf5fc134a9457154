// IDX files written by hand, for the tests of the IDX reader and of loadMnistIdx.

/** An IDX file: magic `0x00 0x00 type ndims`, big-endian u32 dims, then `data` as given. */
export function idx(type: number, dims: number[], data: Uint8Array | number[] = [], ndims = dims.length): Uint8Array {
  const body = data instanceof Uint8Array ? data : Uint8Array.from(data);
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const v = new DataView(out.buffer);
  out.set([0, 0, type, ndims]);
  dims.forEach((d, k) => v.setUint32(4 + 4 * k, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}
