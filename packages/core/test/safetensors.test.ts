import { beforeAll, describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  loadSafetensors,
  manualSeed,
  memory,
  nn,
  parseSafetensors,
  saveSafetensors,
  serializeSafetensors,
  tensor,
  type ParsedSafetensors,
  type SafetensorsTensor,
  type Tensor,
} from '@profundo/core';
import { useReference } from './setup.js';

beforeAll(useReference);

// ---------------------------------------------------------------------------------------
// Helpers that build files by hand, independently of the writer under test.

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function u64le(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, n % 2 ** 32, true);
  v.setUint32(4, Math.floor(n / 2 ** 32), true);
  return out;
}

function f32le(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, k) => v.setFloat32(4 * k, x, true));
  return out;
}

function i32le(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, k) => v.setInt32(4 * k, x, true));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A file from header text (bytes taken as given) and data; `length` overrides the u64 prefix. */
function file(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0), length?: number): Uint8Array {
  const h = typeof header === 'string' ? utf8(header) : header;
  return concat(u64le(length ?? h.length), h, data);
}

/** Little-endian int64 bytes of `values`. */
function i64le(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, k) => view.setBigInt64(8 * k, v, true));
  return out;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const entry = (dtype: string, shape: number[], begin: number, end: number): string =>
  `{"dtype":"${dtype}","shape":[${shape}],"data_offsets":[${begin},${end}]}`;

