/**
 * Memory cases: `write` / `read` round trips, read ownership (the caller owns what `read` and
 * `readSync` return: a fresh array each time, never the backend's storage), and core's
 * accounting on the backend (`memory()` keyed by the registered name, bytes as the backend
 * reports them, no leak over training steps inside `tidy`).
 *
 * @internal
 * @module
 */
import type { Backend, DataArray, DType, TensorInfo } from '../../backend/backend.js';
import { setBackend } from '../../backend/registry.js';
import { noGrad } from '../../autograd/graph.js';
import { memory, tidy } from '../../memory.js';
import * as ops from '../../ops/index.js';
import { tensor } from '../../ops/creation.js';
import { manualSeed } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { crossEntropy } from '../../nn/losses.js';
import { Linear } from '../../nn/linear.js';
import { Sequential } from '../../nn/sequential.js';
import { ReLU } from '../../nn/activations.js';
import { ConformanceError, FULL_INT32, b8, f32, fmt, i32, isArrayOf, sameValue, writeInput, type Input, type KitCase, type KitContext } from './harness.js';

/** Whether two typed arrays share any bytes. */
function overlap(a: DataArray, b: DataArray): boolean {
  if (a.buffer !== b.buffer) return false;
  const a0 = a.byteOffset;
  const b0 = b.byteOffset;
  return a0 < b0 + b.byteLength && b0 < a0 + a.byteLength;
}

function inputs(ctx: KitContext): Input[] {
  const big = Math.min(ctx.maxExactInt, FULL_INT32);
  return [
    f32([NaN, Infinity, -Infinity, -0, 1.5, -3.4e38, 1e-30, 3]),
    i32([0, -1, big, -big, 123456, -7]),
    b8([0, 1, 1, 0, 1]),
  ];
}

type Reader = { name: 'read' | 'readSync'; read: (be: Backend, info: TensorInfo) => Promise<DataArray> };

const readers: Reader[] = [
  { name: 'read', read: (be, info) => be.read(info) },
  { name: 'readSync', read: async (be, info) => be.readSync!(info) },
];

/** Checks that `reader` hands the caller arrays of its own for `info` (values `expected`). */
async function checkOwnership(ctx: KitContext, reader: Reader, info: TensorInfo, expected: ArrayLike<number>, written: DataArray | null, what: string): Promise<void> {
  const be = ctx.backend;
  const rule = `${reader.name} returns an array the caller owns (a fresh copy each time, never the backend's storage)`;
  const first = await reader.read(be, info);
  const second = await reader.read(be, info);
  if (!isArrayOf(first, info.dtype)) throw new ConformanceError(ctx.name, reader.name, `a ${info.dtype} tensor reads as its typed array`, `${what} read as ${(first as object)?.constructor?.name}`);
  if (first === second || overlap(first, second)) throw new ConformanceError(ctx.name, reader.name, rule, `two reads of ${what} returned the same array`);
  if (written && (first === written || overlap(first, written))) throw new ConformanceError(ctx.name, reader.name, rule, `reading ${what} returned the array given to write`);
  // The caller may change what it got: the tensor must not change with it.
  for (let i = 0; i < first.length; i++) first[i] = info.dtype === 'bool' ? 1 - (first[i]! ? 1 : 0) : info.dtype === 'int32' ? first[i]! + 1 : -first[i]! - 1;
  const third = await reader.read(be, info);
  for (let i = 0; i < expected.length; i++) {
    if (!sameValue(third[i]!, expected[i]!)) {
      throw new ConformanceError(ctx.name, reader.name, rule, `changing the array a read of ${what} returned changed the tensor (element ${i} was ${fmt(expected[i]!)}, now ${fmt(third[i]!)})`);
    }
  }
}

const ownership: KitCase[] = readers.map((reader) => ({
  name: `memory: ${reader.name} returns a fresh array the caller owns, for written tensors and kernel results of every dtype`,
  skip: reader.name === 'readSync' ? (ctx: KitContext) => (typeof ctx.backend.readSync === 'function' ? undefined : 'the optional readSync is absent (an async-only backend)') : undefined,
  async run(ctx) {
    const be = ctx.backend;
    for (const input of inputs(ctx)) {
      const given = input.values.slice();
      const info: TensorInfo = { handle: be.write(given as never, input.shape, input.dtype), shape: input.shape, dtype: input.dtype };
      try {
        await checkOwnership(ctx, reader, info, input.values, given, `a written ${input.dtype} tensor`);
        // A kernel's result: a same-dtype cast copies.
        const out: TensorInfo = { handle: be.cast(info, input.dtype), shape: input.shape, dtype: input.dtype };
        try {
          await checkOwnership(ctx, reader, out, input.values, null, `a ${input.dtype} kernel result`);
        } finally {
          be.dispose(out.handle);
        }
      } finally {
        be.dispose(info.handle);
      }
    }
  },
}));

