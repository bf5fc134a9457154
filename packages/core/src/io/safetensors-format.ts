/**
 * Shared definitions of the safetensors format: dtypes, their sizes and the types the
 * parser and writer exchange.
 *
 * @module
 */
import type { DataArray, DType } from '../backend/backend.js';

/**
 * One tensor as stored in (or read from) a safetensors file: Profundo's dtype, the shape and
 * the row-major values. `float32` is the file's `F32`, `int32` is `I32`, `bool` is `BOOL`
 * (one byte per value, 0 or 1).
 *
 * @example
 * ```ts
 * const bias: SafetensorsTensor = { dtype: 'float32', shape: [2], data: Float32Array.of(0.5, -1) };
 * ```
 */
export interface SafetensorsTensor {
  /** Element type. */
  dtype: DType;
  /** Dimensions, outermost first; `[]` is a scalar. */
  shape: readonly number[];
  /** The values, row-major: a Float32Array, Int32Array or Uint8Array (bool) matching `dtype`. */
  data: DataArray;
}

/**
 * What {@link parseSafetensors} finds in a file: its tensors by name and the string-to-string
 * `__metadata__` (empty when the file has none).
 *
 * @example
 * ```ts
 * const bytes = await saveSafetensors({ 'fc.weight': zeros([10, 784]) }, { format: 'pt' });
 * const { tensors, metadata }: ParsedSafetensors = parseSafetensors(bytes);
 * tensors['fc.weight'].shape; // [10, 784]
 * metadata.format;            // 'pt'
 * ```
 */
export interface ParsedSafetensors {
  /** Each tensor by name; every `data` is a fresh, aligned copy owned by the caller. */
  tensors: Record<string, SafetensorsTensor>;
  /** The file's `__metadata__` entries; `{}` when the file has none. */
  metadata: Record<string, string>;
}

/**
 * Every dtype name the safetensors format defines (the reference implementation's list),
 * with its size in bits. Only `F32`, `I32`, `BOOL` (and `I64`, read as int32) can become Profundo tensors; the rest
 * are recognised so a file holding them gets a precise "unsupported dtype" error instead of
 * "malformed file".
 *
 * @internal
 */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
});

/** @internal Profundo dtype → file dtype. */
export const FILE_DTYPE: Readonly<Record<DType, 'F32' | 'I32' | 'BOOL'>> = Object.freeze({
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
});

/** @internal File dtype → Profundo dtype, for the dtypes Profundo supports. */
export const PROFUNDO_DTYPE: Readonly<Record<string, DType>> = Object.freeze({
  F32: 'float32',
  I32: 'int32',
  BOOL: 'bool',
  // PyTorch's integer default (num_batches_tracked, token ids): read as int32, each value
  // checked to fit.
  I64: 'int32',
});

/**
 * @internal The writer's order: by decreasing alignment, as the reference implementation's
 * dtype enum ranks them (F32 after I32 after BOOL, so F32 first), then by name.
 */
export const WRITE_RANK: Readonly<Record<DType, number>> = Object.freeze({ float32: 0, int32: 1, bool: 2 });

/** Largest header the parser accepts, in bytes (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** @internal Whether this machine stores numbers little-endian (byte copies are then exact). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** @internal Compares two strings by Unicode code point, which is the order of their UTF-8 bytes. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(k);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF, so they rank above the rest
    // of the BMP (U+E000–FFFF) in code-point order although their UTF-16 units are smaller.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** @internal Whether `s` has no lone UTF-16 surrogate (so it survives UTF-8 encoding unchanged). */
export function isWellFormedUnicode(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(k + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      k++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
