/**
 * Kernel checks beyond the conformance kit, in Node on headless-gl: the paths the kit's small
 * shapes do not reach (staged reductions, concat of many inputs, large tensors), integer edge
 * cases, limits and errors, and device-memory accounting — each against the CPU backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  avgPool2d,
  conv2d,
  listBackends,
  maxPool2d,
  registerBackend,
  relu,
  setBackend,
  sum,
  tensor,
  type Backend,
  type Conv2dParams,
  type DataArray,
  type DType,
  type FusedKernels,
  type Pool2dParams,
  type TensorInfo,
} from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, MAX_ELEMENTS, type GpujsBackend } from '@profundo/backend-gpujs';
import { fusedMismatches } from './fused.js';
import { FUSED_KERNELS } from './settings.js';

let gpu: GpujsBackend;
const cpu: Backend = createCpuBackend();

beforeAll(async () => {
  gpu = await createGpujsBackend({ mode: 'headlessgl' });
  expect(gpu.mode).toBe('headlessgl');
});

function values(n: number, seed: number, dtype: DType = 'float32'): DataArray {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  if (dtype === 'int32') return Int32Array.from({ length: n }, () => Math.floor(next() * 200) - 100);
  if (dtype === 'bool') return Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0));
  return Float32Array.from({ length: n }, () => next() * 4 - 2);
}

type Input = { values: DataArray; shape: number[]; dtype: DType };
const input = (shape: number[], seed: number, dtype: DType = 'float32'): Input => ({
  values: values(shape.reduce((a, b) => a * b, 1), seed, dtype),
  shape,
  dtype,
});

/** Runs `call` on both backends and compares (float32 rounding tolerance). */
async function same(
  inputs: Input[],
  call: (be: Backend, xs: TensorInfo[]) => object,
  out: { shape: number[]; dtype: DType },
  rtol = 1e-5,
  atol = 1e-5,
): Promise<DataArray> {
  const results: DataArray[] = [];
  for (const be of [gpu as Backend, cpu]) {
    const xs = inputs.map((i) => ({ handle: be.write(i.values.slice(), i.shape, i.dtype), shape: i.shape, dtype: i.dtype }));
    const h = call(be, xs);
    results.push(await be.read({ handle: h, ...out }));
    be.dispose(h);
    for (const x of xs) be.dispose(x.handle);
  }
  const [g, c] = results as [DataArray, DataArray];
  expect(g.constructor).toBe(c.constructor);
  expect(g.length).toBe(c.length);
  for (let i = 0; i < c.length; i++) {
    if (Number.isNaN(g[i]) !== Number.isNaN(c[i]) || Math.abs(g[i]! - c[i]!) > atol + rtol * Math.abs(c[i]!)) {
      throw new Error(`element ${i}: gpujs ${g[i]}, cpu ${c[i]}`);
    }
  }
  return g;
}

