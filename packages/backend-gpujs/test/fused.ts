/**
 * Matmul shapes that reach the paths the conformance kit's small cases do not (the GL modes'
 * blocked, packed kernel above 2^15 multiply-adds; WebGPU's four-outputs-per-thread kernel when
 * N is a multiple of 4), with every transpose and broadcast batches; and geometries for the
 * fused conv and pooling kernels that the kit's cases do not reach: strides and dilations with a common factor (taps that can never reach some rows),
 * strides whose tap spacing needs a modular inverse, strides larger than the window, one-sided
 * padding, groups, and max pooling with tied maxima. Each kernel runs on the gpu.js backend and
 * on the CPU backend (whose fused kernels are the reference); shared by the Node and browser
 * suites, so every mode compiles and runs the same generated sources.
 */
import type { Backend, Conv2dParams, DataArray, Pool2dParams, TensorInfo } from '@profundo/core';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Check {
  name: string;
  /** Input shapes and, per input, whether its values are small integers (ties for max pooling). */
  inputs: { shape: number[]; ties?: boolean }[];
  out: number[];
  call: (be: Backend, xs: TensorInfo[]) => object;
  /** Absolute and relative tolerance (default 1e-5). */
  tol?: number;
}

/** [Ba, Bb, M, K, N]: odd and even M / N, K a multiple of 4 or not, either operand broadcast. */
const MATMULS: [number, number, number, number, number][] = [
  [2, 1, 37, 70, 44],
  [1, 3, 36, 69, 45],
  [1, 1, 5, 3, 4],
];

const CONVS: { x: number[]; w: number[]; p: Conv2dParams }[] = [
  // H: stride 2, dilation 2 (common factor 2); W: stride 3, dilation 2 (inverse of 2 mod 3 is 2).
  { x: [2, 4, 9, 8], w: [6, 2, 3, 3], p: { stride: [2, 3], padding: [1, 2, 0, 1], dilation: [2, 2], groups: 2 } },
  // H: dilation a multiple of the stride; depthwise (groups = channels).
  { x: [1, 3, 7, 7], w: [3, 1, 2, 3], p: { stride: [3, 2], padding: [2, 0, 1, 1], dilation: [3, 1], groups: 3 } },
  // H: stride larger than the kernel span (rows no tap reads); W: inverse of 3 mod 4 is 3;
  // padding on one side only.
  { x: [2, 2, 11, 10], w: [4, 2, 2, 3], p: { stride: [4, 4], padding: [0, 3, 2, 0], dilation: [2, 3], groups: 1 } },
  // Large enough (N·O·OH·OW·K = 36,750 multiply-adds) for the GL modes' blocked forward: odd O
  // (7) and N·OH·OW (175), K = 30 not a multiple of 4, stride, dilation and uneven padding.
  { x: [5, 5, 9, 8], w: [7, 5, 3, 2], p: { stride: [2, 1], padding: [1, 2, 0, 1], dilation: [1, 2], groups: 1 } },
  // The same geometry with O = 8 and C = 4, multiples of 4: WebGPU's im2col path for all three
  // (forward 33,600 multiply-adds, input gradient 69,120, filter gradient 33,600).
  { x: [5, 4, 9, 8], w: [8, 4, 3, 2], p: { stride: [2, 1], padding: [1, 2, 0, 1], dilation: [1, 2], groups: 1 } },
];

const POOLS: Pool2dParams[] = [
  { kernelSize: [3, 3], stride: [3, 2], padding: [1, 1, 1, 1] },
  { kernelSize: [2, 3], stride: [1, 3], padding: [1, 1, 0, 0] },
  { kernelSize: [2, 2], stride: [3, 3], padding: [0, 0, 0, 0] },
];

function convOut(x: number[], w: number[], p: Conv2dParams): number[] {
  const o = (n: number, a: number, b: number, k: number, s: number, d: number) => Math.floor((n + a + b - d * (k - 1) - 1) / s) + 1;
  return [x[0]!, w[0]!, o(x[2]!, p.padding[0], p.padding[1], w[2]!, p.stride[0], p.dilation[0]), o(x[3]!, p.padding[2], p.padding[3], w[3]!, p.stride[1], p.dilation[1])];
}

function poolOut(x: number[], p: Pool2dParams): number[] {
  const o = (n: number, a: number, b: number, k: number, s: number) => Math.floor((n + a + b - k) / s) + 1;
  return [x[0]!, x[1]!, o(x[2]!, p.padding[0], p.padding[1], p.kernelSize[0], p.stride[0]), o(x[3]!, p.padding[2], p.padding[3], p.kernelSize[1], p.stride[1])];
}

