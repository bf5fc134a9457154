import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@profundo/core';
import { isGzip, parseIdx } from '../src/index.js';
import { gunzip } from '../src/idx-source.js';
import { idx } from './idx-file.js';

/** Big-endian bytes of `values` written with DataView's setter `set`. */
function be(size: number, set: (v: DataView, at: number, x: number) => void, values: number[]): Uint8Array {
  const out = new Uint8Array(size * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, k) => set(v, size * k, x));
  return out;
}

describe('parseIdx', () => {
  it('reads MNIST-style uint8 images and labels', () => {
    const pixels = [0, 255, 128, 1, 2, 3, 10, 20, 30, 40, 50, 60, 255, 0, 255, 0, 255, 0];
    const images = parseIdx(idx(0x08, [3, 2, 3], pixels));
    expect(images.dtype).toBe('uint8');
    expect(images.shape).toEqual([3, 2, 3]);
    expect(images.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(images.data)).toEqual(pixels);
    // The magic numbers of LeCun's files: 0x00000803 (images) and 0x00000801 (labels).
    expect(Array.from(idx(0x08, [3, 2, 3]).subarray(0, 4))).toEqual([0, 0, 8, 3]);
    const labels = parseIdx(idx(0x08, [3], [7, 0, 9]));
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 0, 9]);
  });

  it('decodes every IDX type big-endian', () => {
    const cases: [number, string, Uint8Array, number[], new (n: number) => ArrayLike<number>][] = [
      [0x09, 'int8', Uint8Array.of(0x80, 0x7f, 0xff), [-128, 127, -1], Int8Array],
      [0x0b, 'int16', be(2, (v, a, x) => v.setInt16(a, x, false), [-2, 300, 32767]), [-2, 300, 32767], Int16Array],
      [0x0c, 'int32', be(4, (v, a, x) => v.setInt32(a, x, false), [-70000, 5, 2 ** 31 - 1]), [-70000, 5, 2 ** 31 - 1], Int32Array],
      [0x0d, 'float32', be(4, (v, a, x) => v.setFloat32(a, x, false), [1.5, -0.25, 3e38]), [1.5, -0.25, Math.fround(3e38)], Float32Array],
      [0x0e, 'float64', be(8, (v, a, x) => v.setFloat64(a, x, false), [Math.PI, -1e300, 5e-324]), [Math.PI, -1e300, 5e-324], Float64Array],
    ];
    for (const [code, dtype, bytes, values, Ctor] of cases) {
      const parsed = parseIdx(idx(code, [3], bytes));
      expect(parsed.dtype).toBe(dtype);
      expect(parsed.data).toBeInstanceOf(Ctor);
      expect(Array.from(parsed.data as ArrayLike<number>)).toEqual(values);
    }
    // The big-endian byte order is really read: 0x0102 is 258, not 513.
    expect(Array.from(parseIdx(idx(0x0b, [1], [1, 2])).data)).toEqual([258]);
  });

  it('reads from an unaligned view and copies the data out', () => {
    const file = idx(0x0c, [2], be(4, (v, a, x) => v.setInt32(a, x, false), [1, -1]));
    const shifted = new Uint8Array(file.length + 3).subarray(3);
    shifted.set(file);
    const parsed = parseIdx(shifted);
    expect(Array.from(parsed.data)).toEqual([1, -1]);
    shifted.fill(0);
    expect(Array.from(parsed.data)).toEqual([1, -1]);
  });

  it('returns plain arrays that own their memory, even from a Node Buffer', () => {
    for (const code of [0x08, 0x09]) {
      const buffer = Buffer.from(idx(code, [2], [1, 2]));
      const parsed = parseIdx(buffer);
      expect(parsed.data.constructor).toBe(code === 0x08 ? Uint8Array : Int8Array);
      buffer.fill(0);
      expect(Array.from(parsed.data)).toEqual([1, 2]);
    }
  });

  it('accepts dimensions of size 0 with no data', () => {
    const parsed = parseIdx(idx(0x08, [0, 28, 28]));
    expect(parsed.shape).toEqual([0, 28, 28]);
    expect(parsed.data.length).toBe(0);
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /the file is 0 bytes long/],
    ['a 3-byte file', Uint8Array.of(0, 0, 8), /3 bytes long/],
    ['wrong magic (first byte)', Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), /first two bytes are 0x01 0x00, not 0x00 0x00/],
    ['wrong magic (second byte)', Uint8Array.of(0, 8, 8, 1, 0, 0, 0, 0), /first two bytes are 0x00 0x08/],
    ['a PNG', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a), /does not start with an IDX magic number/],
    ['wrong type code 0x07', idx(0x07, [1], [0]), /unknown IDX type code 0x07/],
    ['wrong type code 0x0a', idx(0x0a, [1], [0]), /unknown IDX type code 0x0a/],
    ['zero dimensions', idx(0x08, [], [1, 2, 3]), /declares 0 dimensions/],
    ['missing dimension sizes', idx(0x08, [3], [], 3), /declares 3 dimensions, which need 16 header bytes, but the file is 8 bytes long/],
    ['truncated data', idx(0x08, [3, 2, 3], new Uint8Array(17)), /is truncated: it holds 17 data bytes, but uint8 dimensions \[3, 2, 3\] need 18/],
    ['truncated int32 data', idx(0x0c, [2], new Uint8Array(7)), /truncated: it holds 7 data bytes, but int32 dimensions \[2\] need 8/],
    ['trailing bytes', idx(0x08, [3], [1, 2, 3, 4]), /has 1 trailing bytes after the data: it holds 4 data bytes, but uint8 dimensions \[3\] need 3/],
    ['data for a zero-size array', idx(0x08, [0, 5], [1]), /1 trailing bytes/],
    ['absurd dimensions', idx(0x08, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [1]), /truncated: .* need more than 2\^53/],
    ['a gzip file', gzipSync(idx(0x08, [1], [1])), /gzip-compressed; decompress it first/],
  ];
  it.each(broken)('rejects %s', (_name, bytes, message) => {
    expect(() => parseIdx(bytes)).toThrow(ValueError);
    expect(() => parseIdx(bytes)).toThrow(message);
    expect(() => parseIdx(bytes)).toThrow(/^parseIdx: /);
  });

  it('names the file in messages and rejects non-bytes', () => {
    expect(() => parseIdx(Uint8Array.of(1, 2, 3, 4), 'labels.idx')).toThrow(/^parseIdx: labels.idx does not start/);
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(ValueError);
  });
});

