/**
 * The soak test's logic: trains the main job's LeNet (examples/mnist) or the translation
 * Transformer (examples/translate) for many steps on one backend, each step inside `tidy`,
 * and samples live memory after a short warm-up: core's `memory()` (tensors and bytes, in total
 * and for the backend), the CPU backend's WebAssembly heap in use, the gpu.js backend's live
 * textures. A least-squares slope per 1,000 steps is fitted to each series; every series must be
 * flat — every sample after the warm-up equal to the first, so the slope is exactly 0.
 *
 * run.ts is the command line (`pnpm run soak`); test/soak.test.ts is the short version CI runs.
 */
import { Generator, dispose, listBackends, manualSeed, memory, nn, registerBackend, setBackend, tidy, type Backend, type Tensor } from '@profundo/core';
import { createCpuBackend, type CpuBackend } from '@profundo/backend-cpu';
import type { GpujsBackend } from '@profundo/backend-gpujs';
import { CharTokenizer, DataLoader, loadMnist, spanishDates } from '@profundo/datasets';
import { CosineAnnealingLR } from '@profundo/optimizers';
import { defaultWeightDecay, makeModel, takesImages, trainDefaults as mnistDefaults } from '../mnist/models.js';
import { makeOptimizer } from '../mnist/optimizer-by-name.js';
import { Seq2Seq, adamWithWarmup, batch, encodePairs, lengthBucketedBatches, loss as seq2seqLoss, trainDefaults as translateDefaults } from '../translate/model.js';

/** The models the soak trains. */
export const jobNames = ['lenet', 'transformer'] as const;
export type JobName = (typeof jobNames)[number];

/** The backends the soak runs on, under the names {@link registerSoakBackends} gives them. */
export const backendNames = ['cpu', 'gpujs'] as const;

/**
 * Registers `cpu` (the default path: `createCpuBackend()`, waiting for its worker threads) and
 * `gpujs` (gpu.js on headless-gl, loaded only when chosen; it needs an X display — run under
 * `xvfb-run -a` where there is none), each unless a backend of that name is registered already.
 */
export function registerSoakBackends(): void {
  const have = listBackends();
  if (!have.includes('cpu')) {
    registerBackend('cpu', async () => {
      const cpu = createCpuBackend();
      await cpu.ready;
      return cpu;
    });
  }
  if (!have.includes('gpujs')) {
    registerBackend('gpujs', async () => (await import('@profundo/backend-gpujs')).createGpujsBackend({ mode: 'headlessgl' }));
  }
}

/** One model with its optimizer and data, trained a step at a time. */
interface Job {
  /** One training step inside `tidy` (the batch is made inside it too); returns the loss. */
  step(): number;
  /** Frees the model's parameters and the optimizer's state. */
  dispose(): void;
  readonly parameters: number;
}

/**
 * The main job (examples/mnist/train.ts with its defaults): LeNet, SGD with momentum 0.9,
 * weight decay 5e-4 and a cosine schedule over `steps`, shuffled MNIST batches of 64.
 */
async function lenetJob(seed: number, steps: number): Promise<Job> {
  manualSeed(seed);
  const { train } = await loadMnist({ seed, flatten: !takesImages('lenet') });
  const model = makeModel('lenet', mnistDefaults.hidden);
  const { optimizer } = makeOptimizer(mnistDefaults.optimizer, model.parameters(), {
    momentum: mnistDefaults.momentum,
    weightDecay: defaultWeightDecay('lenet'),
  });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: steps });
  const loader = new DataLoader(train, { batchSize: mnistDefaults.batchSize, shuffle: true });
  let epoch = loader[Symbol.iterator]();
  const nextBatch = (): [Tensor, Tensor] => {
    let next = epoch.next();
    if (next.done) {
      epoch = loader[Symbol.iterator]();
      next = epoch.next();
    }
    return next.value as [Tensor, Tensor];
  };
  return {
    parameters: model.parameters().reduce((n, p) => n + p.size, 0),
    step() {
      const value = tidy(() => {
        const [x, y] = nextBatch();
        optimizer.zeroGrad();
        const l = nn.crossEntropy(model.forward(x), y);
        l.backward();
        optimizer.step();
        return l.item();
      });
      schedule.step();
      return value;
    },
    dispose: () => freeAll(model, optimizer),
  };
}

/**
 * The translation example (examples/translate/train.ts with its defaults): the 2+2-layer
 * Transformer on 6,000 Spanish date phrases, Adam with warmup and a cosine decay over `steps`,
 * length-bucketed batches of 32 (so batch shapes vary from step to step).
 */