class Tiny extends nn.Module {
  fc = new nn.Linear(2, 2);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

// ---------------------------------------------------------------------------------------

describe('serializeSafetensors: byte layout', () => {
  it('writes exactly the bytes of the spec for a tiny state dict', async () => {
    // Spec: u64 LE header length N; N bytes of JSON; the data buffer. Reference layout:
    // compact JSON, tensors by decreasing alignment then by name (fc.bias < fc.weight),
    // header padded with spaces (0x20) to a multiple of 8, data back to back, LE.
    const headerText =
      '{"fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"fc.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}' +
      '    '; // 124 bytes of JSON + 4 spaces = 128
    expect(headerText.length).toBe(128);
    const expected = concat(
      Uint8Array.of(128, 0, 0, 0, 0, 0, 0, 0),
      utf8(headerText),
      f32le(0.5, -1), // fc.bias
      f32le(1, 2, 3, 4), // fc.weight, row-major
    );
    // The same float bytes written out literally, so the DataView helper is checked too.
    expect(Array.from(expected.subarray(136))).toEqual([
      0, 0, 0, 0x3f, 0, 0, 0x80, 0xbf, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40,
    ]);

    const weight = tensor([[1, 2], [3, 4]]);
    const bias = tensor([0.5, -1]);
    // Insertion order must not matter.
    expect(await saveSafetensors({ 'fc.weight': weight, 'fc.bias': bias })).toEqual(expected);
    expect(
      serializeSafetensors({
        'fc.bias': { dtype: 'float32', shape: [2], data: Float32Array.of(0.5, -1) },
        'fc.weight': { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
      }),
    ).toEqual(expected);

    // And from a module's state dict.
    const m = new Tiny();
    m.loadStateDict({ 'fc.weight': weight, 'fc.bias': bias });
    expect(await saveSafetensors(m)).toEqual(expected);
  });

  it('puts __metadata__ first and orders F32, then I32, then BOOL, by name within each', async () => {
    const headerText =
      '{"__metadata__":{"format":"pt"},' +
      '"b":{"dtype":"F32","shape":[],"data_offsets":[0,4]},' +
      '"a":{"dtype":"I32","shape":[2],"data_offsets":[4,12]},' +
      '"m":{"dtype":"BOOL","shape":[3],"data_offsets":[12,15]}}' +
      '      '; // 194 + 6 = 200
    expect(headerText.length % 8).toBe(0);
    const expected = concat(u64le(200), utf8(headerText), f32le(1.5), i32le(-7, 9), Uint8Array.of(1, 0, 1));
    const bytes = await saveSafetensors(
      {
        m: tensor([true, false, true]),
        a: tensor([-7, 9], { dtype: 'int32' }),
        b: tensor(1.5),
      },
      { format: 'pt' },
    );
    expect(bytes).toEqual(expected);
  });

  it('matches the reference implementation on its own test vectors', () => {
    // safetensors' serializer tests: one F32 tensor 'attn0' of shape [1,1,2,3] (7 spaces of
    // padding), an empty file (6 spaces), and an empty file with metadata (5 spaces).
    const attn = serializeSafetensors({ attn0: { dtype: 'float32', shape: [1, 1, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) } });
    expect(attn).toEqual(
      concat(u64le(72), utf8('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       '), f32le(0, 1, 2, 3, 4, 5)),
    );
    expect(Array.from(serializeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(serializeSafetensors({}, { framework: 'pt' })).toEqual(file('{"__metadata__":{"framework":"pt"}}     '));
  });

  it('escapes names as JSON and sorts them by code point', () => {
    const t = (x: number): SafetensorsTensor => ({ dtype: 'float32', shape: [], data: Float32Array.of(x) });
    const bytes = serializeSafetensors({ 'z"q': t(1), '\uFF01': t(2), '\u{1F600}': t(3), 'a\nb': t(4) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
    const names = Object.keys(JSON.parse(header) as object);
    expect(names).toEqual(['a\nb', 'z"q', '\uFF01', '\u{1F600}']); // U+FF01 < U+1F600 by code point
    expect(header).toContain('"a\\nb"');
    expect(Object.keys(parseSafetensors(bytes).tensors)).toEqual(names);
  });

  it('rejects bad input with typed errors', () => {
    const f = (data: SafetensorsTensor['data'], shape: number[], dtype: SafetensorsTensor['dtype'] = 'float32') =>
      () => serializeSafetensors({ w: { dtype, shape, data } });
    expect(f(Float32Array.of(1, 2), [3])).toThrow(ShapeError);
    expect(f(Float32Array.of(1, 2), [-2])).toThrow(ShapeError);
    expect(f(Int32Array.of(1, 2), [2])).toThrow(DTypeError);
    expect(f(Uint8Array.of(0, 2), [2], 'bool')).toThrow(/0 or 1/);
    expect(f(Float32Array.of(1), [1], 'float64' as never)).toThrow(DTypeError);
    expect(() => serializeSafetensors({ __metadata__: { dtype: 'float32', shape: [], data: Float32Array.of(1) } })).toThrow(/reserved/);
    expect(() => serializeSafetensors({ '\ud800': { dtype: 'float32', shape: [], data: Float32Array.of(1) } })).toThrow(/surrogate/);
    expect(() => serializeSafetensors({}, { a: 1 as unknown as string })).toThrow(/must be strings/);
  });
});

describe('save / load round trip', () => {
  const makeModel = () => new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));

  it('restores a Sequential into a differently seeded model', async () => {
    manualSeed(1);
    const a = makeModel();
    manualSeed(2);
    const b = makeModel();
    const x = tensor([[0.1, -0.2, 0.3, 0.4], [1, 2, -3, 0.5]]);
    expect(Array.from(await b.forward(x).data())).not.toEqual(Array.from(await a.forward(x).data()));

    const bytes = await saveSafetensors(a, { note: 'round trip' });
    const parsed = parseSafetensors(bytes);
    expect(Object.keys(parsed.tensors)).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(parsed.tensors['0.weight']!.shape).toEqual([3, 4]);
    expect(parsed.metadata).toEqual({ note: 'round trip' });

    const before = memory().tensors;
    const metadata = await loadSafetensors(b, bytes);
    expect(memory().tensors).toBe(before); // the temporary tensors were disposed
    expect(metadata).toEqual({ note: 'round trip' });
    expect(Array.from(await b.forward(x).data())).toEqual(Array.from(await a.forward(x).data()));
    for (const [name, p] of b.namedParameters()) {
      expect(Array.from(await p.data())).toEqual(Array.from(await a.stateDict()[name]!.data()));
    }
  });

  it('checks names (strict) and shapes, leaving the module untouched on failure', async () => {
    manualSeed(3);
    const src = makeModel();
    const bytes = await saveSafetensors(src);
    const other = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2), new nn.Linear(2, 1));
    const snapshot = Array.from(await other.parameters()[0]!.data());
    await expect(loadSafetensors(other, bytes)).rejects.toThrow(/missing keys \[3.weight, 3.bias\]/);
    expect(Array.from(await other.parameters()[0]!.data())).toEqual(snapshot);
    await loadSafetensors(other, bytes, { strict: false });
    expect(Array.from(await other.parameters()[0]!.data())).toEqual(Array.from(await src.parameters()[0]!.data()));

    const wide = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 2));
    await expect(loadSafetensors(wide, bytes)).rejects.toThrow(ShapeError);
  });

  it('round-trips int32, bool, scalars, empty tensors and odd names through bytes', () => {
    const tensors: Record<string, SafetensorsTensor> = {
      ids: { dtype: 'int32', shape: [2, 2], data: Int32Array.of(-2147483648, 0, 7, 2147483647) },
      mask: { dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1) },
      scale: { dtype: 'float32', shape: [], data: Float32Array.of(Number.NaN) },
      empty: { dtype: 'float32', shape: [0, 5], data: new Float32Array(0) },
      'with space / ünïcödé': { dtype: 'float32', shape: [1], data: Float32Array.of(-0) },
    };
    Object.defineProperty(tensors, '__proto__', {
      value: { dtype: 'float32', shape: [1], data: Float32Array.of(42) },
      enumerable: true,
    });
    const parsed = parseSafetensors(serializeSafetensors(tensors));
    expect(Object.keys(parsed.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const p = Object.getOwnPropertyDescriptor(parsed.tensors, name)!.value as SafetensorsTensor;
      expect(p.dtype).toBe(t.dtype);
      expect(p.shape).toEqual(t.shape);
      expect(p.data.constructor).toBe(t.data.constructor);
      expect(bytesOf(p.data)).toEqual(bytesOf(t.data)); // bit-exact, NaN and -0 included
    }
    expect(Object.getPrototypeOf(parsed.tensors)).toBe(Object.prototype);
  });

  it('copies data out of unaligned input into aligned arrays', () => {
    const bytes = serializeSafetensors({ w: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 2, 3) } });
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const w = parseSafetensors(shifted).tensors.w!;
    expect(w.data).toBeInstanceOf(Float32Array);
    expect(Array.from(w.data)).toEqual([1, 2, 3]);
  });

  it('returns plain arrays that own their memory, even from a Node Buffer', () => {
    const buffer = Buffer.from(serializeSafetensors({ m: { dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) } }));
    const m = parseSafetensors(buffer).tensors.m!;
    expect(m.data.constructor).toBe(Uint8Array);
    buffer.fill(0);
    expect(Array.from(m.data)).toEqual([1, 0]);
  });
});