describe('gzip', () => {
  it('isGzip detects the gzip magic only', () => {
    expect(isGzip(gzipSync(Uint8Array.of(1)))).toBe(true);
    expect(isGzip(idx(0x08, [1], [1]))).toBe(false);
    expect(isGzip(Uint8Array.of(0x1f))).toBe(false);
  });

  it('gunzips with node:zlib and with DecompressionStream alike', async () => {
    const file = idx(0x08, [3, 2, 3], Array.from({ length: 18 }, (_, k) => k * 14));
    const gz = gzipSync(file);
    expect(await gunzip('test', gz, 'f')).toEqual(file);
    expect(await gunzip('test', gz, 'f', 'stream')).toEqual(file);
  });

  it('rejects a corrupt or truncated gzip stream on both paths', async () => {
    const gz = gzipSync(idx(0x08, [64], new Uint8Array(64).fill(7)));
    const truncated = gz.subarray(0, gz.length - 6);
    const garbage = Uint8Array.of(0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8);
    for (const via of ['auto', 'stream'] as const) {
      await expect(gunzip('test', truncated, 'f', via)).rejects.toThrow(/f starts like a gzip file .* but does not decompress/);
      await expect(gunzip('test', garbage, 'f', via)).rejects.toThrow(ValueError);
    }
  });
});
