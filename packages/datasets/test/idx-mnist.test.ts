import './backend.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValueError } from '@profundo/core';
import { DataLoader, loadMnistIdx, type MnistIdxFiles } from '../src/index.js';
import { idx } from './idx-file.js';

// Three 2×3 training images and two test images, with their digits.
const TRAIN_PIXELS = [0, 255, 128, 1, 2, 3, /**/ 10, 20, 30, 40, 50, 60, /**/ 255, 0, 255, 0, 255, 0];
const TRAIN_LABELS = [7, 0, 9];
const TEST_PIXELS = [5, 5, 5, 5, 5, 5, /**/ 100, 101, 102, 103, 104, 105];
const TEST_LABELS = [1, 2];

const files = (): MnistIdxFiles => ({
  trainImages: idx(0x08, [3, 2, 3], TRAIN_PIXELS),
  trainLabels: idx(0x08, [3], TRAIN_LABELS),
  testImages: idx(0x08, [2, 2, 3], TEST_PIXELS),
  testLabels: idx(0x08, [2], TEST_LABELS),
});

const scaled = (pixels: number[]) => pixels.map((p) => Math.fround(p / 255));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'profundo-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadMnistIdx', () => {
  it('loads raw IDX bytes: pixels scaled to [0, 1], labels as int32, order kept', async () => {
    const { train, test } = await loadMnistIdx(files());
    expect(train.length).toBe(3);
    expect(test.length).toBe(2);
    expect(train.sampleShape).toEqual([6]);
    expect(Array.from(train.features)).toEqual(scaled(TRAIN_PIXELS));
    expect(train.features[1]).toBe(1);
    expect(train.features[0]).toBe(0);
    expect(train.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(train.labels)).toEqual(TRAIN_LABELS);
    expect(Array.from(test.features)).toEqual(scaled(TEST_PIXELS));
    expect(Array.from(test.labels)).toEqual(TEST_LABELS);

    const [x, y] = train.get(1);
    expect(x.shape).toEqual([6]);
    expect(Array.from(await x.data())).toEqual(scaled(TRAIN_PIXELS.slice(6, 12)));
    expect(await y.data()).toEqual(Int32Array.of(0));
  });

  it('keeps images as [1, H, W] with flatten: false, and batches through DataLoader', async () => {
    const { train } = await loadMnistIdx(files(), { flatten: false });
    expect(train.sampleShape).toEqual([1, 2, 3]);
    const batches = [...new DataLoader(train, { batchSize: 2 })];
    expect(batches[0]![0].shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(await batches[1]![1].data())).toEqual([9]);
  });

  it('reads gzipped bytes, ArrayBuffers and file paths, raw and .gz', async () => {
    const raw = files();
    const expected = await loadMnistIdx(raw);
    const gz = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, gzipSync(v as Uint8Array)])) as unknown as MnistIdxFiles;
    const mixed: MnistIdxFiles = {
      trainImages: (gz.trainImages as Uint8Array).slice().buffer,
      trainLabels: raw.trainLabels,
      testImages: gz.testImages,
      testLabels: (raw.testLabels as Uint8Array).slice().buffer,
    };
    const paths: Partial<MnistIdxFiles> = {};
    for (const [k, v] of Object.entries(raw)) {
      const gzipped = k.startsWith('train');
      const path = join(dir, `${k}${gzipped ? '.gz' : ''}`);
      await writeFile(path, gzipped ? gzipSync(v as Uint8Array) : (v as Uint8Array));
      paths[k as keyof MnistIdxFiles] = path;
    }
    for (const source of [gz, mixed, paths as MnistIdxFiles]) {
      const got = await loadMnistIdx(source);
      expect(got.train.features).toEqual(expected.train.features);
      expect(got.train.labels).toEqual(expected.train.labels);
      expect(got.test.features).toEqual(expected.test.features);
      expect(got.test.labels).toEqual(expected.test.labels);
    }
  });

  it('accepts any image size shared by train and test', async () => {
    const { train, test } = await loadMnistIdx({
      trainImages: idx(0x08, [1, 1, 4], [1, 2, 3, 4]),
      trainLabels: idx(0x08, [1], [3]),
      testImages: idx(0x08, [1, 1, 4], [4, 3, 2, 1]),
      testLabels: idx(0x08, [1], [4]),
    }, { flatten: false });
    expect(train.sampleShape).toEqual([1, 1, 4]);
    expect(test.length).toBe(1);
  });

  const broken: [string, Partial<MnistIdxFiles>, RegExp][] = [
    ['wrong magic', { trainImages: Uint8Array.of(8, 3, 0, 0, ...idx(0x08, [3, 2, 3], TRAIN_PIXELS).subarray(4)) }, /trainImages does not start with an IDX magic number: its first two bytes are 0x08 0x03/],
    ['wrong type code', { testLabels: idx(0x0f, [2], TEST_LABELS) }, /testLabels has unknown IDX type code 0x0f/],
    ['int32 images', { trainImages: idx(0x0c, [3, 2, 3], new Uint8Array(72)) }, /trainImages holds int32 values; MNIST images are uint8/],
    ['float labels', { trainLabels: idx(0x0d, [3], new Uint8Array(12)) }, /trainLabels holds float32 values; MNIST labels are uint8/],
    ['truncated images', { trainImages: idx(0x08, [3, 2, 3], TRAIN_PIXELS.slice(0, 17)) }, /trainImages is truncated: it holds 17 data bytes, but uint8 dimensions \[3, 2, 3\] need 18/],
    ['truncated header', { testImages: idx(0x08, [2], [], 3) }, /testImages declares 3 dimensions, which need 16 header bytes/],
    ['trailing bytes', { testLabels: idx(0x08, [2], [...TEST_LABELS, 0]) }, /testLabels has 1 trailing bytes after the data/],
    ['count mismatch', { trainLabels: idx(0x08, [2], [7, 0]) }, /trainImages holds 3 images but trainLabels holds 2 labels/],
    ['label 10', { testLabels: idx(0x08, [2], [1, 10]) }, /testLabels: label 10 at index 1 is not a digit 0–9/],
    ['label 255', { trainLabels: idx(0x08, [3], [255, 0, 0]) }, /label 255 at index 0/],
    ['zero dimensions', { trainLabels: idx(0x08, [], TRAIN_LABELS) }, /trainLabels declares 0 dimensions/],
    ['zero-height images', { testImages: idx(0x08, [2, 0, 3]) }, /testImages has dimensions \[2, 0, 3\]; count, height and width must all be positive/],
    ['no images', { testImages: idx(0x08, [0, 2, 3]), testLabels: idx(0x08, [0]) }, /count, height and width must all be positive/],
    ['labels passed as images', { trainImages: idx(0x08, [3], TRAIN_LABELS) }, /trainImages has 1 dimension \[3\]; MNIST images have 3: \[count, height, width\] \(is it a labels file\?\)/],
    ['images passed as labels', { testLabels: idx(0x08, [2, 2, 3], TEST_PIXELS) }, /testLabels has 3 dimensions \[2, 2, 3\]; MNIST labels have 1: \[count\] \(is it an images file\?\)/],
    ['different image sizes', { testImages: idx(0x08, [2, 3, 2], TEST_PIXELS) }, /train images are 2×3 but test images are 3×2/],
    ['corrupt gzip', { trainImages: Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7) }, /trainImages starts like a gzip file \(0x1f 0x8b\) but does not decompress/],
    ['truncated gzip', { trainLabels: gzipSync(idx(0x08, [3], TRAIN_LABELS)).subarray(0, 20) }, /trainLabels starts like a gzip file/],
    ['gzip of a broken file', { testLabels: gzipSync(idx(0x08, [2], [1])) }, /testLabels is truncated/],
    ['a missing path', { trainImages: '/nonexistent/train-images-idx3-ubyte' }, /trainImages \(\/nonexistent\/train-images-idx3-ubyte\): cannot read/],
    ['a number', { testImages: 42 as unknown as Uint8Array }, /testImages must be a file path, a Uint8Array or an ArrayBuffer, got number/],
  ];
  it.each(broken)('rejects %s', async (_name, override, message) => {
    const promise = loadMnistIdx({ ...files(), ...override });
    await expect(promise).rejects.toThrow(ValueError);
    await expect(loadMnistIdx({ ...files(), ...override })).rejects.toThrow(message);
    await expect(loadMnistIdx({ ...files(), ...override })).rejects.toThrow(/^loadMnistIdx: /);
  });

  it('checks its arguments', async () => {
    const { testLabels: _omit, ...three } = files();
    await expect(loadMnistIdx(three as MnistIdxFiles)).rejects.toThrow(/missing testLabels/);
    await expect(loadMnistIdx({ ...files(), validImages: new Uint8Array(0) } as MnistIdxFiles)).rejects.toThrow(/unknown "validImages"/);
    await expect(loadMnistIdx(null as unknown as MnistIdxFiles)).rejects.toThrow(ValueError);
    await expect(loadMnistIdx(files(), { flatten: 'yes' as unknown as boolean })).rejects.toThrow(/flatten must be a boolean/);
    await expect(loadMnistIdx(files(), { seed: 1 } as never)).rejects.toThrow(/unknown option "seed"/);
  });

  it('names the file path in errors', async () => {
    const path = join(dir, 'bad-labels');
    await writeFile(path, idx(0x08, [3], [1, 2, 11]));
    await expect(loadMnistIdx({ ...files(), trainLabels: path })).rejects.toThrow(`trainLabels (${path}): label 11 at index 2`);
  });
});