describe('parseSafetensors: accepts what the spec allows', () => {
  it('any header order, whitespace inside and after the JSON, zero-size tensors', () => {
    const header = `{ "b" : ${entry('F32', [1], 4, 8)},\n "z": ${entry('F32', [0], 4, 4)}, "a": ${entry('I32', [], 0, 4)} }\n  `;
    const { tensors } = parseSafetensors(file(header, concat(i32le(5), f32le(2.5))));
    expect(Object.keys(tensors)).toEqual(['a', 'z', 'b']); // data order
    expect(Array.from(tensors.a!.data)).toEqual([5]);
    expect(tensors.a!.shape).toEqual([]);
    expect(tensors.z!.data.length).toBe(0);
    expect(Array.from(tensors.b!.data)).toEqual([2.5]);
  });

  it('a file PyTorch could write: metadata last, escaped names', () => {
    const header = `{"l\\u00e9.w":${entry('F32', [2], 0, 8)},"__metadata__":{"format":"pt","x":"\\"q\\""}}`;
    const parsed = parseSafetensors(file(header, f32le(1, 2)));
    expect(Object.keys(parsed.tensors)).toEqual(['lé.w']);
    expect(parsed.metadata).toEqual({ format: 'pt', x: '"q"' });
  });
});

describe('I64 tensors (PyTorch writes integers as int64) load as int32', () => {
  it('parseSafetensors reads the int32 range exactly, extremes and scalars included', () => {
    const bytes = file(`{"ids":${entry('I64', [2, 2], 0, 32)},"num_batches_tracked":${entry('I64', [], 32, 40)}}`, i64le(0n, -1n, 2147483647n, -2147483648n, 7n));
    const { tensors } = parseSafetensors(bytes);
    expect(tensors['ids']!.dtype).toBe('int32');
    expect(tensors['ids']!.shape).toEqual([2, 2]);
    expect(Array.from(tensors['ids']!.data)).toEqual([0, -1, 2147483647, -2147483648]);
    expect(tensors['num_batches_tracked']!.shape).toEqual([]);
    expect(Array.from(tensors['num_batches_tracked']!.data)).toEqual([7]);
  });

  it('loadSafetensors loads an I64 buffer into a module\'s int32 buffer (as BatchNorm\'s num_batches_tracked)', async () => {
    class Counted extends nn.Module {
      declare count: Tensor;
      fc = new nn.Linear(1, 1);
      constructor() {
        super();
        this.registerBuffer('count', tensor(0, { dtype: 'int32' }), 'num_batches_tracked');
      }
      forward(x: Tensor) { return this.fc.forward(x); }
    }
    const m = new Counted();
    const header = `{"fc.bias":${entry('F32', [1], 0, 4)},"fc.weight":${entry('F32', [1, 1], 4, 8)},"num_batches_tracked":${entry('I64', [], 8, 16)}}`;
    const bytes = file(header, concat(bytesOf(Float32Array.of(0.5)), bytesOf(Float32Array.of(2)), i64le(12n)));
    await loadSafetensors(m, bytes);
    expect(m.count.dtype).toBe('int32');
    expect(m.count.item()).toBe(12);
    expect(m.fc.weight.item()).toBe(2);
  });
});

