/**
 * The IDX format of LeCun's MNIST files: a validating, backend-free parser.
 *
 * @module
 */
import { ValueError } from '@profundo/core';

/**
 * Element types of IDX files, by the type code in the magic number: `0x08` uint8 (what MNIST
 * uses), `0x09` int8, `0x0B` int16, `0x0C` int32, `0x0D` float32, `0x0E` float64.
 *
 * @example
 * ```ts
 * const bytes = Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 1, 5); // one uint8 value, 5
 * const dtype: IdxDType = parseIdx(bytes).dtype; // 'uint8' (as in MNIST)
 * ```
 */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * The typed array {@link parseIdx} returns for each {@link IdxDType}.
 *
 * @example
 * ```ts
 * const pixels: IdxArrayFor<'uint8'> = new Uint8Array(784);
 * ```
 */
export type IdxArrayFor<D extends IdxDType> = {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}[D];

/**
 * The contents of an IDX file: element type, dimensions (outermost first) and the values in
 * row-major (C) order, converted from the file's big-endian layout to a native typed array.
 *
 * @example
 * ```ts
 * // One 2×2 image: magic (uint8, 3 dims), the sizes 1, 2, 2, then the pixels.
 * const bytes = Uint8Array.of(0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 255, 0);
 * const images: IdxData = parseIdx(bytes);
 * images.shape; // [1, 2, 2] (MNIST's training images: [60000, 28, 28])
 * ```
 */
export type IdxData = { [D in IdxDType]: { dtype: D; shape: number[]; data: IdxArrayFor<D> } }[IdxDType];

const TYPES: ReadonlyMap<number, { dtype: IdxDType; size: number }> = new Map([
  [0x08, { dtype: 'uint8', size: 1 }],
  [0x09, { dtype: 'int8', size: 1 }],
  [0x0b, { dtype: 'int16', size: 2 }],
  [0x0c, { dtype: 'int32', size: 4 }],
  [0x0d, { dtype: 'float32', size: 4 }],
  [0x0e, { dtype: 'float64', size: 8 }],
]);