async function transformerJob(seed: number, steps: number): Promise<Job> {
  const d = translateDefaults;
  manualSeed(seed);
  const pairs = spanishDates({ count: d.train, seed });
  const tok = CharTokenizer.fromCorpus(pairs.flatMap((p) => [p.source, p.target]));
  const data = encodePairs(tok, pairs);
  const model = new Seq2Seq({
    vocabSize: tok.vocabSize,
    dModel: d.dModel,
    nhead: d.heads,
    numEncoderLayers: d.layers,
    numDecoderLayers: d.layers,
    dimFeedforward: d.ff,
    dropout: d.dropout,
  });
  const { optimizer, schedule } = adamWithWarmup(model, { lr: d.lr, warmup: d.warmup, total: steps });
  const shuffler = new Generator(seed);
  let batches: Int32Array[] = [];
  let next = 0;
  return {
    parameters: model.parameters().reduce((n, p) => n + p.size, 0),
    step() {
      if (next === batches.length) {
        batches = lengthBucketedBatches(data, d.batchSize, shuffler);
        next = 0;
      }
      const indices = batches[next++]!;
      const value = tidy(() => {
        optimizer.zeroGrad();
        const l = seq2seqLoss(model, batch(data, indices));
        l.backward();
        optimizer.step();
        return l.item();
      });
      schedule.step();
      return value;
    },
    dispose: () => freeAll(model, optimizer),
  };
}

/** Frees a model's parameters and their gradients (which `dispose(model)` alone does not reach) and an optimizer's state. */
function freeAll(model: nn.Module, optimizer: object): void {
  const grads = model.parameters().map((p) => p.grad);
  dispose([model, optimizer, grads]);
}

/** Settings of {@link soak}. */
export interface SoakOptions {
  job: JobName;
  /** A registered backend name (see {@link registerSoakBackends}). */
  backend: string;
  /** Training steps in all, warm-up included. */
  steps: number;
  /** Steps before the first sample (default 10, at most `steps - 1`). */
  warmup?: number;
  /** Steps between samples (default 10); the last step is always sampled. */
  every?: number;
  seed?: number;
  /** Called after every step, with the seconds since the first step began. */
  onStep?: (step: number, loss: number, seconds: number) => void;
}

/** One sampled quantity. */
export interface Series {
  name: string;
  /** Its value at the first sample (after the warm-up) and at the last. */
  start: number;
  end: number;
  min: number;
  max: number;
  /** Least-squares slope over the samples, per 1,000 steps. */
  slope: number;
  /** Whether every sample equals the first. */
  flat: boolean;
}

/** What one soak run measured. */
export interface SoakResult {
  job: JobName;
  backend: string;
  /** The backend in words: its kernels and threads (CPU) or its gpu.js mode. */
  describe: string;
  /** The gpu.js mode the run really used, when the backend is gpu.js. */
  mode?: string;
  parameters: number;
  steps: number;
  warmup: number;
  every: number;
  samples: number;
  /** Wall time of all steps, warm-up included. */
  seconds: number;
  firstLoss: number;
  lastLoss: number;
  series: Series[];
  /** gpu.js only: kernels compiled by the end (a cache, not live memory; not checked). */
  kernels?: number;
  /** Whether every step's loss was finite. */
  finiteLoss: boolean;
  /** Every series flat (and so every slope exactly 0), every loss finite. */
  ok: boolean;
}

/**
 * Least-squares slope of `ys` over `xs`, scaled to per 1,000 `xs`. Exactly 0 when every `y`
 * is the same integer (the mean of equal integers is exact).
 */
export function slopePer1000(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx === 0 ? 0 : (1000 * sxy) / sxx;
}

type Probe = { name: string; read: () => number };

function probes(name: string, backend: Backend): Probe[] {
  const list: Probe[] = [
    { name: 'tensors', read: () => memory().tensors },
    { name: 'bytes', read: () => memory().bytes },
    { name: `${name} tensors`, read: () => memory().backends[name]?.tensors ?? 0 },
    { name: `${name} bytes`, read: () => memory().backends[name]?.bytes ?? 0 },
  ];
  if ('heapBytes' in backend) list.push({ name: 'wasm heap used', read: () => (backend as CpuBackend).heapBytes.used });
  if (typeof (backend as Partial<GpujsBackend>).deviceMemory === 'function') {
    const gpu = backend as GpujsBackend;
    list.push({ name: 'device textures', read: () => gpu.deviceMemory().buffers }, { name: 'device bytes', read: () => gpu.deviceMemory().bytes });
  }
  return list;
}

