// Builds the browser bundle of @profundo/backend-gpujs: one ES module with gpu.js's browser
// build inlined and `@profundo/core` left as an import, so that a page shares one core with
// its other Profundo modules (map `@profundo/core` with an import map, or use a bundler).
//
//   node scripts/bundle.mjs            → dist/browser/backend-gpujs.js (+ .map)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the package's sources for browsers into `outfile`. */
export async function bundleBrowser(outfile = `${root}dist/browser/backend-gpujs.js`) {
  await build({
    entryPoints: [`${root}src/index.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['@profundo/core'],
    sourcemap: true,
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await bundleBrowser());
}