function checks(): Check[] {
  const list: Check[] = [];
  for (const [ba, bb, m, k, n] of MATMULS) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      list.push({
        name: `matmul [${ba}, ${m}, ${k}]${ta ? 'ᵀ' : ''} · [${bb}, ${k}, ${n}]${tb ? 'ᵀ' : ''}`,
        inputs: [{ shape: [ba, ta ? k : m, ta ? m : k] }, { shape: [bb, tb ? n : k, tb ? k : n] }],
        out: [Math.max(ba, bb), m, n],
        call: (be, [a, b]) => be.matmul(a!, b!, ta, tb),
        // Sums of 70 products of values up to 2 in float32, in a different order from the CPU's.
        tol: 1e-4,
      });
    }
  }
  for (const { x, w, p } of CONVS) {
    const y = convOut(x, w, p);
    const tag = `[${x}] ⊛ [${w}] ${JSON.stringify(p)}`;
    list.push({ name: `conv2d ${tag}`, inputs: [{ shape: x }, { shape: w }], out: y, call: (be, [a, b]) => be.fused!.conv2d!(a!, b!, p) });
    list.push({ name: `conv2dBackpropInput ${tag}`, inputs: [{ shape: y }, { shape: w }], out: x, call: (be, [g, b]) => be.fused!.conv2dBackpropInput!(g!, b!, x, p) });
    list.push({ name: `conv2dBackpropFilter ${tag}`, inputs: [{ shape: x }, { shape: y }], out: w, call: (be, [a, g]) => be.fused!.conv2dBackpropFilter!(a!, g!, w, p) });
  }
  const x = [2, 3, 8, 7];
  for (const p of POOLS) {
    const y = poolOut(x, p);
    const tag = JSON.stringify(p);
    list.push({ name: `maxPool2d ${tag}`, inputs: [{ shape: x, ties: true }], out: y, call: (be, [a]) => be.fused!.maxPool2d!(a!, p) });
    list.push({ name: `maxPool2dBackprop ${tag}`, inputs: [{ shape: y }, { shape: x, ties: true }], out: x, call: (be, [g, a]) => be.fused!.maxPool2dBackprop!(g!, a!, p) });
    for (const include of [true, false]) {
      list.push({ name: `avgPool2d ${tag} countIncludePad ${include}`, inputs: [{ shape: x }], out: y, call: (be, [a]) => be.fused!.avgPool2d!(a!, p, include) });
      list.push({ name: `avgPool2dBackprop ${tag} countIncludePad ${include}`, inputs: [{ shape: y }], out: x, call: (be, [g]) => be.fused!.avgPool2dBackprop!(g!, x, p, include) });
    }
  }
  return list;
}

async function runOn(be: Backend, c: Check, values: Float32Array[]): Promise<DataArray> {
  const xs = c.inputs.map((s, k) => ({ handle: be.write(values[k]!.slice(), s.shape, 'float32'), shape: s.shape, dtype: 'float32' as const }));
  const h = c.call(be, xs);
  const r = await be.read({ handle: h, shape: c.out, dtype: 'float32' });
  be.dispose(h);
  for (const t of xs) be.dispose(t.handle);
  return r;
}

/**
 * Runs every check on `gpu` and `cpu`; resolves to one message per mismatch (|gpu − cpu| above
 * tol + tol·|cpu|, tol = 1e-5 (float32 rounding of sums of a few dozen terms) unless the check
 * sets another) — empty when all agree.
 */
export async function fusedMismatches(gpu: Backend, cpu: Backend): Promise<string[]> {
  const failures: string[] = [];
  let n = 0;
  for (const c of checks()) {
    const rnd = seeded(500 + n++);
    const values = c.inputs.map((s) =>
      Float32Array.from({ length: size(s.shape) }, () => (s.ties ? Math.floor(rnd() * 4) - 1 : rnd() * 4 - 2)),
    );
    const [g, e] = [await runOn(gpu, c, values), await runOn(cpu, c, values)];
    for (let i = 0; i < e.length; i++) {
      const tol = c.tol ?? 1e-5;
      if (!(Math.abs(g[i]! - e[i]!) <= tol + tol * Math.abs(e[i]!))) {
        failures.push(`${c.name}: element ${i}: gpujs ${g[i]}, cpu ${e[i]}`);
        break;
      }
    }
  }
  return failures;
}
