/**
 * A dataset over flat typed arrays of features and labels.
 *
 * @module
 */
import { ValueError, tensor, type Tensor } from '@profundo/core';
import type { Dataset } from './dataset.js';
import { gatherRows } from './gather.js';
import { describe } from './validate.js';

/**
 * Samples stored as rows of one flat `Float32Array` of features (each row a tensor of
 * `sampleShape`) with one `int32` class label per row in an `Int32Array`.
 *
 * `get(i)` gives `[x, y]` with `x` float32 of shape `sampleShape` and `y` an int32 scalar;
 * `getBatch(indices)`, which {@link DataLoader} uses, gives `x` of shape `[B, ...sampleShape]`
 * and `y` of shape `[B]`, copying the rows straight into one fresh array per batch. Each call
 * makes new tensors: dispose them, or run the step in `tidy`. The arrays are used as given,
 * not copied.
 *
 * @example
 * ```ts
 * // four 2×2 images, labels 0..3
 * const ds = new TensorDataset(new Float32Array(16), Int32Array.of(0, 1, 2, 3), [1, 2, 2]);
 * ds.length;                               // 4
 * const [x, y] = ds.getBatch(Int32Array.of(3, 0));
 * x.shape;                                 // [2, 1, 2, 2]
 * await y.data();                          // [3, 0]
 * ```
 */
export class TensorDataset implements Dataset<[Tensor, Tensor], [Tensor, Tensor]> {
  /** All samples' features, row-major: sample `i` is `features[i * rowSize .. (i + 1) * rowSize)`. */
  readonly features: Float32Array;
  /** One class label per sample. */
  readonly labels: Int32Array;
  /** Shape of one sample's features, e.g. `[784]` or `[1, 28, 28]`. */
  readonly sampleShape: readonly number[];
  /** Number of samples. */
  readonly length: number;
  /** Number of feature values per sample (the product of `sampleShape`). */
  private readonly rowSize: number;

  /**
   * @param features - Every sample's features, concatenated.
   * @param labels - One label per sample.
   * @param sampleShape - Shape of one sample; its product times `labels.length` must equal
   *   `features.length`.
   */
  constructor(features: Float32Array, labels: Int32Array, sampleShape: readonly number[]) {
    const op = 'TensorDataset';
    if (!(features instanceof Float32Array)) {
      throw new ValueError(op, `features must be a Float32Array, got ${describe(features)}`);
    }
    if (!(labels instanceof Int32Array)) {
      throw new ValueError(op, `labels must be an Int32Array, got ${describe(labels)}`);
    }
    if (!Array.isArray(sampleShape) || !sampleShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValueError(op, `sampleShape must be an array of positive integers, got ${JSON.stringify(sampleShape)}`);
    }
    const rowSize = sampleShape.reduce((a, d) => a * d, 1);
    if (features.length !== labels.length * rowSize) {
      throw new ValueError(
        op,
        `${labels.length} labels with sampleShape [${sampleShape}] need ${labels.length * rowSize} feature values, got ${features.length}`,
      );
    }
    this.features = features;
    this.labels = labels;
    this.sampleShape = Object.freeze([...sampleShape]);
    this.length = labels.length;
    this.rowSize = rowSize;
  }

  /**
   * The sample at `index`: `[x, y]`, `x` float32 of shape `sampleShape`, `y` an int32 scalar.
   *
   * @example
   * ```ts
   * const ds = new TensorDataset(Float32Array.of(1, 2, 3, 4), Int32Array.of(7, 9), [2]);
   * const [x, y] = ds.get(1);
   * x;        // [3, 4]
   * y.item(); // 9
   * ```
   */
  get(index: number): [Tensor, Tensor] {
    const op = 'TensorDataset.get';
    if (!(Number.isInteger(index) && index >= 0 && index < this.length)) {
      throw new ValueError(op, `index ${describe(index)} is out of range for ${this.length} samples`);
    }
    const x = gatherRows(op, this.features, this.rowSize, [index], new Float32Array(this.rowSize));
    const y = Int32Array.of(this.labels[index]);
    return [tensor(x, { shape: this.sampleShape }), tensor(y, { shape: [], dtype: 'int32' })];
  }

  /**
   * The samples at `indices`, stacked: `x` float32 `[B, ...sampleShape]`, `y` int32 `[B]`.
   *
   * @example
   * ```ts
   * const ds = new TensorDataset(Float32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(7, 8, 9), [2]);
   * const [x, y] = ds.getBatch(Int32Array.of(2, 0)); // x: [2, ...sampleShape], y: [2]
   * x; // [[5, 6], [1, 2]]
   * y; // [9, 7]
   * ```
   */
  getBatch(indices: Int32Array): [Tensor, Tensor] {
    const op = 'TensorDataset.getBatch';
    if (indices === null || typeof indices !== 'object' || typeof (indices as ArrayLike<number>).length !== 'number') {
      throw new ValueError(op, `indices must be an Int32Array or an array of sample indices, got ${describe(indices)}`);
    }
    const n = indices.length;
    const x = gatherRows(op, this.features, this.rowSize, indices, new Float32Array(n * this.rowSize));
    const y = gatherRows(op, this.labels, 1, indices, new Int32Array(n));
    return [tensor(x, { shape: [n, ...this.sampleShape] }), tensor(y, { shape: [n], dtype: 'int32' })];
  }
}
