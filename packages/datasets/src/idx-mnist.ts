/**
 * MNIST from LeCun's original IDX files (the full 60,000 / 10,000 set), raw or gzipped.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { parseIdxAs, type IdxData } from './idx.js';
import { readIdxSource, type IdxSource } from './idx-source.js';
import type { Mnist } from './mnist.js';
import { TensorDataset } from './tensor-dataset.js';
import { checkBoolean, checkOptions, describe } from './validate.js';

const OP = 'loadMnistIdx';
const FILE_KEYS = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;

/**
 * The four MNIST files for {@link loadMnistIdx}, each a path (Node) or the file's bytes, raw
 * or gzipped: `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
 * `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`.
 *
 * @example
 * ```ts
 * const files: MnistIdxFiles = {
 *   trainImages: 'mnist/train-images-idx3-ubyte.gz',
 *   trainLabels: 'mnist/train-labels-idx1-ubyte.gz',
 *   testImages: 'mnist/t10k-images-idx3-ubyte.gz',
 *   testLabels: 'mnist/t10k-labels-idx1-ubyte.gz',
 * };
 * ```
 */
export interface MnistIdxFiles {
  /** Training images: uint8 IDX, dimensions `[count, height, width]`. */
  trainImages: IdxSource;
  /** Training labels: uint8 IDX, dimensions `[count]`, digits 0–9. */
  trainLabels: IdxSource;
  /** Test images, like `trainImages`, of the same height and width. */
  testImages: IdxSource;
  /** Test labels, like `trainLabels`. */
  testLabels: IdxSource;
}

/**
 * Options of {@link loadMnistIdx}.
 *
 * @example
 * ```ts
 * const options: MnistIdxOptions = { flatten: false }; // samples of [1, 28, 28]
 * ```
 */
export interface MnistIdxOptions {
  /** Images as `[height × width]` vectors (default `true`) or as `[1, height, width]` NCHW images. */
  flatten?: boolean;
}

/**
 * Loads MNIST (or any dataset in its layout, such as Fashion-MNIST or EMNIST digits) from
 * the four IDX files of LeCun's distribution, given as paths (Node) or bytes, each raw or
 * gzip-compressed (detected from its first bytes; decompressed with `node:zlib` in Node and
 * `DecompressionStream` elsewhere). Nothing is downloaded.
 *
 * Every file is validated before use ({@link parseIdx}: magic number, type code, dimensions,
 * exact length), and then as MNIST: images uint8 with 3 dimensions `[count, height, width]`
 * (any positive height and width, the same for train and test), labels uint8 with 1
 * dimension, as many labels as images in each pair, at least one image, every label 0–9.
 * Failures throw a `ValueError` from op `loadMnistIdx` naming the file.
 *
 * Pixels are scaled to float32 in [0, 1] (`byte / 255`), labels become int32, and the files'
 * order is kept.
 *
 * @param files - The four files.
 * @param options - `flatten` (default `true`).
 * @returns `train` and `test` {@link TensorDataset}s.
 *
 * @example
 * ```ts types-only
 * const { train, test } = await loadMnistIdx({
 *   trainImages: 'mnist/train-images-idx3-ubyte.gz',
 *   trainLabels: 'mnist/train-labels-idx1-ubyte.gz',
 *   testImages: 'mnist/t10k-images-idx3-ubyte.gz',
 *   testLabels: 'mnist/t10k-labels-idx1-ubyte.gz',
 * });
 * train.length;      // 60000
 * test.length;       // 10000
 * train.sampleShape; // [784]
 * ```
 */
