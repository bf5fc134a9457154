/**
 * The network and its training loop: a small LeNet-style CNN, Adam, cross-entropy, each step
 * inside `tidy`, and readback with `await data()` so that it runs on every backend (WebGPU
 * cannot read synchronously).
 */
import { argmax, Generator, manualSeed, nn, noGrad, softmax, tensor, tidy, type Tensor } from '@profundo/core';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import { Adam } from '@profundo/optimizers';
import type { DigitSet } from './data.js';

const PIXELS = 28 * 28;

/** Two convolution + pooling stages, then two fully connected layers: 29,882 parameters. */
export function makeCnn(): nn.Sequential {
  return new nn.Sequential(
    new Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new MaxPool2d(2), // 8 × 14 × 14
    new Conv2d(8, 16, 5), new nn.ReLU(), new MaxPool2d(2), // 16 × 5 × 5
    new Flatten(),
    new nn.Linear(400, 64), new nn.ReLU(),
    new nn.Linear(64, 10),
  );
}

export const ARCHITECTURE = 'Conv 5×5 (8) → ReLU → MaxPool → Conv 5×5 (16) → ReLU → MaxPool → Linear 400→64 → ReLU → Linear 64→10';

export interface TrainSettings {
  batchSize: number;
  lr: number;
  seed: number;
}

export const DEFAULT_SETTINGS: TrainSettings = { batchSize: 32, lr: 2e-3, seed: 1 };

/** A model and its optimizer on the current backend, and the order it walks the training set in. */
export class Trainer {
  readonly model: nn.Sequential;
  readonly parameterCount: number;
  private readonly optimizer: Adam;
  private readonly generator: Generator;
  private order: Int32Array;
  private cursor = 0;
  /** Steps taken. */
  step = 0;

  constructor(
    private readonly train: DigitSet,
    private readonly test: DigitSet,
    readonly settings: TrainSettings = DEFAULT_SETTINGS,
  ) {
    manualSeed(settings.seed);
    this.model = makeCnn();
    this.parameterCount = this.model.parameters().reduce((n, p) => n + p.size, 0);
    this.optimizer = new Adam(this.model.parameters(), { lr: settings.lr });
    this.generator = new Generator(settings.seed);
    this.order = this.shuffled();
  }

  private shuffled(): Int32Array {
    const order = Int32Array.from({ length: this.train.count }, (_, i) => i);
    this.generator.shuffle(order);
    return order;
  }

  /** Steps in one pass over the training set. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.train.count / this.settings.batchSize);
  }

  /** The next batch of training images `[B, 1, 28, 28]` and digits `[B]`, as tensors. */
  private nextBatch(): [Tensor, Tensor] {
    if (this.cursor >= this.order.length) {
      this.order = this.shuffled();
      this.cursor = 0;
    }
    const indices = this.order.subarray(this.cursor, this.cursor + this.settings.batchSize);
    this.cursor += indices.length;
    const x = new Float32Array(indices.length * PIXELS);
    const y = new Int32Array(indices.length);
    indices.forEach((k, i) => {
      x.set(this.train.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
      y[i] = this.train.labels[k]!;
    });
    return [tensor(x, { shape: [indices.length, 1, 28, 28] }), tensor(y, { dtype: 'int32' })];
  }

  /** One optimizer step on the next batch; resolves to its loss. */
  async trainStep(): Promise<number> {
    const [x, y] = this.nextBatch();
    const loss = tidy(() => {
      this.optimizer.zeroGrad();
      const l = nn.crossEntropy(this.model.forward(x), y);
      l.backward();
      this.optimizer.step();
      return l.detach();
    });
    x.dispose();
    y.dispose();
    const [value] = await loss.data();
    loss.dispose();
    this.step++;
    return value!;
  }

  /** The share of the test set the model classifies correctly. */
  async accuracy(batchSize = 250): Promise<number> {
    let correct = 0;
    for (let at = 0; at < this.test.count; at += batchSize) {
      const n = Math.min(batchSize, this.test.count - at);
      const x = tensor(this.test.images.slice(at * PIXELS, (at + n) * PIXELS), { shape: [n, 1, 28, 28] });
      const y = tensor(this.test.labels.slice(at, at + n), { dtype: 'int32' });
      const hits = tidy(() => noGrad(() => argmax(this.model.forward(x), 1).eq(y).cast('float32').sum()));
      x.dispose();
      y.dispose();
      correct += (await hits.data())[0]!;
      hits.dispose();
    }
    return correct / this.test.count;
  }

  /** The softmax probabilities of the ten digits for one 28×28 image (values in [0, 1]). */
  async predict(image: Float32Array): Promise<number[]> {
    const x = tensor(image, { shape: [1, 1, 28, 28] });
    const p = tidy(() => noGrad(() => softmax(this.model.forward(x), 1)));
    x.dispose();
    const values = Array.from(await p.data());
    p.dispose();
    return values;
  }

  /** Frees the parameters, their gradients and the optimizer's state (GPU memory is not garbage-collected). */
  dispose(): void {
    for (const p of this.model.parameters()) {
      const state = this.optimizer.getState(p);
      for (const v of Object.values(state ?? {})) if (typeof v === 'object' && v !== null && 'dispose' in v) (v as Tensor).dispose();
      p.grad?.dispose();
      p.grad = null;
      p.dispose();
    }
  }
}
