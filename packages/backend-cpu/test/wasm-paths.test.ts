/**
 * The WebAssembly paths against independent references, thread splits, the heap's memory
 * accounting and its failure mode.
 *
 * - matmul and conv2d (forward and both gradients) are compared with float64 loops written
 *   here, on shapes that split across threads (`parallelMin: 0`) and hang over tile edges;
 * - splits never divide a sum, so one and two threads must agree bit for bit;
 * - training inside `tidy` must leave live tensors and heap bytes flat, reusing blocks;
 * - running out of heap must throw a typed error and leave every live tensor intact.
 */
import { describe, expect, it } from 'vitest';
import * as pf from '@profundo/core';
import type { Conv2dParams, DataArray, TensorInfo } from '@profundo/core';
import { createCpuBackend, type CpuBackend, type KernelPath } from '../src/index.js';

const SIMD_PATHS: KernelPath[] = ['simd', 'relaxed-simd'];

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

function input(be: CpuBackend, values: Float32Array, shape: number[]): TensorInfo {
  return { handle: be.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

function readAll(be: CpuBackend, handle: object, shape: number[]): DataArray {
  return be.readSync({ handle, shape, dtype: 'float32' });
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(worst).toBeLessThan(tol);
}

/** float64 `A·B` for row-major `[M, K]`, `[K, N]` (after undoing transposes). */
function refMatmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ta ? k * M + i : i * K + k]! * b[tb ? j * K + k : k * N + j]!;
      out[i * N + j] = s;
    }
  }
  return out;
}

const MATMULS: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [37, 29, 53],
  [130, 300, 70],
  [64, 784, 256],
  [5, 0, 6],
];

for (const kernels of SIMD_PATHS) {
  describe(`${kernels}: matmul`, () => {
    const one = createCpuBackend({ kernels, threads: 1 });
    const two = createCpuBackend({ kernels, threads: 2, parallelMin: 0 });
    for (const [M, K, N] of MATMULS) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        it(`[${M}×${K}]·[${K}×${N}] transA=${ta} transB=${tb}: float64 reference, 1 and 2 threads bit-identical`, async () => {
          await two.ready;
          expect(two.path.threads).toBe(2);
          const a = rand(M * K, M + 7 * K);
          const b = rand(K * N, N + 3 * K);
          const sa = ta ? [K, M] : [M, K];
          const sb = tb ? [N, K] : [K, N];
          const r1 = readAll(one, one.matmul(input(one, a, sa), input(one, b, sb), ta, tb), [M, N]);
          const r2 = readAll(two, two.matmul(input(two, a, sa), input(two, b, sb), ta, tb), [M, N]);
          expectClose(r1, refMatmul(a, b, M, K, N, ta, tb), 1e-5);
          expect(r2).toEqual(r1);
        });
      }
    }

    it('batched with a broadcast operand: [3, 17, 40]·[1, 40, 33]', async () => {
      await two.ready;
      const a = rand(3 * 17 * 40, 1);
      const b = rand(40 * 33, 2);
      const got = readAll(two, two.matmul(input(two, a, [3, 17, 40]), input(two, b, [1, 40, 33]), false, false), [3, 17, 33]);
      for (let p = 0; p < 3; p++) {
        const want = refMatmul(a.subarray(p * 17 * 40, (p + 1) * 17 * 40), b, 17, 40, 33, false, false);
        expectClose(got.subarray(p * 17 * 33, (p + 1) * 17 * 33), want, 1e-5);
      }
    });
  });
}

/** float64 conv2d (PyTorch's cross-correlation) and its two gradients, straight from the definition. */
function refConv(
  x: Float32Array, w: Float32Array, dy: Float32Array,
  [N, C, H, W]: number[], [O, Cg, kH, kW]: number[], p: Conv2dParams, OH: number, OW: number,
): { y: Float64Array; dx: Float64Array; dw: Float64Array } {
  const G = p.groups;
  const Og = O / G;
  const y = new Float64Array(N * O * OH * OW);
  const dx = new Float64Array(N * C * H * W);
  const dw = new Float64Array(O * Cg * kH * kW);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    const g = Math.floor(o / Og);
    const yi = ((n * O + o) * OH + i) * OW + j;
    for (let c = 0; c < Cg; c++) for (let q = 0; q < kH; q++) for (let r = 0; r < kW; r++) {
      const h = i * p.stride[0] + q * p.dilation[0] - p.padding[0];
      const v = j * p.stride[1] + r * p.dilation[1] - p.padding[2];
      if (h < 0 || h >= H || v < 0 || v >= W) continue;
      const xi = ((n * C + g * Cg + c) * H + h) * W + v;
      const wi = ((o * Cg + c) * kH + q) * kW + r;
      y[yi] += x[xi]! * w[wi]!;
      dx[xi] += dy[yi]! * w[wi]!;
      dw[wi] += dy[yi]! * x[xi]!;
    }
  }
  return { y, dx, dw };
}