export async function loadMnistIdx(files: MnistIdxFiles, options: MnistIdxOptions = {}): Promise<Mnist> {
  if (files === null || typeof files !== 'object' || Array.isArray(files)) {
    throw new ValueError(OP, `files must be an object with ${FILE_KEYS.join(', ')}, got ${describe(files)}`);
  }
  const missing = FILE_KEYS.filter((k) => files[k] === undefined);
  const unknown = Object.keys(files).filter((k) => !(FILE_KEYS as readonly string[]).includes(k));
  if (missing.length > 0 || unknown.length > 0) {
    throw new ValueError(
      OP,
      `files needs exactly ${FILE_KEYS.join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; unknown ${unknown.map((k) => JSON.stringify(k)).join(', ')}` : ''}`,
    );
  }
  checkOptions(OP, options, ['flatten']);
  const { flatten = true } = options ?? {};
  checkBoolean(OP, 'flatten', flatten);

  const label = (k: (typeof FILE_KEYS)[number]): string => {
    const s = files[k];
    return typeof s === 'string' ? `${k} (${s})` : k;
  };
  const raw = await Promise.all(FILE_KEYS.map((k) => readIdxSource(OP, files[k], label(k))));
  const [trainImages, trainLabels, testImages, testLabels] = FILE_KEYS.map((k, i) => parseIdxAs(OP, raw[i]!, label(k)));

  const train = checkPair(trainImages!, trainLabels!, label('trainImages'), label('trainLabels'));
  const test = checkPair(testImages!, testLabels!, label('testImages'), label('testLabels'));
  if (train.height !== test.height || train.width !== test.width) {
    throw new ValueError(
      OP,
      `train images are ${train.height}×${train.width} but test images are ${test.height}×${test.width}; both sets must have the same image size`,
    );
  }

  const sampleShape = flatten ? [train.height * train.width] : [1, train.height, train.width];
  const scale = new Float32Array(256);
  for (let v = 0; v < 256; v++) scale[v] = v / 255;
  const dataset = (pair: Pair): TensorDataset => {
    const features = new Float32Array(pair.pixels.length);
    for (let k = 0; k < features.length; k++) features[k] = scale[pair.pixels[k]!]!;
    return new TensorDataset(features, Int32Array.from(pair.labels), sampleShape);
  };
  return { train: dataset(train), test: dataset(test) };
}

interface Pair {
  pixels: Uint8Array;
  labels: Uint8Array;
  height: number;
  width: number;
}

function checkPair(images: IdxData, labels: IdxData, imagesName: string, labelsName: string): Pair {
  if (images.dtype !== 'uint8') {
    throw new ValueError(OP, `${imagesName} holds ${images.dtype} values; MNIST images are uint8 (IDX type code 0x08)`);
  }
  if (images.shape.length !== 3) {
    throw new ValueError(
      OP,
      `${imagesName} has ${images.shape.length} dimension${images.shape.length === 1 ? '' : 's'} [${images.shape.join(', ')}]; MNIST images have 3: [count, height, width]${images.shape.length === 1 ? ' (is it a labels file?)' : ''}`,
    );
  }
  if (labels.dtype !== 'uint8') {
    throw new ValueError(OP, `${labelsName} holds ${labels.dtype} values; MNIST labels are uint8 (IDX type code 0x08)`);
  }
  if (labels.shape.length !== 1) {
    throw new ValueError(
      OP,
      `${labelsName} has ${labels.shape.length} dimensions [${labels.shape.join(', ')}]; MNIST labels have 1: [count]${labels.shape.length === 3 ? ' (is it an images file?)' : ''}`,
    );
  }
  const [count, height, width] = images.shape as [number, number, number];
  if (count === 0 || height === 0 || width === 0) {
    throw new ValueError(OP, `${imagesName} has dimensions [${images.shape.join(', ')}]; count, height and width must all be positive`);
  }
  if (labels.shape[0] !== count) {
    throw new ValueError(OP, `${imagesName} holds ${count} images but ${labelsName} holds ${labels.shape[0]} labels; they must match`);
  }
  const bad = labels.data.findIndex((v) => v > 9);
  if (bad >= 0) {
    throw new ValueError(OP, `${labelsName}: label ${labels.data[bad]} at index ${bad} is not a digit 0–9`);
  }
  return { pixels: images.data, labels: labels.data, height, width };
}
