/**
 * Training routines shared by the Node tests and the browser test page: the main job's MLP
 * (784 → hidden → 10, SGD with momentum, cross-entropy) over given batches, and a long
 * training loop inside `tidy` that checks live tensors and device memory.
 */
import { Generator, keep, manualSeed, memory, nn, noGrad, setBackend, tensor, tidy, type Tensor } from '@profundo/core';

/**
 * SGD with momentum by PyTorch's rule (`b ← μb + g`, first step `b ← g`; `θ ← θ − γb`),
 * written out here so that a backend's tests need no optimizer package. The buffers outlive
 * each step's `tidy`; the previous one is freed when it is replaced.
 */
export class MomentumSGD {
  private readonly buffers = new Map<Tensor, Tensor>();

  constructor(
    private readonly params: readonly Tensor[],
    private readonly lr: number,
    private readonly momentum: number,
  ) {}

  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  step(): void {
    tidy(() =>
      noGrad(() => {
        for (const p of this.params) {
          if (!p.grad) continue;
          const prev = this.buffers.get(p);
          const buf = keep((prev ? prev.mul(this.momentum).add(p.grad) : p.grad).detach());
          prev?.dispose();
          this.buffers.set(p, buf);
          p.assign(p.sub(buf.mul(this.lr)));
        }
      }),
    );
  }
}

/** One batch of flattened images and labels, as host arrays. */
export interface Batch {
  x: Float32Array;
  y: Int32Array;
  size: number;
}

/** The main job's hyper-parameters (examples/mnist/train.ts defaults). */
export const MAIN_JOB = { hidden: 256, lr: 0.05, momentum: 0.9, batchSize: 64 } as const;

/** `count` fixed batches of uniform [0, 1) "images" and random labels from `seed`. */
export function syntheticBatches(count: number, batchSize: number, seed: number): Batch[] {
  const rng = new Generator(seed);
  return Array.from({ length: count }, () => ({
    x: Float32Array.from({ length: batchSize * 784 }, () => rng.uniform()),
    y: Int32Array.from({ length: batchSize }, () => rng.randint(10)),
    size: batchSize,
  }));
}

/**
 * Trains the main job's MLP on `backend` from `seed` over `batches` (one step each) and
 * returns the loss of every step.
 */
export async function mlpLosses(backend: string, batches: readonly Batch[], seed = 0): Promise<number[]> {
  await setBackend(backend);
  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(784, MAIN_JOB.hidden), new nn.ReLU(), new nn.Linear(MAIN_JOB.hidden, 10));
  const opt = new MomentumSGD(model.parameters(), MAIN_JOB.lr, MAIN_JOB.momentum);
  const losses: number[] = [];
  for (const b of batches) {
    const x = tensor(b.x, { shape: [b.size, 784] });
    const y = tensor(b.y, { dtype: 'int32' });
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = nn.crossEntropy(model.forward(x), y);
      l.backward();
      opt.step();
      return l.detach();
    });
    losses.push((await loss.data())[0]!);
    loss.dispose();
    x.dispose();
    y.dispose();
  }
  opt.zeroGrad();
  for (const p of model.parameters()) p.dispose();
  return losses;
}

/** Largest `|a - b| / |b|` over two loss curves. */
export function maxRelativeDiff(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return worst;
}

/** Live-memory figures before and after a long training run. */
export interface TidyReport {
  before: { tensors: number; bytes: number; buffers: number; deviceBytes: number };
  after: { tensors: number; bytes: number; buffers: number; deviceBytes: number };
  firstLoss: number;
  lastLoss: number;
}

/**
 * Runs `steps` training steps of a small MLP inside `tidy` on `backend` and reports core's
 * live tensors / bytes and the backend's device buffers / bytes before and after.
 */
export async function tidyTraining(
  backend: string,
  steps: number,
  deviceMemory: () => { buffers: number; bytes: number },
): Promise<TidyReport> {
  await setBackend(backend);
  manualSeed(7);
  const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 4));
  const opt = new MomentumSGD(model.parameters(), 0.1, 0.9);
  const rng = new Generator(11);
  const x = tensor(Float32Array.from({ length: 16 * 20 }, () => rng.normal()), { shape: [16, 20] });
  const y = tensor(Int32Array.from({ length: 16 }, () => rng.randint(4)), { dtype: 'int32' });
  const step = (): Tensor =>
    tidy(() => {
      opt.zeroGrad();
      const l = nn.crossEntropy(model.forward(x), y);
      l.backward();
      opt.step();
      return l.detach();
    });
  const snapshot = () => {
    const m = memory().backends[backend] ?? { tensors: 0, bytes: 0 };
    const d = deviceMemory();
    return { tensors: m.tensors, bytes: m.bytes, buffers: d.buffers, deviceBytes: d.bytes };
  };
  // One step first, so that optimizer state (momentum buffers) exists before measuring.
  const warm = step();
  await warm.data();
  warm.dispose();
  const first = step();
  const firstLoss = (await first.data())[0]!;
  first.dispose();
  const before = snapshot();
  let lastLoss = firstLoss;
  for (let i = 1; i < steps; i++) {
    const l = step();
    lastLoss = (await l.data())[0]!;
    l.dispose();
  }
  const after = snapshot();
  opt.zeroGrad();
  for (const p of model.parameters()) p.dispose();
  x.dispose();
  y.dispose();
  return { before, after, firstLoss, lastLoss };
}