describe('gpujs kernels beyond the kit (headless-gl)', () => {
  it('sums and maxes long axes in stages, whichever axes are reduced', async () => {
    const x = input([3, 5000, 2], 1);
    await same([x], (be, [a]) => be.reduce('sum', a!, [1]), { shape: [3, 2], dtype: 'float32' }, 1e-4);
    await same([x], (be, [a]) => be.reduce('max', a!, [1]), { shape: [3, 2], dtype: 'float32' });
    await same([x], (be, [a]) => be.reduce('sum', a!, [0, 1, 2]), { shape: [], dtype: 'float32' }, 1e-4);
    const long = input([70000], 2);
    await same([long], (be, [a]) => be.reduce('max', a!, [0]), { shape: [], dtype: 'float32' });
  });

  it('concatenates more inputs than one kernel binds', async () => {
    const xs = Array.from({ length: 9 }, (_, k) => input([2, k % 3, 3], 10 + k));
    await same(xs, (be, ts) => be.concat(ts, 1), { shape: [2, 9, 3], dtype: 'float32' });
  });

  it('multiplies larger matrices, transposed and batched', async () => {
    const a = input([2, 300, 70], 3);
    const b = input([1, 50, 300], 4);
    // Both backends sum the 300 products (each up to 4 in size) in float32, in different
    // orders, so they may differ by a few ulps of the partial sums (~1e-5 each), not of the
    // result: an absolute tolerance of 1e-4 covers that where the sum cancels to near 0.
    await same([a, b], (be, [x, y]) => be.matmul(x!, y!, true, true), { shape: [2, 70, 50], dtype: 'float32' }, 1e-4, 1e-4);
  });

  it('multiplies in 2×2 blocks over packed operands: odd M and N, K not a multiple of 4, every transpose, broadcast batches', async () => {
    // M·N·K above the blocked path's threshold (2^15), so these take pack → blocks → unpack.
    const [M, K, N] = [37, 70, 45];
    // Two uploads (input sizes not seen before), then four kernels (pack A, pack B, blocks,
    // unpack) where the one-output path compiles one.
    const before = gpu.deviceMemory().kernels;
    await same([input([1, M, K], 19), input([1, K, N], 18)], (be, [x, y]) => be.matmul(x!, y!, false, false), { shape: [1, M, N], dtype: 'float32' }, 1e-4, 1e-4);
    expect(gpu.deviceMemory().kernels - before).toBe(2 + 4);
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const [ba, bb] of [[1, 1], [3, 1], [1, 2], [2, 2]] as const) {
        const a = input([ba, transA ? K : M, transA ? M : K], 20 + ba);
        const b = input([bb, transB ? N : K, transB ? K : N], 30 + bb);
        const out = { shape: [Math.max(ba, bb), M, N], dtype: 'float32' as const };
        await same([a, b], (be, [x, y]) => be.matmul(x!, y!, transA, transB), out, 1e-4, 1e-4);
      }
    }
    // K = 1 and K = 5 (one full and one partial texel), M = N = 1 rows of blocks.
    await same([input([1, 300, 1], 40), input([1, 1, 301], 41)], (be, [x, y]) => be.matmul(x!, y!, false, false), { shape: [1, 300, 301], dtype: 'float32' }, 1e-5, 1e-5);
    await same([input([1, 1, 5], 42), input([1, 5, 9000], 43)], (be, [x, y]) => be.matmul(x!, y!, false, false), { shape: [1, 1, 9000], dtype: 'float32' }, 1e-5, 1e-5);
    // NaN and Infinity propagate as in the one-output kernel.
    const v = values(64 * 64, 44) as Float32Array;
    v[5] = NaN;
    v[64 * 3 + 7] = Infinity;
    const w = values(64 * 64, 45) as Float32Array;
    const g = await same(
      [{ values: v, shape: [1, 64, 64], dtype: 'float32' }, { values: w, shape: [1, 64, 64], dtype: 'float32' }],
      (be, [x, y]) => be.matmul(x!, y!, false, false),
      { shape: [1, 64, 64], dtype: 'float32' },
      1e-4,
      1e-4,
    );
    // Row 0 is all NaN; row 3 is ±Infinity (or NaN where the column of w has a 0, which it has not).
    expect(Array.from(g.slice(0, 64), (x) => Number.isNaN(x))).toEqual(Array(64).fill(true));
    expect(Array.from(g.slice(3 * 64, 4 * 64), (x) => Math.abs(x))).toEqual(Array(64).fill(Infinity));
  });

  it('handles tensors above the 16384 texels of a square texture side, of prime size', async () => {
    const x = input([100_003], 5);
    await same([x], (be, [a]) => be.unary('tanh', a!), { shape: [100_003], dtype: 'float32' });
    await same([x], (be, [a]) => be.slice(a!, [99_990], [13]), { shape: [13], dtype: 'float32' });
  });

  it('softmax and logSoftmax over long rows', async () => {
    const x = input([3, 1500], 6);
    await same([x], (be, [a]) => be.fused!.softmax!(a!), { shape: [3, 1500], dtype: 'float32' });
    await same([x], (be, [a]) => be.fused!.logSoftmax!(a!), { shape: [3, 1500], dtype: 'float32' });
  });

  it('integer division, power and casts are exact, signs included', async () => {
    const a: Input = { values: Int32Array.from([7, -7, 7, -7, 0, 9, 16777216, -3, 2, -2, 5]), shape: [11], dtype: 'int32' };
    const b: Input = { values: Int32Array.from([2, 2, -2, -2, 3, 3, 3, 0, 10, 3, -1]), shape: [11], dtype: 'int32' };
    expect(Array.from(await same([a, b], (be, [x, y]) => be.binary('div', x!, y!, [11]), { shape: [11], dtype: 'int32' }))).toEqual([3, -3, -3, 3, 0, 3, 5592405, 0, 0, 0, -5]);
    const base: Input = { values: Int32Array.from([3, -3, -2, 2, 0, 1, -1, 5]), shape: [8], dtype: 'int32' };
    const exp: Input = { values: Int32Array.from([3, 3, 4, -1, 0, 7, -3, 9]), shape: [8], dtype: 'int32' };
    expect(Array.from(await same([base, exp], (be, [x, y]) => be.binary('pow', x!, y!, [8]), { shape: [8], dtype: 'int32' }))).toEqual([27, -27, 16, 0, 1, 1, -1, 1953125]);
    const f: Input = { values: Float32Array.from([-2.5, 2.5, -0.5, 0, 1e6 + 0.75, -3]), shape: [6], dtype: 'float32' };
    expect(Array.from(await same([f], (be, [x]) => be.cast(x!, 'int32'), { shape: [6], dtype: 'int32' }))).toEqual([-2, 2, 0, 0, 1000000, -3]);
    expect(Array.from(await same([f], (be, [x]) => be.cast(x!, 'bool'), { shape: [6], dtype: 'bool' }))).toEqual([1, 1, 1, 0, 1, 1]);
  });

  it('float pow of negative bases with integral exponents', async () => {
    const a: Input = { values: Float32Array.from([-2, -2, -1.5, 4, 0]), shape: [5], dtype: 'float32' };
    const b: Input = { values: Float32Array.from([3, 2, -2, 0.5, 2]), shape: [5], dtype: 'float32' };
    await same([a, b], (be, [x, y]) => be.binary('pow', x!, y!, [5]), { shape: [5], dtype: 'float32' });
  });

  it('scatterAdd and gather on larger shapes', async () => {
    const idx: Input = { values: Int32Array.from(values(200 * 6, 7, 'int32'), (v) => Math.abs(v) % 40), shape: [200, 6], dtype: 'int32' };
    const src = input([200, 6], 8);
    await same([idx, src], (be, [i, s]) => be.scatterAdd(i!, s!, 0, [40, 6]), { shape: [40, 6], dtype: 'float32' }, 1e-4);
    const x = input([40, 6], 9);
    await same([x, idx], (be, [t, i]) => be.gather(t!, i!, 0), { shape: [200, 6], dtype: 'float32' });
  });

  it('empty tensors and outputs from empty inputs', async () => {
    const e = input([0, 3], 1);
    const h = gpu.write(e.values, e.shape, 'float32');
    expect(await gpu.read({ handle: h, shape: [0, 3], dtype: 'float32' })).toEqual(new Float32Array(0));
    const p = gpu.pad({ handle: h, shape: [0, 3], dtype: 'float32' }, [[1, 1], [0, 0]], 2.5);
    expect(Array.from(await gpu.read({ handle: p, shape: [2, 3], dtype: 'float32' }))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    const s = gpu.reduce('sum', { handle: h, shape: [0, 3], dtype: 'float32' }, [0]);
    expect(Array.from(await gpu.read({ handle: s, shape: [3], dtype: 'float32' }))).toEqual([0, 0, 0]);
    for (const x of [h, p, s]) gpu.dispose(x);
  });

  it('pads with non-finite values', async () => {
    const x = gpu.write(Float32Array.from([1, 2]), [2], 'float32');
    const p = gpu.pad({ handle: x, shape: [2], dtype: 'float32' }, [[1, 1]], -Infinity);
    expect(Array.from(await gpu.read({ handle: p, shape: [4], dtype: 'float32' }))).toEqual([-Infinity, 1, 2, -Infinity]);
    gpu.dispose(x);
    gpu.dispose(p);
  });

  it('rejects int32 values outside ±2^24 and tensors over the element limit, naming the limit', async () => {
    expect(() => gpu.write(Int32Array.from([1, 2 ** 24 + 1]), [2], 'int32')).toThrow(/outside ±2\^24/);
    expect(gpu.maxElements).toBe(MAX_ELEMENTS);
    const x = gpu.write(Float32Array.from([1]), [1, 1], 'float32');
    expect(() => gpu.expand({ handle: x, shape: [1, 1], dtype: 'float32' }, [4097, 4097])).toThrow(/exceeds backend-gpujs's limit of 16777216 elements/);
    gpu.dispose(x);
  });

  it('fails loudly on use after dispose and on a second dispose', () => {
    const x = gpu.write(Float32Array.from([1, 2]), [2], 'float32');
    gpu.dispose(x);
    expect(() => gpu.unary('neg', { handle: x, shape: [2], dtype: 'float32' })).toThrow(/after dispose/);
    expect(() => gpu.dispose(x)).toThrow(/twice/);
    expect(() => gpu.dispose({})).toThrow(/did not create/);
  });

  it('counts device textures and bytes, and frees them on dispose', () => {
    const before = gpu.deviceMemory();
    const x = gpu.write(new Float32Array(10_000), [100, 100], 'float32');
    const y = gpu.unary('exp', { handle: x, shape: [100, 100], dtype: 'float32' });
    const mid = gpu.deviceMemory();
    expect(mid.buffers).toBe(before.buffers + 2);
    // headless-gl stores four floats per RGBA32F texel (gpu.js's optimizeFloatMemory): 4 bytes
    // per element (50 × 50 texels).
    expect(mid.bytes - before.bytes).toBe(2 * 50 * 50 * 16);
    gpu.dispose(x);
    gpu.dispose(y);
    expect(gpu.deviceMemory()).toMatchObject({ buffers: before.buffers, bytes: before.bytes });
  });

  it('fuses a chain of element-wise ops into one kernel, computed when read', async () => {
    const f = (shape: number[], v: number[]): TensorInfo => ({ handle: gpu.write(Float32Array.from(v), shape, 'float32'), shape, dtype: 'float32' });
    // Shapes no other test uses, so every kernel counted here is compiled here.
    const x = f([3, 13], Array.from({ length: 39 }, (_, i) => i / 4 - 5));
    const b = f([13], Array.from({ length: 13 }, (_, j) => j - 6));
    const k0 = gpu.deviceMemory().kernels;
    const sq = gpu.binary('mul', x, x, [3, 13]);
    const s = gpu.binary('add', { handle: sq, shape: [3, 13], dtype: 'float32' }, b, [3, 13]);
    const y = gpu.unary('relu', { handle: s, shape: [3, 13], dtype: 'float32' });
    gpu.dispose(sq);
    gpu.dispose(s);
    const got = await gpu.read({ handle: y, shape: [3, 13], dtype: 'float32' });
    // relu(x² + b), by hand; x² + b is exact in float32 for these quarter-integers.
    const want = Array.from({ length: 39 }, (_, i) => Math.max(0, (i / 4 - 5) ** 2 + ((i % 13) - 6)));
    expect(Array.from(got)).toEqual(want);
    expect(gpu.deviceMemory().kernels - k0).toBe(1);
    gpu.dispose(y);

    // A pending value made before another kernel ran is computed on its own, not folded again.
    const k1 = gpu.deviceMemory().kernels;
    const sq2 = gpu.binary('mul', x, x, [3, 13]);
    const total = gpu.reduce('sum', b, [0]); // another kernel
    const z = gpu.binary('sub', { handle: sq2, shape: [3, 13], dtype: 'float32' }, x, [3, 13]);
    const zv = await gpu.read({ handle: z, shape: [3, 13], dtype: 'float32' });
    expect(Array.from(zv)).toEqual(Array.from({ length: 39 }, (_, i) => (i / 4 - 5) ** 2 - (i / 4 - 5)));
    // Three kernels: the reduction, x·x alone and x·x − x (the fused relu(x² + b) compiled none of them).
    expect(gpu.deviceMemory().kernels - k1).toBe(3);
    for (const h of [sq2, total, z, x.handle, b.handle]) gpu.dispose(h);
  });

  it('reads synchronously and asynchronously the same values', async () => {
    const x = gpu.write(Int32Array.from([-5, 0, 16777216]), [3], 'int32');
    const info = { handle: x, shape: [3], dtype: 'int32' as const };
    expect(gpu.readSync!(info)).toEqual(Int32Array.from([-5, 0, 16777216]));
    expect(await gpu.read(info)).toEqual(Int32Array.from([-5, 0, 16777216]));
    gpu.dispose(x);
  });
});