/**
 * Parses an IDX file (the format of LeCun's MNIST files, uncompressed) into a typed array.
 *
 * The layout: a 4-byte magic number `0x00 0x00 <type code> <number of dimensions>`, then
 * each dimension's size as a big-endian unsigned 32-bit integer, then the values,
 * big-endian, row-major. Everything is checked before any value is read: the two zero bytes,
 * a known type code, at least one dimension, all dimension sizes present, and a data section
 * of exactly `product(dims) × element size` bytes (a truncated file and trailing bytes are
 * both rejected). Failures throw a `ValueError` from op `parseIdx` saying what was found.
 * Gzipped files (`.gz`) must be decompressed first; {@link loadMnistIdx} does that.
 *
 * @param bytes - The whole file.
 * @param name - What to call the file in error messages (default `'the file'`).
 * @returns The element type, the dimensions and a fresh native typed array of the values.
 *
 * @example
 * ```ts
 * // In Node, a file's bytes: parseIdx(await readFile('t10k-labels-idx1-ubyte')).
 * // Here, a file of three labels: magic 0x00 0x00 0x08 (uint8) 0x01 (1 dim), the size 3, the values.
 * const labels = parseIdx(Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1));
 * labels.dtype; // 'uint8'
 * labels.shape; // [3]
 * labels.data;  // [7, 2, 1]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'the file'): IdxData {
  return parseIdxAs('parseIdx', bytes, name);
}

/** @internal {@link parseIdx}, with errors attributed to `op` (the caller's public function). */
export function parseIdxAs(op: string, bytes: Uint8Array, name: string): IdxData {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(op, `${name}: expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  if (bytes.length < 4) {
    throw new ValueError(op, `${name} is ${bytes.length} bytes long; an IDX file starts with a 4-byte magic number`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new ValueError(op, `${name} is gzip-compressed; decompress it first (loadMnistIdx does)`);
  }
  const hex = (k: number) => `0x${bytes[k]!.toString(16).padStart(2, '0')}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      op,
      `${name} does not start with an IDX magic number: its first two bytes are ${hex(0)} ${hex(1)}, not 0x00 0x00`,
    );
  }
  const type = TYPES.get(bytes[2]!);
  if (!type) {
    throw new ValueError(
      op,
      `${name} has unknown IDX type code ${hex(2)}; known: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64`,
    );
  }
  const ndims = bytes[3]!;
  if (ndims === 0) throw new ValueError(op, `${name} declares 0 dimensions; an IDX file has at least one`);
  const dataStart = 4 + 4 * ndims;
  if (bytes.length < dataStart) {
    throw new ValueError(
      op,
      `${name} declares ${ndims} dimensions, which need ${dataStart} header bytes, but the file is ${bytes.length} bytes long (truncated)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndims }, (_, k) => view.getUint32(4 + 4 * k, false));
  const available = bytes.length - dataStart;
  // Multiply with an early exit once past the file, so the arithmetic stays exact.
  let count = shape.includes(0) ? 0 : 1;
  let exceeded = false;
  for (const d of count === 0 ? [] : shape) {
    count *= d;
    if (count * type.size > available) {
      exceeded = true;
      break;
    }
  }
  const dims = `${type.dtype} dimensions [${shape.join(', ')}]`;
  if (exceeded) {
    const full = shape.reduce((a, d) => a * d, type.size);
    throw new ValueError(
      op,
      `${name} is truncated: it holds ${available} data bytes, but ${dims} need ${Number.isSafeInteger(full) ? full : 'more than 2^53'}`,
    );
  }
  const needed = count * type.size;
  if (needed !== available) {
    throw new ValueError(
      op,
      `${name} has ${available - needed} trailing bytes after the data: it holds ${available} data bytes, but ${dims} need ${needed}`,
    );
  }
  return { dtype: type.dtype, shape, data: readValues(view, dataStart, count, type.dtype) } as IdxData;
}

function readValues(view: DataView, from: number, count: number, dtype: IdxDType): IdxArrayFor<IdxDType> {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + from, count * TYPE_SIZE[dtype]);
  switch (dtype) {
    // Copies made with constructors: `slice` on a Node Buffer would return a view instead.
    case 'uint8':
      return new Uint8Array(bytes);
    case 'int8':
      return new Int8Array(new Uint8Array(bytes).buffer);
    case 'int16': {
      const out = new Int16Array(count);
      for (let k = 0; k < count; k++) out[k] = view.getInt16(from + 2 * k, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let k = 0; k < count; k++) out[k] = view.getInt32(from + 4 * k, false);
      return out;
    }
    case 'float32': {
      // Bit patterns as integers, so NaN payloads survive the byte swap unchanged.
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let k = 0; k < count; k++) bits[k] = view.getUint32(from + 4 * k, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      const halves = new Uint32Array(out.buffer);
      const le = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
      for (let k = 0; k < count; k++) {
        const hi = view.getUint32(from + 8 * k, false);
        const lo = view.getUint32(from + 8 * k + 4, false);
        halves[2 * k] = le ? lo : hi;
        halves[2 * k + 1] = le ? hi : lo;
      }
      return out;
    }
  }
}

const TYPE_SIZE: Readonly<Record<IdxDType, number>> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

/**
 * Whether `bytes` starts like a gzip stream (`0x1f 0x8b`), as `.gz` MNIST downloads do. An IDX
 * file never does: its first two bytes are zero.
 *
 * @example
 * ```ts
 * isGzip(Uint8Array.of(0x1f, 0x8b, 0x08, 0)); // true (e.g. the bytes of train-images-idx3-ubyte.gz)
 * isGzip(Uint8Array.of(0, 0, 0x08, 3));       // false (an IDX file)
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