const roundTrip: KitCase = {
  name: 'memory: write then read gives back every value (NaN, ±Inf, -0, int32 within maxExactInt, bool)',
  async run(ctx) {
    const be = ctx.backend;
    for (const input of inputs(ctx)) {
      const info = writeInput(be, input);
      try {
        const back = await be.read(info);
        if (!isArrayOf(back, input.dtype)) throw new ConformanceError(ctx.name, 'read', `a ${input.dtype} tensor reads as its typed array`, `read returned ${(back as object)?.constructor?.name}`);
        for (let i = 0; i < input.values.length; i++) {
          const w = input.values[i]!;
          // -0 may come back as 0 only if the backend never promised its sign: the contract keeps stored values exactly.
          if (!sameValue(back[i]!, w)) {
            throw new ConformanceError(ctx.name, 'write / read', 'reading a tensor gives back exactly the values written', `${input.dtype} element ${i}: wrote ${fmt(w)}, read ${fmt(back[i]!)}`);
          }
        }
      } finally {
        be.dispose(info.handle);
      }
    }
  },
};

/** The bytes `memory()` should count for a tensor of `shape` and `dtype` on this backend. */
function expectedBytes(be: Backend, shape: readonly number[], dtype: DType): number {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!be.byteSize) return n * (dtype === 'bool' ? 1 : 4);
  const values = dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  const h = be.write(values as never, shape, dtype);
  try {
    return be.byteSize(h);
  } finally {
    be.dispose(h);
  }
}

const accounting: KitCase = {
  name: 'memory: memory() counts tensors and bytes under the registered name; dispose frees them, views share them',
  async run(ctx) {
    await setBackend(ctx.name);
    const key = ctx.name; // core keys memory() by the registered name, not Backend.name
    const rule = 'memory() counts live tensors and their bytes per registered backend';
    const start = memory().backends[key] ?? { tensors: 0, bytes: 0 };
    const bytes = expectedBytes(ctx.backend, [4, 4], 'float32');
    const a = ops.ones([4, 4]);
    const v = a.reshape(16);
    const mid = memory().backends[key];
    if (!mid || mid.tensors !== start.tensors + 2 || mid.bytes !== start.bytes + bytes) {
      a.dispose();
      v.dispose();
      throw new ConformanceError(ctx.name, 'memory()', rule, `a [4, 4] float32 tensor and a view of it should add 2 tensors and ${bytes} bytes under '${key}', got ${mid ? `${mid.tensors - start.tensors} and ${mid.bytes - start.bytes}` : `no entry (keys: ${Object.keys(memory().backends).join(', ')})`}`);
    }
    a.dispose();
    const values = await v.data();
    if (values[15] !== 1) throw new ConformanceError(ctx.name, 'dispose', 'a view keeps its storage alive until it is disposed too', `the view read ${fmt(values[15]!)} after its base was disposed`);
    v.dispose();
    const end = memory().backends[key] ?? { tensors: 0, bytes: 0 };
    if (end.tensors !== start.tensors || end.bytes !== start.bytes) {
      throw new ConformanceError(ctx.name, 'dispose', rule, `after disposing both, ${end.tensors - start.tensors} tensors and ${end.bytes - start.bytes} bytes remain`);
    }
  },
};

const leak: KitCase = {
  name: 'memory: 100 training steps inside tidy leave live tensors and bytes unchanged',
  async run(ctx) {
    await setBackend(ctx.name);
    const key = ctx.name;
    manualSeed(3);
    const model = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 3));
    const x = ops.randn([5, 6]);
    const y = tensor([0, 2, 1, 1, 0], { dtype: 'int32' });
    const step = (): Tensor =>
      tidy(() => {
        model.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        noGrad(() => {
          for (const p of model.parameters()) p.assign(p.sub(p.grad!.mul(0.1)));
        });
        return loss.detach();
      });
    try {
      step().dispose();
      const before = memory().backends[key]!;
      let first = 0;
      let last = 0;
      for (let i = 0; i < 100; i++) {
        const loss = step();
        const l = (await loss.data())[0]!;
        loss.dispose();
        if (i === 0) first = l;
        last = l;
      }
      const after = memory().backends[key]!;
      if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
        throw new ConformanceError(ctx.name, 'memory()', 'a training step inside tidy leaves the live count unchanged', `${before.tensors} tensors / ${before.bytes} bytes before, ${after.tensors} / ${after.bytes} after 100 steps`);
      }
      if (!(last < first)) throw new ConformanceError(ctx.name, 'training', 'an MLP trained with SGD reduces its loss', `loss went from ${first} to ${last}`);
    } finally {
      model.zeroGrad();
      for (const p of model.parameters()) p.dispose();
      x.dispose();
      y.dispose();
    }
  },
};

/** The memory cases. */
export const memoryCases: KitCase[] = [roundTrip, ...ownership, accounting, leak];