describe('parseSafetensors: rejects malformed files', () => {
  const ok1 = entry('F32', [1], 0, 4);
  const cases: [string, () => Uint8Array, new (...a: never[]) => Error, RegExp][] = [
    ['empty file', () => new Uint8Array(0), ValueError, /0 bytes long/],
    ['file shorter than 8 bytes', () => Uint8Array.of(2, 0, 0, 0, 0), ValueError, /5 bytes long/],
    ['header length above 100 MB', () => file('{}', new Uint8Array(0), 100_000_001), ValueError, /larger than the limit/],
    ['header length >= 2^32', () => file('{}', new Uint8Array(0), 2 ** 40), ValueError, /larger than the limit/],
    ['header length past the end', () => file('{}', new Uint8Array(0), 3), ValueError, /runs past the end/],
    ['header length 0', () => file('{}', new Uint8Array(0), 0), ValueError, /too small/],
    ['header length 1', () => file('{}', new Uint8Array(0), 1), ValueError, /too small/],
    ['header not starting with {', () => file('[1,2]'), ValueError, /must begin with '\{'/],
    ['header as a JSON string', () => file('"{}"'), ValueError, /must begin with '\{'/],
    ['leading whitespace', () => file(' {}'), ValueError, /must begin with '\{'/],
    ['byte-order mark', () => file(concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8('{}'))), ValueError, /must begin with/],
    ['invalid UTF-8', () => file(concat(utf8('{"'), Uint8Array.of(0xff), utf8('":1}'))), ValueError, /not valid UTF-8/],
    ['truncated JSON', () => file('{"w":'), ValueError, /not valid JSON: unexpected end/],
    ['bad JSON', () => file(`{"w":${ok1},}`, f32le(1)), ValueError, /not valid JSON/],
    ['garbage after the JSON', () => file('{}x'), ValueError, /after the end of the value/],
    ['NUL padding', () => file('{}\0\0\0\0\0\0'), ValueError, /after the end of the value/],
    ['nesting too deep', () => file('{"w":{"shape":[[1]]}}'), ValueError, /nesting deeper/],
    ['lone surrogate escape', () => file(`{"\\ud800":${ok1}}`, f32le(1)), ValueError, /surrogate/],
    ['raw control character in a string', () => file(`{"a\tb":${ok1}}`, f32le(1)), ValueError, /control character/],
    ['duplicate tensor name', () => file(`{"w":${ok1},"w":${entry('F32', [1], 4, 8)}}`, f32le(1, 2)), ValueError, /duplicate key "w"/],
    ['duplicate key in an entry', () => file(`{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32le(1)), ValueError, /duplicate key "dtype"/],
    ['duplicate __metadata__', () => file('{"__metadata__":{},"__metadata__":{}}'), ValueError, /duplicate key "__metadata__"/],
    ['duplicate metadata key', () => file('{"__metadata__":{"a":"1","a":"2"}}'), ValueError, /duplicate key "a"/],
    ['entry not an object', () => file('{"w":[1]}'), ValueError, /tensor 'w'.*must be an object/],
    ['missing data_offsets', () => file('{"w":{"dtype":"F32","shape":[1]}}', f32le(1)), ValueError, /tensor 'w': missing data_offsets/],
    ['unknown key in an entry', () => file('{"w":{"dtype":"F32","shape":[1],"offsets":[0,4]}}', f32le(1)), ValueError, /unknown key "offsets"/],
    ['unknown dtype', () => file(`{"w":${entry('F33', [1], 0, 4)}}`, f32le(1)), ValueError, /tensor 'w': unknown dtype "F33"/],
    ['lower-case dtype', () => file(`{"w":${entry('f32', [1], 0, 4)}}`, f32le(1)), ValueError, /unknown dtype "f32"/],
    ['dtype not a string', () => file('{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}', f32le(1)), ValueError, /dtype must be a string/],
    ['F64 tensor', () => file(`{"w":${entry('F64', [1], 0, 8)}}`, new Uint8Array(8)), DTypeError, /'w' is F64.*F32, I32, BOOL and I64 \(as int32\)/],
    ['F16 tensor', () => file(`{"h":${entry('F16', [2], 0, 4)}}`, new Uint8Array(4)), DTypeError, /'h' is F16/],
    ['BF16, U16 and U8 tensors', () => file(`{"a":${entry('BF16', [1], 0, 2)},"b":${entry('U16', [1], 2, 4)},"c":${entry('U8', [1], 4, 5)}}`, new Uint8Array(5)), DTypeError, /'a' is BF16, 'b' is U16, 'c' is U8/],
    ['an I64 value above the int32 range', () => file(`{"n":${entry('I64', [2], 0, 16)}}`, i64le(5n, 2n ** 31n)), ValueError, /tensor 'n' is I64 and element 1 holds 2147483648, outside the int32 range/],
    ['an I64 value below the int32 range', () => file(`{"n":${entry('I64', [], 0, 8)}}`, i64le(-(2n ** 31n) - 1n)), ValueError, /element 0 holds -2147483649/],
    ['offsets past the end', () => file(`{"w":${entry('F32', [4], 0, 16)}}`, f32le(1, 2)), ValueError, /tensor 'w': data_offsets \[0, 16\] run past the end of the data buffer \(8 bytes\)/],
    ['offsets reversed', () => file(`{"w":${entry('F32', [1], 8, 4)}}`, f32le(1, 2)), ValueError, /end before they begin/],
    ['three offsets', () => file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}', f32le(1)), ValueError, /two integers/],
    ['overlapping tensors', () => file(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [2], 4, 12)}}`, f32le(1, 2, 3)), ValueError, /'a' \[0, 8\] and 'b' \[4, 12\] overlap/],
    ['identical ranges', () => file(`{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [1], 0, 4)}}`, f32le(1)), ValueError, /overlap/],
    ['hole between tensors', () => file(`{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [1], 8, 12)}}`, f32le(1, 2, 3)), ValueError, /hole of 4 unused bytes .* between tensor 'a' .* and tensor 'b'/],
    ['hole at the start', () => file(`{"a":${entry('F32', [1], 4, 8)}}`, f32le(1, 2)), ValueError, /hole of 4 unused bytes in the data buffer at \[0, 4\) before tensor 'a'/],
    ['bytes after the last tensor', () => file(`{"a":${ok1}}`, f32le(1, 2)), ValueError, /4 bytes at the end belong to no tensor/],
    ['data but no tensors', () => file('{}', Uint8Array.of(1)), ValueError, /belong to no tensor/],
    ['shape/size mismatch', () => file(`{"w":${entry('F32', [3], 0, 8)}}`, f32le(1, 2)), ValueError, /tensor 'w': .*hold 8 bytes but F32 shape \[3\] needs 12/],
    ['I32 size mismatch', () => file(`{"w":${entry('I32', [2, 2], 0, 8)}}`, i32le(1, 2)), ValueError, /hold 8 bytes but I32 shape \[2,2\] needs 16/],
    ['negative dimension', () => file(`{"w":${entry('F32', [-1], 0, 4)}}`, f32le(1)), ValueError, /shape\[0\] must be a non-negative integer in plain digits, got -1/],
    ['fractional dimension', () => file('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}', f32le(1)), ValueError, /shape\[0\] .* got 1.5/],
    ['exponent dimension', () => file('{"w":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', f32le(1)), ValueError, /plain digits, got 1e0/],
    ['string dimension', () => file('{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}', f32le(1)), ValueError, /shape\[0\] must be a non-negative integer, got string/],
    ['shape not an array', () => file('{"w":{"dtype":"F32","shape":1,"data_offsets":[0,4]}}', f32le(1)), ValueError, /shape must be an array/],
    ['fractional offset', () => file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}', f32le(1)), ValueError, /data_offsets\[1\] .* got 4.0/],
    ['huge offset', () => file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}', f32le(1)), ValueError, /too large/],
    ['huge dimensions', () => file(`{"w":${entry('F32', [4294967296, 4294967296, 4294967296], 0, 4)}}`, f32le(1)), ValueError, /more elements than any data buffer can hold/],
    ['metadata not an object', () => file('{"__metadata__":["a"]}'), ValueError, /__metadata__ must be an object/],
    ['metadata value not a string', () => file('{"__metadata__":{"epoch":3}}'), ValueError, /"epoch" is number/],
    ['BOOL value 2', () => file(`{"m":${entry('BOOL', [3], 0, 3)}}`, Uint8Array.of(1, 2, 0)), ValueError, /'m' is BOOL but element 1 holds byte 2/],
  ];

  it.each(cases)('%s', (_name, make, ErrorClass, message) => {
    const bytes = make();
    expect(() => parseSafetensors(bytes)).toThrow(ErrorClass);
    expect(() => parseSafetensors(bytes)).toThrow(message);
  });

  it('names the op and rejects non-bytes', () => {
    expect(() => parseSafetensors(new Uint8Array(3))).toThrow(/^parseSafetensors: /);
    expect(() => parseSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(ValueError);
  });

  it('loadSafetensors rejects a malformed file before touching the module', async () => {
    manualSeed(4);
    const m = new Tiny();
    const before = Array.from(await m.fc.weight.data());
    const bytes = await saveSafetensors(m);
    const broken = bytes.slice(0, bytes.length - 1); // one byte short of the last tensor
    await expect(loadSafetensors(m, broken)).rejects.toThrow(ValueError);
    expect(Array.from(await m.fc.weight.data())).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------
// Fuzzing: mutations of a valid file must be rejected with a Profundo error, or be valid.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIZES: Record<string, number> = { F32: 4, I32: 4, BOOL: 1 };
const DTYPE_OF: Record<string, string> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };

/** Independent check of an accepted file, with JSON.parse and plain arithmetic. */
function verifyAccepted(bytes: Uint8Array, parsed: ParsedSafetensors): void {
  expect(bytes.length).toBeGreaterThanOrEqual(8);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  expect(8 + n).toBeLessThanOrEqual(bytes.length);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  expect(text[0]).toBe('{');
  const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  expect(Object.keys(parsed.tensors).sort()).toEqual(names.sort());
  expect(parsed.metadata).toEqual((header.__metadata__ as unknown as Record<string, string>) ?? {});
  const ranges: [number, number][] = [];
  for (const name of names) {
    const info = header[name]!;
    const t = parsed.tensors[name]!;
    expect(Object.keys(info).sort()).toEqual(['data_offsets', 'dtype', 'shape']);
    expect(DTYPE_OF[info.dtype]).toBe(t.dtype);
    expect(t.shape).toEqual(info.shape);
    expect(info.shape.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
    const [b, e] = info.data_offsets;
    expect(0 <= b && b <= e && e <= dataLength).toBe(true);
    expect(e - b).toBe(info.shape.reduce((a, d) => a * d, 1) * SIZES[info.dtype]!);
    // The values are exactly the bytes of the tensor's range in the file.
    expect(bytesOf(t.data)).toEqual(bytes.subarray(dataStart + b, dataStart + e));
    if (t.dtype === 'bool') expect(t.data.every((v) => v <= 1)).toBe(true);
    ranges.push([b, e]);
  }
  ranges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let at = 0;
  for (const [b, e] of ranges) {
    expect(b).toBe(at);
    at = e;
  }
  expect(at).toBe(dataLength);
  // Re-serializing the result gives a consistent file that parses back to the same thing.
  const again = serializeSafetensors(parsed.tensors, parsed.metadata);
  expect(Number(new DataView(again.buffer).getBigUint64(0, true)) % 8).toBe(0);
  const reparsed = parseSafetensors(again);
  expect(reparsed.metadata).toEqual(parsed.metadata);
  expect(Object.keys(reparsed.tensors).sort()).toEqual(names.sort());
  for (const name of names) {
    const x = parsed.tensors[name]!;
    const y = reparsed.tensors[name]!;
    expect([y.dtype, y.shape]).toEqual([x.dtype, x.shape]);
    expect(bytesOf(y.data)).toEqual(bytesOf(x.data));
  }
}

describe('parseSafetensors: fuzzing', () => {
  it('every mutation of a valid file is rejected with a Profundo error or is genuinely valid', () => {
    const base = serializeSafetensors(
      {
        'layer.weight': { dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-3, 7) },
        'layer.bias': { dtype: 'float32', shape: [3], data: Float32Array.of(0.25, 0.5, 0.75) },
        step: { dtype: 'int32', shape: [], data: Int32Array.of(12) },
        ids: { dtype: 'int32', shape: [4], data: Int32Array.of(1, 2, 3, 4) },
        mask: { dtype: 'bool', shape: [2, 2], data: Uint8Array.of(1, 0, 0, 1) },
        empty: { dtype: 'float32', shape: [0], data: new Float32Array(0) },
      },
      { format: 'pt', epoch: '3' },
    );
    verifyAccepted(base, parseSafetensors(base));
    const baseN = Number(new DataView(base.buffer).getBigUint64(0, true));
    const baseHeader = new TextDecoder().decode(base.subarray(8, 8 + baseN));
    const baseData = base.subarray(8 + baseN);

    const rand = mulberry32(0x5afe7e5);
    const int = (k: number) => Math.floor(rand() * k);
    const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const withHeader = (h: string, data: Uint8Array = baseData) => file(h, data);

    const numberEdits = (v: string) => [
      String(Number(v) + 1), String(Math.max(0, Number(v) - 1)), '0', String(Number(v) * 2), String(int(100)),
      '-1', '1.5', '1e2', '99999999999999999999', '', '-0', ' 4', '00',
    ];
    const mutations: [string, () => Uint8Array][] = [
      ['flip bytes anywhere', () => {
        const b = base.slice();
        for (let k = 0, m = 1 + int(3); k < m; k++) b[int(b.length)] = int(256);
        return b;
      }],
      ['flip bytes in the data', () => {
        const b = base.slice();
        for (let k = 0, m = 1 + int(4); k < m; k++) b[8 + baseN + int(baseData.length)] = int(256);
        return b;
      }],
      ['truncate', () => base.slice(0, int(base.length))],
      ['append bytes', () => concat(base, Uint8Array.from({ length: 1 + int(8) }, () => int(256)))],
      ['edit a number in the header', () => {
        const nums = [...baseHeader.matchAll(/\d+/g)];
        const m = pick(nums);
        const h = baseHeader.slice(0, m.index) + pick(numberEdits(m[0])) + baseHeader.slice(m.index! + m[0].length);
        return withHeader(rand() < 0.5 ? h : h.trimEnd());
      }],
      ['edit a dtype', () => {
        const ds = [...baseHeader.matchAll(/"(F32|I32|BOOL)"/g)];
        const m = pick(ds);
        const h = baseHeader.slice(0, m.index) + `"${pick(['F32', 'I32', 'BOOL', 'F16', 'BF16', 'F64', 'I64', 'U8', 'U32', 'F4', 'X', 'f32', ''])}"` + baseHeader.slice(m.index! + m[0].length);
        return withHeader(h);
      }],
      ['edit the header text', () => {
        let h = baseHeader;
        for (let k = 0, m = 1 + int(3); k < m; k++) {
          const at = int(h.length);
          const r = rand();
          if (r < 0.4) h = h.slice(0, at) + h.slice(at + 1);
          else if (r < 0.8) h = h.slice(0, at) + pick([...'{}[],:"0123456789 -.ae\\\n', '\u00e9', '\ud83d']) + h.slice(at);
          else h = h.slice(0, at) + pick(['"x":1,', '"__metadata__":{},', ',"w":{}', '"dtype":"F32",', 'null']) + h.slice(at);
        }
        return withHeader(h);
      }],
      ['change the length prefix', () => {
        const b = base.slice();
        b.set(u64le(pick([int(base.length + 16), baseN + 1, baseN - 1, baseN + 8, baseN - 8, int(2 ** 32)])), 0);
        return b;
      }],
      ['reorder or resize the data', () => {
        const cut = int(baseData.length);
        return withHeader(baseHeader, pick([
          concat(baseData.subarray(cut), baseData.subarray(0, cut)),
          baseData.subarray(0, cut),
          concat(baseData, new Uint8Array(1 + int(8))),
        ]));
      }],
    ];

    const tally: Record<string, { accepted: number; rejected: number }> = {};
    const rejectedAs: Record<string, number> = {};
    let total = 0;
    for (let iter = 0; iter < 1800; iter++) {
      const [kind, mutate] = mutations[iter % mutations.length]!;
      const bytes = mutate();
      tally[kind] ??= { accepted: 0, rejected: 0 };
      let parsed: ParsedSafetensors | null = null;
      try {
        parsed = parseSafetensors(bytes);
      } catch (e) {
        if (!(e instanceof ValueError || e instanceof DTypeError || e instanceof ShapeError)) {
          throw new Error(`iteration ${iter} (${kind}) crashed with ${String(e)}; file: ${Buffer.from(bytes).toString('base64')}`);
        }
        expect((e as Error).message).toMatch(/^parseSafetensors: /);
        tally[kind].rejected++;
        rejectedAs[(e as Error).name] = (rejectedAs[(e as Error).name] ?? 0) + 1;
      }
      if (parsed) {
        tally[kind].accepted++;
        try {
          verifyAccepted(bytes, parsed);
        } catch (e) {
          throw new Error(`iteration ${iter} (${kind}) accepted a bad file: ${String(e)}; file: ${Buffer.from(bytes).toString('base64')}`);
        }
      }
      total++;
    }
    if (process.env.FUZZ_TALLY) console.log(JSON.stringify({ tally, rejectedAs }));
    expect(total).toBeGreaterThanOrEqual(1000);
    // Both outcomes occur: data-only changes are accepted, header damage is caught.
    expect(tally['flip bytes in the data']!.accepted).toBeGreaterThan(50);
    expect(tally['truncate']!.accepted).toBeLessThanOrEqual(1);
    expect(tally['append bytes']!.accepted).toBe(0);
    expect(tally['edit the header text']!.rejected).toBeGreaterThan(100);
    expect(rejectedAs.DTypeError).toBeGreaterThan(0);
    expect(rejectedAs.ValueError).toBeGreaterThan(500);
  });

  it('a duplicated entry is always caught', () => {
    const rand = mulberry32(7);
    for (let k = 0; k < 200; k++) {
      const names = ['a', 'b', 'c'].slice(0, 1 + Math.floor(rand() * 3));
      const dup = names[Math.floor(rand() * names.length)]!;
      const parts = names.map((nm, i) => `"${nm}":${entry('F32', [1], 4 * i, 4 * i + 4)}`);
      // The duplicate repeats an existing name with a range of its own or a copy of another's.
      const range = Math.floor(rand() * (names.length + 1));
      parts.splice(Math.floor(rand() * (parts.length + 1)), 0, `"${dup}":${entry('F32', [1], 4 * range, 4 * range + 4)}`);
      const data = f32le(...Array.from({ length: names.length + 1 }, (_, i) => i));
      expect(() => parseSafetensors(file(`{${parts.join(',')}}`, data))).toThrow(`duplicate key "${dup}"`);
    }
  });
});
