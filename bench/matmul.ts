/**
 * Square float32 matmul throughput: @profundo/backend-cpu against TensorFlow.js's CPU and WASM
 * backends, all in one process so they share the machine's state.
 *
 * Run from the repository root: `pnpm bench:matmul`.
 *
 * Only the matmul call is timed (inputs are written before, results read after), after warmup;
 * each figure is the median of several runs. tfjs runs its kernels eagerly on these backends, so
 * the result exists when `tf.matMul` returns.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCpuBackend } from '@profundo/backend-cpu';
import type { TensorInfo } from '@profundo/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const SIZES = [128, 256, 512, 1024];
/** Time spent measuring each (library, size) pair, after warmup. */
const BUDGET_MS = 2000;
const WARMUP_MS = 300;
const MIN_RUNS = 3;
const MAX_RUNS = 30;

function randomMatrix(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * n);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/**
 * Median milliseconds of `fn`. Warmup lasts at least WARMUP_MS (and two calls) so every
 * library's JIT has reached its top tier; the last warmup call sizes the number of runs.
 */
function measure(fn: () => void): number {
  const warmUntil = performance.now() + WARMUP_MS;
  let once = 0;
  for (let i = 0; i < 2 || performance.now() < warmUntil; i++) {
    const t0 = performance.now();
    fn();
    once = performance.now() - t0;
  }
  const runs = Math.max(MIN_RUNS, Math.min(MAX_RUNS, Math.ceil(BUDGET_MS / Math.max(once, 1e-3))));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function gflops(n: number, ms: number): number {
  return (2 * n * n * n) / (ms * 1e6);
}

function profundo(n: number, a: Float32Array, b: Float32Array): { ms: number; result: Float32Array } {
  const be = createCpuBackend();
  const shape = [1, n, n];
  const ai: TensorInfo = { handle: be.write(a, shape, 'float32'), shape, dtype: 'float32' };
  const bi: TensorInfo = { handle: be.write(b, shape, 'float32'), shape, dtype: 'float32' };
  const ms = measure(() => {
    be.dispose(be.matmul(ai, bi, false, false));
  });
  const h = be.matmul(ai, bi, false, false);
  const result = be.readSync!({ handle: h, shape, dtype: 'float32' }) as Float32Array;
  be.dispose(h);
  return { ms, result };
}

async function tfjs(
  backend: 'cpu' | 'wasm',
  n: number,
  a: Float32Array,
  b: Float32Array,
): Promise<{ ms: number; result: Float32Array }> {
  await tf.setBackend(backend);
  await tf.ready();
  const at = tf.tensor2d(a, [n, n]);
  const bt = tf.tensor2d(b, [n, n]);
  const ms = measure(() => {
    tf.matMul(at, bt).dispose();
  });
  const c = tf.matMul(at, bt);
  const result = (await c.data()) as Float32Array;
  tf.dispose([at, bt, c]);
  return { ms, result };
}

function maxAbsDiff(x: Float32Array, y: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
  setWasmPaths(wasmDir);
  // Registers the 'wasm' backend (setWasmPaths must come first).
  await import('@tensorflow/tfjs-backend-wasm');

  console.log(`Node ${process.version}, float32 C = A·B, n×n, median GFLOP/s (higher is better)\n`);
  const rows: string[][] = [
    ['n', 'profundo-cpu', 'tfjs-cpu', 'tfjs-wasm', 'profundo/tfjs-cpu', 'profundo/tfjs-wasm', 'max |Δ| vs tfjs-cpu'],
  ];
  for (const n of SIZES) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const p = profundo(n, a, b);
    const c = await tfjs('cpu', n, a, b);
    const w = await tfjs('wasm', n, a, b);
    const gp = gflops(n, p.ms);
    const gc = gflops(n, c.ms);
    const gw = gflops(n, w.ms);
    rows.push([
      String(n),
      gp.toFixed(2),
      gc.toFixed(2),
      gw.toFixed(2),
      (gp / gc).toFixed(2) + '×',
      (gp / gw).toFixed(2) + '×',
      maxAbsDiff(p.result, c.result).toExponential(1),
    ]);
  }
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => '| ' + r.map((c, j) => c.padStart(widths[j]!)).join(' | ') + ' |';
  console.log(line(rows[0]!));
  console.log('|' + widths.map((w) => '-'.repeat(w + 1) + ':').join('|') + '|');
  for (const r of rows.slice(1)) console.log(line(r));
}

await main();
