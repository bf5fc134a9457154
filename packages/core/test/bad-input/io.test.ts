/**
 * Bad input to the safetensors reader and writer: malformed bytes (lengths, JSON, offsets,
 * dtypes, values), files that do not fit the module, and records that cannot be written. A
 * malformed file is rejected before any parameter changes.
 */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { DTypeError, DisposedError, ShapeError, ValueError, nn } from '@profundo/core';
import { runCases, type BadInputCase } from './runner.js';
import { disposed, f32, useBackends } from './fixtures.js';

beforeAll(useBackends);

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A safetensors file: the u64 header length, the header, the data. */
function file(header: string, data: Uint8Array = new Uint8Array(0), length?: number): Uint8Array {
  const h = utf8(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
const f32bytes = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
/** A well-formed header entry. */
const entry = (dtype: string, shape: number[], begin: number, end: number) => `{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;

const parse = (bytes: Uint8Array) => () => pf.parseSafetensors(bytes);
const none = (): [] => [];

const parsing: BadInputCase[] = [
  { name: 'parseSafetensors: an array instead of bytes', make: none, call: parse([1, 2, 3] as never), error: ValueError, op: 'parseSafetensors', mentions: ['Array'] },
  { name: 'parseSafetensors: 3 bytes', make: none, call: parse(new Uint8Array(3)), error: ValueError, op: 'parseSafetensors', mentions: ['3 bytes'] },
  { name: 'parseSafetensors: a header length of 2^40', make: none, call: parse(file('{}', undefined, 2 ** 40)), error: ValueError, op: 'parseSafetensors', mentions: ['header length'] },
  { name: 'parseSafetensors: a header length of 1', make: none, call: parse(file('{', undefined, 1)), error: ValueError, op: 'parseSafetensors', mentions: ['1'] },
  { name: 'parseSafetensors: a header length past the end of the file', make: none, call: parse(file('{}', undefined, 50)), error: ValueError, op: 'parseSafetensors', mentions: ['50'] },
  { name: 'parseSafetensors: a header that is not JSON', make: none, call: parse(file('{"a":')), error: ValueError, op: 'parseSafetensors', mentions: ['JSON'] },
  { name: 'parseSafetensors: a header that is an array', make: none, call: parse(file('[1,2]')), error: ValueError, op: 'parseSafetensors', mentions: ['0x5b'] },
  { name: 'parseSafetensors: a duplicate key', make: none, call: parse(file(`{"a":${entry('F32', [1], 0, 4)},"a":${entry('F32', [1], 0, 4)}}`, f32bytes(1))), error: ValueError, op: 'parseSafetensors', mentions: ['duplicate key "a"'] },
  { name: 'parseSafetensors: an unknown dtype', make: none, call: parse(file(`{"a":${entry('F99', [1], 0, 4)}}`, f32bytes(1))), error: ValueError, op: 'parseSafetensors', mentions: ['F99'] },
  { name: 'parseSafetensors: an F16 tensor', make: none, call: parse(file(`{"a":${entry('F16', [2], 0, 4)}}`, f32bytes(1))), error: DTypeError, op: 'parseSafetensors', mentions: ['F16', "'a'"] },
  { name: 'parseSafetensors: data offsets past the end', make: none, call: parse(file(`{"a":${entry('F32', [2], 0, 8)}}`, f32bytes(1))), error: ValueError, op: 'parseSafetensors', mentions: ['8'] },
  { name: 'parseSafetensors: a byte count that does not match the shape', make: none, call: parse(file(`{"a":${entry('F32', [3], 0, 8)}}`, f32bytes(1, 2))), error: ValueError, op: 'parseSafetensors', mentions: ['[3]'] },
  { name: 'parseSafetensors: a hole between tensors', make: none, call: parse(file(`{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [1], 8, 12)}}`, f32bytes(1, 2, 3))), error: ValueError, op: 'parseSafetensors', mentions: ['4'] },
  { name: 'parseSafetensors: overlapping tensors', make: none, call: parse(file(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [1], 4, 8)}}`, f32bytes(1, 2))), error: ValueError, op: 'parseSafetensors', mentions: ["'b'"] },
  { name: 'parseSafetensors: a BOOL value of 2', make: none, call: parse(file(`{"a":${entry('BOOL', [2], 0, 2)}}`, Uint8Array.of(1, 2))), error: ValueError, op: 'parseSafetensors', mentions: ['2'] },
  { name: 'parseSafetensors: a negative dim', make: none, call: parse(file(`{"a":${entry('F32', [-1], 0, 4)}}`, f32bytes(1))), error: ValueError, op: 'parseSafetensors', mentions: ['-1'] },
  { name: 'parseSafetensors: an unknown key in an entry', make: none, call: parse(file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}`, f32bytes(1))), error: ValueError, op: 'parseSafetensors', mentions: ['"extra"'] },
  { name: 'parseSafetensors: a number in __metadata__', make: none, call: parse(file('{"__metadata__":{"v":1}}')), error: ValueError, op: 'parseSafetensors', mentions: ['"v"'] },
  { name: 'parseSafetensors: invalid UTF-8 in the header', make: none, call: () => { const b = file('{"a":1}'); b[10] = 0xff; return pf.parseSafetensors(b); }, error: ValueError, op: 'parseSafetensors', mentions: ['UTF-8'] },
];

/** A Linear(2, 1) and a file holding weights for it, which `edit` may spoil. */
const linearFile = (header: (w: string, b: string) => string, data: Uint8Array) => ({ m: new nn.Linear(2, 1), bytes: file(header(entry('F32', [1, 2], 0, 8), entry('F32', [1], 8, 12)), data) });
const good = f32bytes(1, 2, 3);
const loading: BadInputCase[] = [
  { name: 'loadSafetensors: not a module', make: () => ({ bytes: file('{}') }), call: ({ bytes }) => pf.loadSafetensors({} as never, bytes), error: ValueError, op: 'loadSafetensors', mentions: ['Module'] },
  { name: 'loadSafetensors: strict as a string', make: () => linearFile((w, b) => `{"weight":${w},"bias":${b}}`, good), call: ({ m, bytes }) => pf.loadSafetensors(m, bytes, { strict: 'yes' as never }), error: ValueError, op: 'loadSafetensors', mentions: ['string'] },
  { name: 'loadSafetensors: a truncated file (nothing loaded)', make: () => linearFile((w, b) => `{"weight":${w},"bias":${b}}`, f32bytes(1, 2)), call: ({ m, bytes }) => pf.loadSafetensors(m, bytes), error: ValueError, op: 'loadSafetensors', mentions: ['12'] },
  { name: 'loadSafetensors: a missing tensor (nothing loaded)', make: () => ({ m: new nn.Linear(2, 1), bytes: file(`{"weight":${entry('F32', [1, 2], 0, 8)}}`, f32bytes(1, 2)) }), call: ({ m, bytes }) => pf.loadSafetensors(m, bytes), error: ValueError, op: 'loadSafetensors', mentions: ['bias'] },
  { name: 'loadSafetensors: a tensor of the wrong shape (nothing loaded)', make: () => ({ m: new nn.Linear(2, 1), bytes: file(`{"weight":${entry('F32', [2, 1], 0, 8)},"bias":${entry('F32', [1], 8, 12)}}`, good) }), call: ({ m, bytes }) => pf.loadSafetensors(m, bytes), error: ShapeError, op: 'loadSafetensors', mentions: ['[2,1]'] },
  { name: 'loadSafetensors: an I32 tensor for a float32 parameter', make: () => ({ m: new nn.Linear(2, 1), bytes: file(`{"weight":${entry('F32', [1, 2], 0, 8)},"bias":${entry('I32', [1], 8, 12)}}`, good) }), call: ({ m, bytes }) => pf.loadSafetensors(m, bytes), error: DTypeError, op: 'loadSafetensors', mentions: ['int32'] },
  { name: 'loadSafetensors: a BF16 tensor', make: () => ({ m: new nn.Linear(2, 1), bytes: file(`{"weight":${entry('BF16', [1, 2], 0, 4)},"bias":${entry('F32', [1], 4, 8)}}`, f32bytes(1, 2)) }), call: ({ m, bytes }) => pf.loadSafetensors(m, bytes), error: DTypeError, op: 'loadSafetensors', mentions: ['BF16'] },
];

const writing: BadInputCase[] = [
  { name: 'serializeSafetensors: dtype float64', make: none, call: () => pf.serializeSafetensors({ a: { dtype: 'float64' as never, shape: [1], data: Float32Array.of(1) } }), error: DTypeError, op: 'serializeSafetensors', mentions: ['float64'] },
  { name: 'serializeSafetensors: a shape that needs other counts', make: none, call: () => pf.serializeSafetensors({ a: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 2) } }), error: ShapeError, op: 'serializeSafetensors', mentions: ['[3]', 'got 2'] },
  { name: 'serializeSafetensors: Int32Array data for float32', make: none, call: () => pf.serializeSafetensors({ a: { dtype: 'float32', shape: [1], data: Int32Array.of(1) } }), error: DTypeError, op: 'serializeSafetensors', mentions: ['Int32Array'] },
  { name: "serializeSafetensors: a tensor named '__metadata__'", make: none, call: () => pf.serializeSafetensors({ __metadata__: { dtype: 'float32', shape: [], data: Float32Array.of(1) } }), error: ValueError, op: 'serializeSafetensors', mentions: ['__metadata__'] },
  { name: 'serializeSafetensors: a bool value of 3', make: none, call: () => pf.serializeSafetensors({ a: { dtype: 'bool', shape: [2], data: Uint8Array.of(0, 3) } }), error: ValueError, op: 'serializeSafetensors', mentions: ['got 3'] },
  { name: 'serializeSafetensors: a number in the metadata', make: none, call: () => pf.serializeSafetensors({}, { v: 1 as never }), error: ValueError, op: 'serializeSafetensors', mentions: ['"v"', 'number'] },
  { name: 'serializeSafetensors: a negative dim', make: none, call: () => pf.serializeSafetensors({ a: { dtype: 'float32', shape: [-1], data: Float32Array.of() } }), error: ShapeError, op: 'serializeSafetensors', mentions: ['[-1]'] },
  { name: 'saveSafetensors: a disposed tensor', make: () => ({ state: { a: f32([2]), b: disposed(f32([3])) } }), call: ({ state }) => pf.saveSafetensors(state), error: DisposedError, op: 'saveSafetensors', mentions: ['[3]'] },
  { name: 'saveSafetensors: a number in the record', make: () => ({ state: { a: f32([2]), b: 1 } }), call: ({ state }) => pf.saveSafetensors(state as never), error: ValueError, op: 'saveSafetensors', mentions: ["'b'"] },
  { name: 'saveSafetensors: null', make: none, call: () => pf.saveSafetensors(null as never), error: ValueError, op: 'saveSafetensors', mentions: ['null'] },
  { name: 'saveSafetensors: a number in the metadata', make: () => ({ m: new nn.Linear(2, 1) }), call: ({ m }) => pf.saveSafetensors(m, { v: 2 as never }), error: ValueError, op: 'saveSafetensors', mentions: ['"v"'] },
];

runCases('parseSafetensors', parsing);
runCases('loadSafetensors', loading);
runCases('serializeSafetensors and saveSafetensors', writing);
