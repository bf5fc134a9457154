/**
 * Reading safetensors files: a validating, backend-free parser.
 *
 * @module
 */
import type { DataArray, DType } from '../backend/backend.js';
import { DTypeError, ValueError } from '../errors.js';
import {
  HOST_IS_LITTLE_ENDIAN,
  MAX_HEADER_BYTES,
  PROFUNDO_DTYPE,
  SAFETENSORS_DTYPE_BITS,
  type ParsedSafetensors,
  type SafetensorsTensor,
} from './safetensors-format.js';
import { JsonSyntaxError, parseStrictJson, type JsonValue } from './strict-json.js';

const OP = 'parseSafetensors';

/** One header entry, checked. Offsets are relative to the data buffer. */
interface Entry {
  name: string;
  fileDtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses the bytes of a safetensors file (Hugging Face's format, as PyTorch's
 * `safetensors.torch.save_file` writes it) into typed arrays, without touching any backend.
 *
 * Everything is checked before any tensor data is read: the 8-byte little-endian header
 * length (at least 2, at most 100 MB, within the file), the header (strict UTF-8, a JSON
 * object beginning with `{`, no duplicate keys anywhere, optional trailing whitespace), each
 * entry (exactly the keys `dtype`, `shape`, `data_offsets`; a dtype the format defines;
 * non-negative integer dimensions; `[begin, end]` integers with `begin <= end` inside the
 * data buffer; `end - begin` equal to the element count times the dtype's size), the byte
 * ranges together (sorted by offset they must tile the data buffer exactly, from 0 to its
 * end: no hole, no overlap, nothing left over), `__metadata__` (an object of strings) and
 * `BOOL` values (0 or 1). Any failure throws a `ValueError` saying what is wrong and with
 * which tensor. `I64` tensors (PyTorch's integer default: BatchNorm's `num_batches_tracked`,
 * token ids) become int32, each value checked to lie in the int32 range (a `ValueError` naming
 * the tensor, the element and the value otherwise). A well-formed file holding a dtype
 * Profundo has no tensors for (`F16`, `BF16`, `F64`, `U8`, ...) throws a `DTypeError` naming
 * each such tensor; convert it to float32 / int32 first.
 *
 * Values are copied out (little-endian whatever the host), so the result owns aligned arrays
 * and does not keep `bytes` alive. Tensors are listed in the order of their data in the file
 * (except that, as in any JavaScript object, integer-like names such as `'0'` come first).
 *
 * @param bytes - The whole file.
 * @returns The tensors by name and the file's `__metadata__` (`{}` when absent).
 * @throws ValueError when the file is malformed; DTypeError for an unsupported dtype.
 *
 * @example
 * ```ts
 * // In Node, the bytes of a file: await readFile('model.safetensors') (node:fs/promises).
 * const bytes = await saveSafetensors({ 'fc.weight': zeros([10, 784]) });
 * const { tensors, metadata } = parseSafetensors(bytes);
 * const w = tensors['fc.weight'];                // { dtype: 'float32', shape: [10, 784], data: Float32Array }
 * const t = tensor(w.data, { shape: w.shape, dtype: w.dtype });
 * ```
 */
export function parseSafetensors(bytes: Uint8Array): ParsedSafetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(OP, `expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  const total = bytes.length;
  if (total < 8) {
    throw new ValueError(OP, `the file is ${total} bytes long; a safetensors file starts with an 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLength = hi * 2 ** 32 + lo; // exact below 2^53; larger values are rejected anyway
  if (hi !== 0 || headerLength > MAX_HEADER_BYTES) {
    throw new ValueError(
      OP,
      `header length ${hi === 0 ? headerLength : `${hi} * 2^32 + ${lo}`} is larger than the limit of ${MAX_HEADER_BYTES} bytes; this is not a safetensors file or it is corrupt`,
    );
  }
  if (headerLength < 2) {
    throw new ValueError(OP, `header length ${headerLength} is too small for a JSON object (at least 2 bytes: "{}")`);
  }
  if (8 + headerLength > total) {
    throw new ValueError(
      OP,
      `header length ${headerLength} runs past the end of the file (${total} bytes, so at most ${total - 8} bytes of header); the file is truncated or not a safetensors file`,
    );
  }
  const dataStart = 8 + headerLength;
  const dataLength = total - dataStart;

  const root = parseHeader(bytes.subarray(8, dataStart));
  if (root.kind !== 'object') {
    throw new ValueError(OP, `the header must be a JSON object, got ${root.kind}`);
  }

  const metadata = record<string>();
  const entries: Entry[] = [];
  for (const [name, value] of root.entries) {
    if (name === '__metadata__') {
      readMetadata(value, metadata);
    } else {
      entries.push(readEntry(name, value, dataLength));
    }
  }

  const ordered = checkTiling(entries, dataLength);

  const unsupported = ordered.filter((e) => !hasOwn(PROFUNDO_DTYPE, e.fileDtype));
  if (unsupported.length > 0) {
    const list = unsupported
      .slice(0, 5)
      .map((e) => `'${e.name}' is ${e.fileDtype}`)
      .join(', ');
    const more = unsupported.length > 5 ? ` and ${unsupported.length - 5} more` : '';
    throw new DTypeError(
      OP,
      `${list}${more}; Profundo reads only F32, I32, BOOL and I64 (as int32) tensors. Convert the file first, e.g. in PyTorch: ` +
        `save_file({k: (v.float() if v.is_floating_point() else v.int()) for k, v in sd.items()}, path)`,
    );
  }

  for (const e of ordered) {
    if (e.fileDtype === 'I64') checkI64(bytes, dataStart, e);
    if (e.fileDtype !== 'BOOL') continue;
    for (let k = e.begin; k < e.end; k++) {
      const v = bytes[dataStart + k]!;
      if (v > 1) {
        throw new ValueError(OP, `tensor '${e.name}' is BOOL but element ${k - e.begin} holds byte ${v}; BOOL values must be 0 or 1`);
      }
    }
  }

  // Everything is validated; only now copy the data out.
  const tensors = record<SafetensorsTensor>();
  for (const e of ordered) {
    const dtype = PROFUNDO_DTYPE[e.fileDtype]!;
    const data = e.fileDtype === 'I64' ? copyOutI64(bytes, dataStart + e.begin, dataStart + e.end) : copyOut(bytes, dataStart + e.begin, dataStart + e.end, dtype);
    define(tensors, e.name, { dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array): JsonValue {
  if (headerBytes[0] !== 0x7b) {
    throw new ValueError(
      OP,
      `the header must begin with '{' (byte 0x7b), got byte 0x${headerBytes[0]!.toString(16).padStart(2, '0')}; this is not a safetensors file or the header length is wrong`,
    );
  }
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, where the '{' check above has already
    // refused it; fatal rejects every invalid UTF-8 sequence instead of replacing it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new ValueError(OP, 'the header is not valid UTF-8');
  }
  try {
    // The format nests three levels: the header object, a tensor entry, its shape array.
    return parseStrictJson(text, { maxDepth: 3 });
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new ValueError(OP, `the header is not valid JSON: ${e.reason} at character ${e.at}: ${excerpt(text, e.at)}`);
    }
    throw e;
  }
}

function readMetadata(value: JsonValue, out: Record<string, string>): void {
  if (value.kind !== 'object') {
    throw new ValueError(OP, `__metadata__ must be an object of strings, got ${value.kind}`);
  }
  for (const [key, v] of value.entries) {
    if (v.kind !== 'string') {
      throw new ValueError(OP, `__metadata__ values must be strings, but "${key}" is ${v.kind}`);
    }
    define(out, key, v.value);
  }
}

function readEntry(name: string, value: JsonValue, dataLength: number): Entry {
  const where = `tensor '${name}'`;
  if (value.kind !== 'object') {
    throw new ValueError(OP, `${where}: its header entry must be an object with dtype, shape and data_offsets, got ${value.kind}`);
  }
  const fields = new Map(value.entries);
  for (const key of fields.keys()) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') {
      throw new ValueError(OP, `${where}: unknown key "${key}" (entries hold only dtype, shape and data_offsets)`);
    }
  }
  const dtypeValue = fields.get('dtype');
  const shapeValue = fields.get('shape');
  const offsetsValue = fields.get('data_offsets');
  if (!dtypeValue || !shapeValue || !offsetsValue) {
    const missing = ['dtype', 'shape', 'data_offsets'].filter((k) => !fields.has(k));
    throw new ValueError(OP, `${where}: missing ${missing.join(', ')}`);
  }

  if (dtypeValue.kind !== 'string') throw new ValueError(OP, `${where}: dtype must be a string, got ${dtypeValue.kind}`);
  const fileDtype = dtypeValue.value;
  if (!hasOwn(SAFETENSORS_DTYPE_BITS, fileDtype)) {
    throw new ValueError(
      OP,
      `${where}: unknown dtype ${JSON.stringify(fileDtype)}; safetensors dtypes are ${Object.keys(SAFETENSORS_DTYPE_BITS).join(', ')}`,
    );
  }

  if (shapeValue.kind !== 'array') throw new ValueError(OP, `${where}: shape must be an array, got ${shapeValue.kind}`);
  const shape = shapeValue.items.map((d, k) => integer(d, `${where}: shape[${k}]`));

  if (offsetsValue.kind !== 'array' || offsetsValue.items.length !== 2) {
    throw new ValueError(
      OP,
      `${where}: data_offsets must be an array of two integers [begin, end], got ${offsetsValue.kind === 'array' ? `${offsetsValue.items.length} items` : offsetsValue.kind}`,
    );
  }
  const begin = integer(offsetsValue.items[0]!, `${where}: data_offsets[0]`);
  const end = integer(offsetsValue.items[1]!, `${where}: data_offsets[1]`);
  if (begin > end) {
    throw new ValueError(OP, `${where}: data_offsets [${begin}, ${end}] end before they begin`);
  }
  if (end > dataLength) {
    throw new ValueError(
      OP,
      `${where}: data_offsets [${begin}, ${end}] run past the end of the data buffer (${dataLength} bytes); the file is truncated or corrupt`,
    );
  }

  // Element count, stopping once it is past any real buffer (2^47 elements), so the
  // arithmetic stays exact.
  const bits = SAFETENSORS_DTYPE_BITS[fileDtype]!;
  let count = shape.includes(0) ? 0 : 1;
  for (const d of count === 0 ? [] : shape) {
    count *= d;
    if (count > 2 ** 47) {
      throw new ValueError(
        OP,
        `${where}: ${fileDtype} shape [${shape}] has more elements than any data buffer can hold; its data_offsets [${begin}, ${end}] hold ${end - begin} bytes`,
      );
    }
  }
  const needBits = count * bits;
  if (needBits % 8 !== 0 || needBits / 8 !== end - begin) {
    throw new ValueError(
      OP,
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${fileDtype} shape [${shape}] needs ${needBits / 8} (${count} elements of ${bits / 8} bytes)`,
    );
  }
  return { name, fileDtype, shape, begin, end };
}

/** Sorted by offset, the entries must cover `[0, dataLength)` exactly once; returns them sorted. */
function checkTiling(entries: Entry[], dataLength: number): Entry[] {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: Entry | null = null;
  for (const e of sorted) {
    if (e.begin > at) {
      throw new ValueError(
        OP,
        `a hole of ${e.begin - at} unused bytes in the data buffer at [${at}, ${e.begin}) ${previous ? `between tensor '${previous.name}' (ends at ${at}) and` : 'before'} tensor '${e.name}' (begins at ${e.begin}); data_offsets must be contiguous`,
      );
    }
    if (e.begin < at) {
      throw new ValueError(
        OP,
        `tensors '${previous!.name}' [${previous!.begin}, ${previous!.end}] and '${e.name}' [${e.begin}, ${e.end}] overlap in the data buffer`,
      );
    }
    at = e.end;
    previous = e;
  }
  if (at !== dataLength) {
    throw new ValueError(
      OP,
      `the tensors cover ${at} bytes of the data buffer but it holds ${dataLength}; ${dataLength - at} bytes at the end belong to no tensor (trailing garbage or a wrong header)`,
    );
  }
  return sorted;
}

/** Throws unless every little-endian int64 of entry `e` fits in int32 (its high word is the sign of its low word). */
function checkI64(bytes: Uint8Array, dataStart: number, e: Entry): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart + e.begin, e.end - e.begin);
  for (let k = 0; k < (e.end - e.begin) / 8; k++) {
    const lo = view.getInt32(8 * k, true);
    const hi = view.getInt32(8 * k + 4, true);
    if (hi !== (lo < 0 ? -1 : 0)) {
      throw new ValueError(
        OP,
        `tensor '${e.name}' is I64 and element ${k} holds ${view.getBigInt64(8 * k, true)}, outside the int32 range [-2147483648, 2147483647] that Profundo reads I64 into`,
      );
    }
  }
}

/** The little-endian int64 values of `bytes[from, to)` (checked to fit) as a fresh Int32Array. */
function copyOutI64(bytes: Uint8Array, from: number, to: number): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + from, to - from);
  const out = new Int32Array((to - from) / 8);
  for (let k = 0; k < out.length; k++) out[k] = view.getInt32(8 * k, true);
  return out;
}

/** Copies `bytes[from, to)` into a fresh, aligned typed array of `dtype`, reading little-endian. */
function copyOut(bytes: Uint8Array, from: number, to: number, dtype: DType): DataArray {
  const n = to - from;
  // The Uint8Array constructor copies; `slice` would not on a Node Buffer (it returns a view).
  if (dtype === 'bool') return new Uint8Array(bytes.subarray(from, to));
  const count = n / 4;
  const out = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(from, to));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + from, n);
    // Copy bit patterns (as integers) so float NaN payloads survive unchanged.
    const bits = new Uint32Array(out.buffer);
    for (let k = 0; k < count; k++) bits[k] = view.getUint32(4 * k, true);
  }
  return out;
}

function integer(v: JsonValue, what: string): number {
  if (v.kind !== 'number') throw new ValueError(OP, `${what} must be a non-negative integer, got ${v.kind}`);
  if (!/^(0|[1-9][0-9]*)$/.test(v.text)) {
    throw new ValueError(OP, `${what} must be a non-negative integer in plain digits, got ${v.text}`);
  }
  const value = Number(v.text);
  if (!Number.isSafeInteger(value)) throw new ValueError(OP, `${what} is ${v.text}, too large`);
  return value;
}

/** A plain object for untrusted keys: keys like `__proto__` become own properties. */
function record<T>(): Record<string, T> {
  return {};
}

function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function excerpt(text: string, at: number): string {
  const from = Math.max(0, at - 20);
  return JSON.stringify(text.slice(from, at + 20));
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return (value as object).constructor?.name ?? 'an object';
}