describe('fused conv and pooling kernels (headless-gl)', () => {
  it('offers all seven conv / pooling kernels, so core takes the fused path (forward and backward)', async () => {
    expect(Object.keys(gpu.fused!).sort()).toEqual(FUSED_KERNELS);
    for (const k of FUSED_KERNELS) expect(typeof gpu.fused![k as keyof FusedKernels]).toBe('function');
    // A backend whose fused kernels count their calls: conv2d, maxPool2d and avgPool2d with
    // gradients must run the fused forward and backprop kernels, never the im2col composite.
    const counted = await createGpujsBackend({ mode: 'headlessgl' });
    const calls: Record<string, number> = {};
    const fused = counted.fused as Record<string, (...args: unknown[]) => unknown>;
    for (const k of FUSED_KERNELS) {
      const f = fused[k]!;
      fused[k] = (...args: unknown[]) => {
        calls[k] = (calls[k] ?? 0) + 1;
        return f(...args);
      };
    }
    let gathers = 0;
    const gather = counted.gather.bind(counted);
    counted.gather = (...args: Parameters<Backend['gather']>) => {
      gathers++;
      return gather(...args);
    };
    if (!listBackends().includes('gpujs-counted')) registerBackend('gpujs-counted', () => counted);
    await setBackend('gpujs-counted');
    const x = tensor(values(2 * 3 * 8 * 8, 21) as Float32Array, { shape: [2, 3, 8, 8], requiresGrad: true });
    const w = tensor(values(4 * 3 * 3 * 3, 22) as Float32Array, { shape: [4, 3, 3, 3], requiresGrad: true });
    const y = conv2d(x, w, null, { padding: 1 });
    sum(avgPool2d(maxPool2d(relu(y), 2), { kernelSize: 2, padding: 1, countIncludePad: false })).backward();
    expect(x.grad!.shape).toEqual([2, 3, 8, 8]);
    await w.grad!.data();
    expect(calls).toEqual({ conv2d: 1, conv2dBackpropInput: 1, conv2dBackpropFilter: 1, maxPool2d: 1, maxPool2dBackprop: 1, avgPool2d: 1, avgPool2dBackprop: 1 });
    expect(gathers).toBe(0);
    counted.destroy();
  });

  // LeNet's convolutions at batch 4: conv1 1→6 on 28×28 (5×5, padding 2), conv2 6→16 on 14×14
  // (5×5), forward and both gradients against the CPU backend's fused kernels. The filter
  // gradient sums N·OH·OW = 3,136 (conv1) and 400 (conv2) products per weight, in float32 on
  // the device and in a blocked GEMM on the CPU, hence an absolute tolerance scaled to its size.
  const lenet: { name: string; x: number[]; w: number[]; params: Conv2dParams }[] = [
    { name: 'conv1 1→6, 28×28, 5×5, padding 2', x: [4, 1, 28, 28], w: [6, 1, 5, 5], params: { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 } },
    { name: 'conv2 6→16, 14×14, 5×5', x: [4, 6, 14, 14], w: [16, 6, 5, 5], params: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } },
  ];
  for (const c of lenet) {
    it(`LeNet-sized ${c.name}: forward, input and filter gradients match the CPU backend`, async () => {
      const [N, , H, W] = c.x as [number, number, number, number];
      const [O, , kH, kW] = c.w as [number, number, number, number];
      const [top, bottom, left, right] = c.params.padding;
      const yShape = [N, O, H + top + bottom - kH + 1, W + left + right - kW + 1];
      const x = input(c.x, 31);
      const w = input(c.w, 32);
      const dy = input(yShape, 33);
      await same([x, w], (be, [a, b]) => be.fused!.conv2d!(a!, b!, c.params), { shape: yShape, dtype: 'float32' }, 1e-4, 1e-4);
      await same([dy, w], (be, [g, b]) => be.fused!.conv2dBackpropInput!(g!, b!, c.x, c.params), { shape: c.x, dtype: 'float32' }, 1e-4, 1e-4);
      const terms = yShape[0]! * yShape[2]! * yShape[3]!;
      await same([x, dy], (be, [a, g]) => be.fused!.conv2dBackpropFilter!(a!, g!, c.w, c.params), { shape: c.w, dtype: 'float32' }, 1e-4, 1e-6 * terms);
    });
  }

  it('matmul shapes and strided, dilated, grouped and one-sided conv / pooling geometries the kit does not reach match the CPU backend', async () => {
    expect(await fusedMismatches(gpu, cpu)).toEqual([]);
  });

  it('LeNet-sized max pooling routes ties (ReLU zeros) to the first maximum, like the CPU backend', async () => {
    // Integers in -2..2 clamped at 0: most windows hold several equal maxima.
    const x: Input = { values: Float32Array.from(values(4 * 6 * 28 * 28, 41, 'int32'), (v) => Math.max(0, (v % 5) - 2)), shape: [4, 6, 28, 28], dtype: 'float32' };
    const dy = input([4, 6, 14, 14], 42);
    for (const params of [
      { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] },
      { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
    ] as Pool2dParams[]) {
      const ohw = Math.floor((28 + 2 * params.padding[0] - params.kernelSize[0]) / 2) + 1;
      const d = { ...dy, values: dy.values.slice(0, 4 * 6 * ohw * ohw), shape: [4, 6, ohw, ohw] };
      await same([x], (be, [a]) => be.fused!.maxPool2d!(a!, params), { shape: [4, 6, ohw, ohw], dtype: 'float32' });
      await same([d, x], (be, [g, a]) => be.fused!.maxPool2dBackprop!(g!, a!, params), { shape: [4, 6, 28, 28], dtype: 'float32' });
    }
  });
});

describe('mode errors', () => {
  it('names the requested mode when it is not available', async () => {
    await expect(createGpujsBackend({ mode: 'webgpu' })).rejects.toThrow(/mode 'webgpu' is not available/);
    await expect(createGpujsBackend({ mode: 'webgl2' })).rejects.toThrow(/mode 'webgl2' is not available/);
    await expect(createGpujsBackend({ mode: 'cuda' as never })).rejects.toThrow(/unknown mode "cuda"/);
  });
});
