/**
 * Batching, shuffling and iteration over a dataset.
 *
 * @module
 */
import { ValueError, defaultGenerator, type Generator } from '@profundo/core';
import type { Dataset } from './dataset.js';
import { checkBoolean, checkInteger, checkOptions, describe } from './validate.js';

/**
 * Options of {@link DataLoader}.
 *
 * @typeParam T - One sample of the dataset.
 * @typeParam B - One batch.
 *
 * @example
 * ```ts
 * const train = new TensorDataset(new Float32Array(100 * 784), new Int32Array(100), [784]);
 * const options: DataLoaderOptions<[Tensor, Tensor], [Tensor, Tensor]> = {
 *   batchSize: 32,
 *   shuffle: true,
 *   dropLast: true,
 *   generator: new Generator(1234),
 * };
 * const loader = new DataLoader(train, options);
 * loader.length; // 3 (100 / 32, the last partial batch dropped)
 * ```
 */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (a positive integer). */
  batchSize: number;
  /** Visit the samples in a new random order every epoch (default `false`: in index order). */
  shuffle?: boolean;
  /** Drop the last batch when it has fewer than `batchSize` samples (default `false`: keep it). */
  dropLast?: boolean;
  /**
   * Where shuffling draws from (default: core's global generator, so `manualSeed` controls it).
   * Give a `new Generator(seed)` to shuffle reproducibly whatever else draws random numbers.
   */
  generator?: Generator;
  /**
   * Turns the samples of one batch (read with `get`) into the batch. Default: the dataset's
   * `getBatch` when it has one, else the array of samples.
   */
  collate?: (samples: T[]) => B;
}

const OPTION_KEYS = ['batchSize', 'shuffle', 'dropLast', 'generator', 'collate'] as const;

/**
 * Iterates over a {@link Dataset} in batches, like PyTorch's `DataLoader`. Each `for...of`
 * over the loader is one epoch; with `shuffle` every epoch draws a fresh order from the
 * generator. A {@link TensorDataset} yields `[x, y]` tensors, `x` float32 `[B, ...sampleShape]`
 * and `y` int32 `[B]`; the last batch may be smaller unless `dropLast` is set.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const { train } = await loadMnist();
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
 * loader.length; // 125 (batches of 8,000 training images)
 * const model = new nn.Linear(784, 10);
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * for (let epoch = 0; epoch < 2; epoch++) {
 *   for (const [x, y] of loader) {
 *     tidy(() => {
 *       opt.zeroGrad();
 *       nn.crossEntropy(model.forward(x), y).backward();
 *       opt.step();
 *     });
 *     x.dispose(); y.dispose();
 *   }
 * }
 * ```
 */
export class DataLoader<T, B = T[]> implements Iterable<B> {
  /** The dataset batches are read from. */
  readonly dataset: Dataset<T, unknown>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the samples in a new random order. */
  readonly shuffle: boolean;
  /** Whether a last batch smaller than `batchSize` is dropped. */
  readonly dropLast: boolean;
  private readonly generator: Generator | undefined;
  private readonly collate: ((samples: T[]) => B) | undefined;

  /**
   * A loader whose batches `collate` makes from the samples `dataset.get` reads.
   *
   * @param dataset - Any {@link Dataset}.
   * @param options - Batch size, ordering and the `collate` function; see {@link DataLoaderOptions}.
   */
  constructor(dataset: Dataset<T, unknown>, options: DataLoaderOptions<T, B> & { collate: (samples: T[]) => B });
  /**
   * A loader whose batches are what `dataset.getBatch` gives (tensors `[x, y]` for a
   * {@link TensorDataset}), or arrays of samples for a dataset without `getBatch`.
   *
   * @param dataset - Any {@link Dataset}.
   * @param options - Batch size and ordering; see {@link DataLoaderOptions}.
   */
  constructor(dataset: Dataset<T, B>, options: DataLoaderOptions<T, B>);
  constructor(dataset: Dataset<T, unknown>, options: DataLoaderOptions<T, B>) {
    const op = 'DataLoader';
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function') {
      throw new ValueError(op, `dataset must be an object with a get(index) method, got ${describe(dataset)}`);
    }
    checkLength(op, dataset);
    if (dataset.getBatch !== undefined && typeof dataset.getBatch !== 'function') {
      throw new ValueError(op, `dataset.getBatch must be a function when present, got ${describe(dataset.getBatch)}`);
    }
    if (options === undefined) throw new ValueError(op, 'options with a batchSize are required');
    checkOptions(op, options, OPTION_KEYS);
    const { batchSize, shuffle = false, dropLast = false, generator, collate } = options;
    if (batchSize === undefined) throw new ValueError(op, 'batchSize is required');
    checkInteger(op, 'batchSize', batchSize, 1, Number.MAX_SAFE_INTEGER);
    checkBoolean(op, 'shuffle', shuffle);
    checkBoolean(op, 'dropLast', dropLast);
    if (generator !== undefined && (generator === null || typeof generator.shuffle !== 'function')) {
      throw new ValueError(op, `generator must be a Generator, got ${describe(generator)}`);
    }
    if (collate !== undefined && typeof collate !== 'function') {
      throw new ValueError(op, `collate must be a function, got ${describe(collate)}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collate = collate;
  }

  /**
   * Number of batches in one epoch: `ceil(n / batchSize)`, or `floor(n / batchSize)` with
   * `dropLast`.
   *
   * @example
   * ```ts
   * const ds10 = new TensorDataset(new Float32Array(10), new Int32Array(10), [1]);
   * new DataLoader(ds10, { batchSize: 4 }).length;                 // 3
   * new DataLoader(ds10, { batchSize: 4, dropLast: true }).length; // 2
   * ```
   */
  get length(): number {
    const n = checkLength('DataLoader', this.dataset);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * Starts an epoch: draws this epoch's order now (when shuffling) and yields its batches.
   *
   * @example
   * ```ts
   * const ds = new TensorDataset(new Float32Array(6), Int32Array.of(0, 1, 2), [2]);
   * const loader = new DataLoader(ds, { batchSize: 2 });
   * const sizes: number[] = [];
   * for (const [x, y] of loader) {
   *   sizes.push(x.shape[0]!);
   *   x.dispose(); y.dispose();
   * }
   * sizes; // [2, 1]
   * ```
   */
  [Symbol.iterator](): Iterator<B> {
    const n = checkLength('DataLoader', this.dataset);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.shuffle) (this.generator ?? defaultGenerator()).shuffle(order);
    return this.batches(order);
  }

  private *batches(order: Int32Array): Iterator<B> {
    const n = order.length;
    const batches = this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      yield this.fetch(indices);
    }
  }

  private fetch(indices: Int32Array): B {
    const { dataset, collate } = this;
    // Without collate, the constructor's overloads typed the dataset's getBatch as giving B.
    if (collate === undefined && dataset.getBatch !== undefined) return dataset.getBatch(indices) as B;
    const samples = Array.from(indices, (i) => dataset.get(i));
    return collate === undefined ? (samples as unknown as B) : collate(samples);
  }
}

function checkLength(op: string, dataset: { readonly length: unknown }): number {
  const n = dataset.length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new ValueError(op, `dataset.length must be a non-negative integer, got ${describe(n)}`);
  }
  return n;
}