const CONVS: { x: number[]; w: number[]; p: Conv2dParams }[] = [
  { x: [5, 3, 11, 9], w: [8, 3, 3, 3], p: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } },
  { x: [4, 6, 12, 10], w: [4, 3, 3, 2], p: { stride: [2, 3], padding: [2, 0, 1, 1], dilation: [2, 1], groups: 2 } },
  { x: [3, 8, 7, 7], w: [10, 8, 1, 1], p: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } },
  { x: [2, 4, 6, 6], w: [6, 4, 5, 5], p: { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 } },
];

for (const kernels of SIMD_PATHS) {
  describe(`${kernels}: conv2d and its gradients`, () => {
    const one = createCpuBackend({ kernels, threads: 1 });
    const two = createCpuBackend({ kernels, threads: 2, parallelMin: 0 });
    for (const { x: xs, w: ws, p } of CONVS) {
      it(`x [${xs}] w [${ws}] stride ${p.stride} padding ${p.padding} dilation ${p.dilation} groups ${p.groups}`, async () => {
        await two.ready;
        const [N, , H, W] = xs as [number, number, number, number];
        const [O, , kH, kW] = ws as [number, number, number, number];
        const OH = Math.floor((H + p.padding[0] + p.padding[1] - p.dilation[0] * (kH - 1) - 1) / p.stride[0]) + 1;
        const OW = Math.floor((W + p.padding[2] + p.padding[3] - p.dilation[1] * (kW - 1) - 1) / p.stride[1]) + 1;
        const ys = [N, O, OH, OW];
        const x = rand(xs.reduce((a, b) => a * b), 11);
        const w = rand(ws.reduce((a, b) => a * b), 12);
        const dy = rand(ys.reduce((a, b) => a * b), 13);
        const ref = refConv(x, w, dy, xs, ws, p, OH, OW);
        const results = [one, two].map((be) => {
          const f = be.fused!;
          const X = input(be, x, xs), Wt = input(be, w, ws), dY = input(be, dy, ys);
          return [
            readAll(be, f.conv2d!(X, Wt, p), ys),
            readAll(be, f.conv2dBackpropInput!(dY, Wt, xs, p), xs),
            readAll(be, f.conv2dBackpropFilter!(X, dY, ws, p), ws),
          ];
        });
        expectClose(results[0]![0]!, ref.y, 1e-5);
        expectClose(results[0]![1]!, ref.dx, 1e-5);
        expectClose(results[0]![2]!, ref.dw, 1e-5);
        for (let k = 0; k < 3; k++) expect(results[1]![k]).toEqual(results[0]![k]);
      });
    }
  });
}

