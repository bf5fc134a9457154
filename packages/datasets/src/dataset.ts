/**
 * The map-style dataset contract.
 *
 * @module
 */

/**
 * A map-style dataset: `length` samples, read one at a time by index, like PyTorch's
 * `torch.utils.data.Dataset`. {@link DataLoader} batches any `Dataset`.
 *
 * A dataset may also implement `getBatch` to read many samples at once, already collated into
 * one batch (PyTorch's `__getitems__`); the loader then calls it instead of `get` per sample.
 * {@link TensorDataset} does, copying rows straight into one array per batch.
 *
 * @typeParam T - One sample.
 * @typeParam B - One batch, as `getBatch` returns it; without `getBatch`, an array of samples.
 *
 * @example
 * ```ts
 * const squares: Dataset<[number, number]> = {
 *   length: 100,
 *   get: (i) => [i, i * i],
 * };
 * for (const batch of new DataLoader(squares, { batchSize: 10 })) {
 *   batch; // ten [i, i * i] pairs
 * }
 * ```
 */
export interface Dataset<T, B = T[]> {
  /** Number of samples; valid indices are `0 .. length - 1`. */
  readonly length: number;
  /** The sample at `index`. */
  get(index: number): T;
  /** Optional fast path: the samples at `indices`, collated into one batch. */
  getBatch?(indices: Int32Array): B;
}
