/**
 * Writing safetensors files from typed arrays, backend-free.
 *
 * @module
 */
import type { DType } from '../backend/backend.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import {
  FILE_DTYPE,
  HOST_IS_LITTLE_ENDIAN,
  WRITE_RANK,
  compareCodePoints,
  isWellFormedUnicode,
  type SafetensorsTensor,
} from './safetensors-format.js';

const OP = 'serializeSafetensors';

const ARRAY_FOR: Readonly<Record<DType, string>> = { float32: 'Float32Array', int32: 'Int32Array', bool: 'Uint8Array' };

/**
 * Builds the bytes of a safetensors file from typed arrays, laid out exactly as the reference
 * implementation (Hugging Face's `safetensors`) lays them out: the 8-byte little-endian header
 * length; a compact JSON header with `__metadata__` first (when given and not empty), then the
 * tensors ordered by decreasing alignment (F32, then I32, then BOOL) and by name within a
 * dtype, each as `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}`; the header padded
 * with spaces to a multiple of 8 bytes, so every tensor's data starts 8-byte aligned; then
 * the values, little-endian, back to back in the same order.
 *
 * Each tensor is checked first: a known dtype, a shape of non-negative integers, `data` of
 * the dtype's typed array with one value per element, `bool` values 0 or 1, a name that is
 * not `__metadata__` and is well-formed Unicode. Metadata values must be strings.
 *
 * @param tensors - The tensors by name.
 * @param metadata - Optional string-to-string entries for the header's `__metadata__`.
 * @returns The file's bytes.
 * @throws ValueError, ShapeError or DTypeError naming the offending tensor.
 *
 * @example
 * ```ts
 * const bytes = serializeSafetensors(
 *   { 'fc.bias': { dtype: 'float32', shape: [2], data: Float32Array.of(0.5, -1) } },
 *   { format: 'pt' },
 * );
 * parseSafetensors(bytes).tensors['fc.bias'].data; // Float32Array [0.5, -1]
 * ```
 */
export function serializeSafetensors(
  tensors: Readonly<Record<string, SafetensorsTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array<ArrayBuffer> {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new ValueError(OP, `tensors must be an object mapping names to { dtype, shape, data }, got ${typeof tensors}`);
  }
  const items = Object.entries(tensors).map(([name, t]) => checkTensor(name, t));
  items.sort((a, b) => WRITE_RANK[a.dtype] - WRITE_RANK[b.dtype] || compareCodePoints(a.name, b.name));

  let header = '{';
  const meta = checkMetadata(metadata);
  if (meta.length > 0) {
    header += `"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  }
  let offset = 0;
  items.forEach((t, k) => {
    const end = offset + t.data.byteLength;
    header +=
      (k > 0 || meta.length > 0 ? ',' : '') +
      `${JSON.stringify(t.name)}:{"dtype":"${FILE_DTYPE[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`;
    offset = end;
  });
  header += '}';

  const headerBytes = new TextEncoder().encode(header);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded % 2 ** 32, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.length, 8 + padded);
  let at = 8 + padded;
  for (const t of items) {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (HOST_IS_LITTLE_ENDIAN || t.dtype === 'bool') {
      out.set(src, at);
    } else {
      // Big-endian host: write each 4-byte value's bit pattern little-endian.
      const words = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
      for (let k = 0; k < words.length; k++) view.setUint32(at + 4 * k, words[k]!, true);
    }
    at += src.length;
  }
  return out;
}

interface Item {
  name: string;
  dtype: DType;
  shape: readonly number[];
  data: SafetensorsTensor['data'];
}

function checkTensor(name: string, t: SafetensorsTensor): Item {
  const where = `tensor '${name}'`;
  if (name === '__metadata__') throw new ValueError(OP, `'__metadata__' is reserved by the format and cannot name a tensor`);
  if (!isWellFormedUnicode(name)) throw new ValueError(OP, `${where}: the name holds a lone UTF-16 surrogate, which UTF-8 cannot store`);
  if (t === null || typeof t !== 'object') throw new ValueError(OP, `${where}: expected { dtype, shape, data }, got ${String(t)}`);
  const { dtype, shape, data } = t;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new DTypeError(OP, `${where}: dtype must be float32, int32 or bool, got ${String(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(OP, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const expected = ARRAY_FOR[dtype];
  const ok =
    dtype === 'float32' ? data instanceof Float32Array : dtype === 'int32' ? data instanceof Int32Array : data instanceof Uint8Array;
  if (!ok) {
    throw new DTypeError(OP, `${where}: ${dtype} data must be a ${expected}, got ${describe(data)}`);
  }
  const count = shape.reduce((a: number, d: number) => a * d, 1);
  if (count !== data.length) {
    throw new ShapeError(OP, `${where}: shape [${shape}] needs ${count} values, got ${data.length}`);
  }
  if (dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) throw new ValueError(OP, `${where}: bool values must be 0 or 1, got ${data[bad]} at index ${bad}`);
  }
  return { name, dtype, shape, data };
}

function checkMetadata(metadata: Readonly<Record<string, string>> | undefined): [string, string][] {
  if (metadata === undefined) return [];
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValueError(OP, `metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  }
  const entries = Object.entries(metadata);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new ValueError(OP, `metadata values must be strings, but "${k}" is ${typeof v}`);
    if (!isWellFormedUnicode(k) || !isWellFormedUnicode(v)) {
      throw new ValueError(OP, `metadata "${k}" holds a lone UTF-16 surrogate, which UTF-8 cannot store`);
    }
  }
  return entries;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return (value as object).constructor?.name ?? 'an object';
}
