/**
 * One LeNet-5 training step (batch 64): Profundo's CPU backend against the same network in
 * TensorFlow.js, all in one process.
 *
 * Network (PyTorch layout): conv(1→6, 5×5, pad 2) · relu · maxpool 2 · conv(6→16, 5×5) · relu ·
 * maxpool 2 · flatten · linear(400→120) · relu · linear(120→84) · relu · linear(84→10), mean
 * cross-entropy, plain SGD (lr 0.01). Every library starts from the same weights (Profundo's
 * init, transposed to tfjs's NHWC / HWIO layouts, with the first dense layer's rows permuted to
 * NHWC flattening order), so their first losses must agree; the table prints them.
 *
 * Run from the repository root: `pnpm bench:lenet`. Figures are medians: wall-clock, and the
 * process's CPU time, which is the steadier one when other work shares the machine.
 *
 * - profundo-cpu: the fused conv / pool kernels of @profundo/backend-cpu; median of several
 *   steps after warmup, each step inside `tidy`.
 * - profundo-cpu (composite): the same backend with its fused kernels removed, so conv and
 *   pooling run as core's im2col composite of primitive kernels.
 * - tfjs-cpu: tfjs-backend-cpu (plain JS); it is slow, so one timed step after one warmup step.
 * - tfjs-wasm: tfjs-backend-wasm (SIMD, one thread). It has no conv filter gradient
 *   (Conv2DBackpropFilter), so a full step fails; its "step" row is forward + backward for every
 *   parameter except the two conv filters (the input gradients through both convs are still
 *   computed), i.e. a lower bound on a full step.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as pf from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import { SGD } from '@profundo/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients in Node
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const BATCH = 64;
const LR = 0.01;

function lenet(): pf.nn.Sequential {
  const { nn } = pf;
  return new nn.Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new nn.ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new nn.Linear(400, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
  );
}

/** Seeded inputs in [0, 1) (like MNIST pixels) and labels. */
function data(): { x: Float32Array; y: Int32Array } {
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return {
    x: Float32Array.from({ length: BATCH * 28 * 28 }, next),
    y: Int32Array.from({ length: BATCH }, () => Math.floor(next() * 10)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * Median wall-clock and CPU ms of `fn` over `runs` calls after `warmup` calls; the first result
 * is kept. CPU time (this process, all threads: JS, GC helpers) is steadier than wall-clock when
 * other work shares the machine.
 */
function time<T>(fn: () => T, warmup: number, runs: number): { ms: number; cpuMs: number; first: T } {
  let first: T | undefined;
  for (let i = 0; i < warmup; i++) {
    const r = fn();
    first ??= r;
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = fn();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    first ??= r;
  }
  return { ms: median(wall), cpuMs: median(cpu), first: first! };
}

/** Initial weights, taken from a freshly seeded Profundo LeNet. */
interface Weights {
  /** name → values and PyTorch shape, in parameter order. */
  params: [string, Float32Array, readonly number[]][];
}

// ----- Profundo -------------------------------------------------------------------------------

async function profundo(backend: string, w: Weights, d: ReturnType<typeof data>, runs: number) {
  await pf.setBackend(backend);
  const net = lenet();
  net.loadStateDict(Object.fromEntries(w.params.map(([n, v, s]) => [n, pf.tensor(v, { shape: s })])));
  const x = pf.tensor(d.x, { shape: [BATCH, 1, 28, 28] });
  const y = pf.tensor(d.y, { dtype: 'int32' });
  const opt = new SGD(net.parameters(), { lr: LR });
  const step = (): number =>
    pf.tidy(() => {
      opt.zeroGrad();
      const loss = pf.nn.crossEntropy(net.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  const forward = (): number => pf.tidy(() => pf.noGrad(() => net.forward(x).dataSync()[0]!));
  const fwd = time(forward, 2, runs);
  const full = time(step, 2, runs);
  return { forwardMs: fwd.ms, stepMs: full.ms, stepCpuMs: full.cpuMs, firstLoss: full.first };
}

// ----- TensorFlow.js --------------------------------------------------------------------------

/** The LeNet as tfjs variables (NHWC activations, HWIO filters, [in, out] dense weights). */
function tfVariables(w: Weights): Record<string, tf.Variable> {
  const get = (name: string) => w.params.find(([n]) => n === name)!;
  const conv = (name: string) => {
    const [, v, s] = get(name);
    return tf.variable(tf.transpose(tf.tensor(v, [...s]), [2, 3, 1, 0])); // OIHW → HWIO
  };
  const dense = (name: string, permuteNchw = false) => {
    const [, v, s] = get(name);
    let m = tf.tensor2d(v, [s[0]!, s[1]!]); // [out, in]
    if (permuteNchw) {
      // Profundo flattens [16, 5, 5] (c, h, w); tfjs flattens [5, 5, 16] (h, w, c).
      m = tf.reshape(tf.transpose(tf.reshape(m, [s[0]!, 16, 5, 5]), [0, 2, 3, 1]), [s[0]!, 400]);
    }
    return tf.variable(tf.transpose(m));
  };
  const vec = (name: string) => tf.variable(tf.tensor1d(get(name)[1]));
  return {
    c1w: conv('0.weight'),
    c1b: vec('0.bias'),
    c2w: conv('3.weight'),
    c2b: vec('3.bias'),
    f1w: dense('7.weight', true),
    f1b: vec('7.bias'),
    f2w: dense('9.weight'),
    f2b: vec('9.bias'),
    f3w: dense('11.weight'),
    f3b: vec('11.bias'),
  };
}

function tfForward(v: Record<string, tf.Variable>, x: tf.Tensor4D): tf.Tensor2D {
  let h = tf.relu(tf.add(tf.conv2d(x, v.c1w as tf.Tensor4D, 1, 2), v.c1b!)) as tf.Tensor4D;
  h = tf.maxPool(h, 2, 2, 'valid');
  h = tf.relu(tf.add(tf.conv2d(h, v.c2w as tf.Tensor4D, 1, 'valid'), v.c2b!)) as tf.Tensor4D;
  h = tf.maxPool(h, 2, 2, 'valid');
  let f = tf.reshape(h, [BATCH, 400]) as tf.Tensor2D;
  f = tf.relu(tf.add(tf.matMul(f, v.f1w as tf.Tensor2D), v.f1b!));
  f = tf.relu(tf.add(tf.matMul(f, v.f2w as tf.Tensor2D), v.f2b!));
  return tf.add(tf.matMul(f, v.f3w as tf.Tensor2D), v.f3b!);
}

async function tfjs(backend: 'cpu' | 'wasm', w: Weights, d: ReturnType<typeof data>, runs: number, warmup: number) {
  await tf.setBackend(backend);
  await tf.ready();
  const v = tfVariables(w);
  const x = tf.tensor4d(d.x, [BATCH, 28, 28, 1]); // C = 1, so NCHW and NHWC hold the same bytes
  const labels = tf.oneHot(tf.tensor1d(d.y, 'int32'), 10);
  const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(labels, tfForward(v, x));
  const opt = tf.train.sgd(LR);
  const names = Object.keys(v);
  const trainable = (skipFilters: boolean) => names.filter((n) => !(skipFilters && (n === 'c1w' || n === 'c2w'))).map((n) => v[n]!);
  const step = (skipFilters: boolean) => (): number => {
    const l = opt.minimize(loss, true, trainable(skipFilters))!;
    const value = l.dataSync()[0]!;
    l.dispose();
    return value;
  };
  const forward = (): number => tf.tidy(() => tfForward(v, x).dataSync()[0]!);
  const fwd = time(forward, warmup, runs);
  let fullError: string | null = null;
  let full: { ms: number; cpuMs: number; first: number } | null = null;
  try {
    full = time(step(false), warmup, runs);
  } catch (e) {
    fullError = (e as Error).message.split('\n')[0]!;
  }
  const partial = full ? null : time(step(true), warmup, runs);
  tf.dispose([x, labels, ...Object.values(v)]);
  opt.dispose();
  const t = (full ?? partial)!;
  return { forwardMs: fwd.ms, stepMs: t.ms, stepCpuMs: t.cpuMs, firstLoss: t.first, partial: !full, fullError };
}

// ----- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm' (after setWasmPaths)
  pf.registerBackend('cpu', createCpuBackend);
  pf.registerBackend('cpu-composite', () =>
    Object.create(createCpuBackend(), { name: { value: 'cpu-composite' }, fused: { value: undefined } }) as pf.Backend,
  );

  await pf.setBackend('cpu');
  pf.manualSeed(0);
  const init = lenet();
  const weights: Weights = { params: init.namedParameters().map(([n, p]) => [n, p.dataSync() as Float32Array, p.shape]) };
  const d = data();

  console.log(`Node ${process.version}; LeNet-5 training step, batch ${BATCH}, SGD; median ms (lower is better)\n`);
  const p = await profundo('cpu', weights, d, 20);
  const pc = await profundo('cpu-composite', weights, d, 5);
  const tw = await tfjs('wasm', weights, d, 20, 2);
  const tc = await tfjs('cpu', weights, d, 1, 1);

  const rows: string[][] = [['library', 'forward ms', 'step ms', 'step CPU ms', 'step / profundo-cpu', 'first loss']];
  const add = (name: string, r: { forwardMs: number; stepMs: number; stepCpuMs: number; firstLoss: number }, note = ''): void => {
    rows.push([
      name,
      r.forwardMs.toFixed(1),
      r.stepMs.toFixed(1) + note,
      r.stepCpuMs.toFixed(1) + note,
      (r.stepMs / p.stepMs).toFixed(2) + '×',
      r.firstLoss.toFixed(6),
    ]);
  };
  add('profundo-cpu (fused)', p);
  add('profundo-cpu (composite)', pc);
  add('tfjs-cpu', tc, tc.partial ? ' *' : '');
  add('tfjs-wasm', tw, tw.partial ? ' *' : '');
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const line = (r: string[]): string => '| ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join(' | ') + ' |';
  console.log(line(rows[0]!));
  console.log('|' + widths.map((w, j) => (j === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    `\nprofundo-cpu is ${(tc.stepMs / p.stepMs).toFixed(1)}× faster than tfjs-cpu per step and ` +
      `${(tw.forwardMs / p.forwardMs).toFixed(2)}× tfjs-wasm's forward speed.`,
  );
  for (const [name, r] of [['tfjs-cpu', tc], ['tfjs-wasm', tw]] as const) {
    if (r.partial) console.log(`* ${name}: full step failed (${r.fullError}); timed without the conv filter gradients.`);
  }
}

await main();
