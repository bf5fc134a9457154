/**
 * Datasets and data loaders for Profundo: the {@link Dataset} contract, {@link TensorDataset},
 * a seeded, batching {@link DataLoader}, and MNIST via {@link loadMnist}.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 * import { DataLoader, loadMnist } from '@profundo/datasets';
 *
 * registerBackend('cpu', createCpuBackend); // batches are tensors: a backend must be set
 * await setBackend('cpu');
 * const { train, test } = await loadMnist({ seed: 0 });
 * for (const [x, y] of new DataLoader(train, { batchSize: 64, shuffle: true })) {
 *   // x: float32 [64, 784], y: int32 [64]
 * }
 * ```
 *
 * @packageDocumentation
 */
export type { Dataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export { loadMnist, type Mnist, type MnistOptions } from './mnist.js';
export { MissingPackageError } from './errors.js';
export { parseIdx, isGzip, type IdxData, type IdxDType, type IdxArrayFor } from './idx.js';
export type { IdxSource } from './idx-source.js';
export { loadMnistIdx, type MnistIdxFiles, type MnistIdxOptions } from './idx-mnist.js';
export { CharTokenizer, type EncodeOptions } from './tokenizer.js';
export {
  spanishDates,
  spanishDayWords,
  daysInMonth,
  SPANISH_DATE_FORMATS,
  SPANISH_MONTHS,
  SPANISH_WEEKDAYS,
  type SpanishDateFormat,
  type SpanishDatePair,
  type SpanishDatesOptions,
} from './spanish-dates.js';