describe('the WebAssembly heap', () => {
  it('1,000 training steps inside tidy leave live tensors and heap bytes flat', async () => {
    const be = createCpuBackend({ kernels: 'relaxed-simd', threads: 2 });
    await be.ready;
    pf.registerBackend('cpu-heap-test', () => be);
    await pf.setBackend('cpu-heap-test');
    pf.manualSeed(3);
    const model = new pf.nn.Sequential(new pf.nn.Linear(20, 32), new pf.nn.ReLU(), new pf.nn.Linear(32, 4));
    const params = model.parameters();
    const x = pf.randn([16, 20]);
    const y = pf.tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], { dtype: 'int32' });
    const step = (): void =>
      pf.tidy(() => {
        model.zeroGrad();
        pf.nn.crossEntropy(model.forward(x), y).backward();
        pf.noGrad(() => {
          for (const q of params) q.assign(q.sub(q.grad!.mul(0.01)));
        });
      });
    for (let i = 0; i < 10; i++) step();
    const tensors = pf.memory().tensors;
    const { used, capacity } = be.heapBytes;
    for (let i = 0; i < 1000; i++) step();
    expect(pf.memory().tensors).toBe(tensors);
    expect(be.heapBytes.used).toBe(used);
    // Freed blocks are reused, so a steady loop never grows the heap.
    expect(be.heapBytes.capacity).toBe(capacity);
  });

  it("a disposed tensor's block is handed out again", () => {
    const be = createCpuBackend({ kernels: 'simd', threads: 1 });
    const before = be.heapBytes.used;
    const a = input(be, rand(1000, 1), [1000]);
    const used = be.heapBytes.used;
    expect(used).toBeGreaterThanOrEqual(before + 4000);
    be.dispose(a.handle);
    expect(be.heapBytes.used).toBe(before);
    const b = input(be, rand(1000, 2), [1000]);
    expect(be.heapBytes.used).toBe(used);
    expect(Array.from(be.readSync({ ...b, handle: b.handle }))).toEqual(Array.from(rand(1000, 2)));
  });

  it('running out of heap throws OutOfMemoryError naming the op and leaves live tensors intact', async () => {
    const be = createCpuBackend({ kernels: 'simd', threads: 1 });
    pf.registerBackend('cpu-oom-test', () => be);
    await pf.setBackend('cpu-oom-test');
    const kept = pf.tensor([1, 2, 3]);
    const tensors = pf.memory().tensors;
    const used = be.heapBytes.used;
    // 2^31 float32 values: 8 GiB, twice what 32-bit WebAssembly can address.
    let error: unknown;
    try {
      pf.ones([1, 1]).expand([1 << 16, 1 << 15]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pf.OutOfMemoryError);
    expect((error as pf.OutOfMemoryError).op).toBe('expand');
    expect((error as pf.OutOfMemoryError).bytes).toBeGreaterThanOrEqual(2 ** 33);
    expect(await kept.data()).toEqual(new Float32Array([1, 2, 3]));
    // The `ones` operand is the only tensor the failed line left behind.
    expect(pf.memory().tensors).toBe(tensors + 1);
    expect(be.heapBytes.used).toBeLessThanOrEqual(used + 64);
  });
});

describe('max pooling on the SIMD paths', () => {
  // Few distinct values (many ties: the first maximum must win) and some NaNs (a NaN wins and
  // stays), on geometries whose windows lie inside, hang over padding, and overlap.
  const GEOMETRIES: { shape: number[]; p: import('@profundo/core').Pool2dParams }[] = [
    { shape: [2, 3, 28, 28], p: { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] } },
    { shape: [1, 2, 13, 17], p: { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1] } },
    { shape: [2, 2, 15, 19], p: { kernelSize: [3, 2], stride: [2, 3], padding: [1, 0, 1, 1] } },
    { shape: [1, 1, 9, 40], p: { kernelSize: [2, 5], stride: [1, 4], padding: [0, 1, 2, 2] } },
  ];
  const js = createCpuBackend({ kernels: 'js' });
  for (const kernels of SIMD_PATHS) {
    const be = createCpuBackend({ kernels, threads: 1 });
    for (const { shape, p } of GEOMETRIES) {
      it(`${kernels}: [${shape}] window ${p.kernelSize} stride ${p.stride} padding ${p.padding}: forward and gradient equal the TypeScript path`, () => {
        const n = shape.reduce((a, b) => a * b);
        const x = rand(n, 5).map((v, i) => (i % 97 === 0 ? NaN : Math.round(v * 6)));
        const [N, C, H, W] = shape as [number, number, number, number];
        const OH = Math.floor((H + p.padding[0] + p.padding[1] - p.kernelSize[0]) / p.stride[0]) + 1;
        const OW = Math.floor((W + p.padding[2] + p.padding[3] - p.kernelSize[1]) / p.stride[1]) + 1;
        const ys = [N, C, OH, OW];
        const dy = rand(ys.reduce((a, b) => a * b), 6);
        const run = (b: CpuBackend): DataArray[] => {
          const X = input(b, x, shape);
          const dY = input(b, dy, ys);
          return [readAll(b, b.fused!.maxPool2d!(X, p), ys), readAll(b, b.fused!.maxPool2dBackprop!(dY, X, p), shape)];
        };
        const [yJs, dxJs] = run(js);
        const [y, dx] = run(be);
        expect(Array.from(y!)).toEqual(Array.from(yJs!));
        expect(Array.from(dx!)).toEqual(Array.from(dxJs!));
      });
    }
  }
});