function describeBackend(backend: Backend): { describe: string; mode?: string } {
  if ('path' in backend && 'heapBytes' in backend) {
    const p = (backend as CpuBackend).path;
    return { describe: `cpu (${p.kernels} kernels, ${p.threads} thread${p.threads === 1 ? '' : 's'})` };
  }
  if ('mode' in backend) {
    const mode = String((backend as GpujsBackend).mode);
    return { describe: `gpu.js (${mode})`, mode };
  }
  return { describe: backend.name };
}

/** Trains `options.job` on `options.backend` for `options.steps` steps and samples its memory. */
export async function soak(options: SoakOptions): Promise<SoakResult> {
  const { job: jobName, backend: backendName, steps, seed = 0, onStep } = options;
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`soak: steps must be an integer of at least 2 (got ${steps})`);
  const warmup = Math.min(options.warmup ?? 10, steps - 1);
  const every = options.every ?? 10;
  if (!Number.isInteger(every) || every < 1) throw new Error(`soak: every must be a positive integer (got ${every})`);
  if (!Number.isInteger(warmup) || warmup < 1) throw new Error(`soak: warmup must be a positive integer (got ${warmup})`);
  const backend = await setBackend(backendName);
  const job = jobName === 'lenet' ? await lenetJob(seed, steps) : await transformerJob(seed, steps);
  const watch = probes(backendName, backend);
  const xs: number[] = [];
  const ys: number[][] = watch.map(() => []);
  let firstLoss = NaN;
  let lastLoss = NaN;
  let finite = true;
  const started = performance.now();
  try {
    for (let step = 1; step <= steps; step++) {
      const loss = job.step();
      if (step === 1) firstLoss = loss;
      lastLoss = loss;
      if (!Number.isFinite(loss)) finite = false;
      if (step >= warmup && ((step - warmup) % every === 0 || step === steps)) {
        xs.push(step);
        watch.forEach((p, i) => ys[i]!.push(p.read()));
      }
      onStep?.(step, loss, (performance.now() - started) / 1000);
    }
  } finally {
    job.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const series = watch.map((p, i): Series => {
    const v = ys[i]!;
    return {
      name: p.name,
      start: v[0]!,
      end: v[v.length - 1]!,
      min: Math.min(...v),
      max: Math.max(...v),
      slope: slopePer1000(xs, v),
      flat: v.every((y) => y === v[0]),
    };
  });
  const gpu = backend as Partial<GpujsBackend>;
  return {
    job: jobName,
    backend: backendName,
    ...describeBackend(backend),
    parameters: job.parameters,
    steps,
    warmup,
    every,
    samples: xs.length,
    seconds,
    firstLoss,
    lastLoss,
    series,
    ...(typeof gpu.deviceMemory === 'function' ? { kernels: gpu.deviceMemory().kernels } : {}),
    finiteLoss: finite,
    ok: finite && series.every((s) => s.flat && s.slope === 0),
  };
}

/** The report of one run, as `pnpm run soak` prints it. */
export function formatResult(r: SoakResult): string {
  const lines = [
    `${r.job} on ${r.describe}: ${r.steps} steps in ${r.seconds.toFixed(1)} s (${((1000 * r.seconds) / r.steps).toFixed(1)} ms/step), ` +
      `${r.parameters} parameters, loss ${r.firstLoss.toFixed(4)} → ${r.lastLoss.toFixed(4)}`,
    `  ${r.samples} samples, every ${r.every} steps from step ${r.warmup}${r.kernels === undefined ? '' : `; ${r.kernels} kernels compiled`}`,
  ];
  const width = Math.max(...r.series.map((s) => s.name.length));
  lines.push(`  ${'series'.padEnd(width)}  ${'start'.padStart(10)}  ${'end'.padStart(10)}  slope per 1,000 steps`);
  for (const s of r.series) {
    const range = s.flat ? '' : `  (min ${s.min}, max ${s.max}) NOT FLAT`;
    lines.push(`  ${s.name.padEnd(width)}  ${String(s.start).padStart(10)}  ${String(s.end).padStart(10)}  ${s.slope === 0 ? '0' : s.slope.toPrecision(4)}${range}`);
  }
  const flat = r.series.every((s) => s.flat && s.slope === 0);
  lines.push(`  ${r.ok ? 'ok: every series flat' : `FAIL:${flat ? '' : ' live memory is not flat;'}${r.finiteLoss ? '' : ' a loss was not finite;'}`}`);
  return lines.join('\n');
}
