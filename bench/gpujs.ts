/**
 * GPU benchmark in one headless Chromium: float32 matmul (256, 512, 1024), one training step
 * of the main job's MLP (784 → 256 → 10, batch 64, SGD with momentum), and one step of the CPU
 * bench's LeNet (conv 5×5 1→32, pool, conv 5×5 32→64, pool, 3136→128→10, Adam, batch 64) and
 * Transformer encoder layer (B16, T32, d64, 4 heads, FFN 256, SGD), built from workloads/steps.ts's
 * weights by libs/profundo-models.ts and libs/tfjs-models.ts, on
 * @profundo/backend-gpujs in its webgl2 and webgpu modes and on TensorFlow.js's WebGL and WebGPU
 * backends, with the ratios gpu.js webgl2 / tfjs webgl and gpu.js webgpu / tfjs webgpu.
 *
 * Run from the repository root: `pnpm --filter @profundo/bench gpujs` (Debian's chromium;
 * `CHROMIUM_PATH` overrides /usr/bin/chromium). `-- --quick` leaves out matmul 1024 (about
 * half a minute per gpu.js run on software renderers) and takes fewer samples; `-- --libs=a,b`
 * measures only those of gpujs-webgl2, gpujs-webgpu, tfjs-webgl, tfjs-webgpu (the ratios need
 * both of a pair), or gpujs-webgl (WebGL 1, listed but in no ratio); `-- --only=w,…` runs only those
 * workloads of matmul, mlp, lenet, transformer. The browser is started with WebGPU enabled on
 * SwiftShader, and WebGL2 is its default; on these machines both are software renderers, so the
 * figures compare the libraries' kernels, not GPUs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Lib } from './gpujs-page.js';
import type { ModelName } from './workloads/steps.js';

const ALL_LIBS: Lib[] = ['gpujs-webgl2', 'gpujs-webgpu', 'tfjs-webgl', 'tfjs-webgpu'];
/** Also measurable with --libs, not by default: gpu.js on WebGL 1. */
const KNOWN_LIBS: Lib[] = [...ALL_LIBS, 'gpujs-webgl'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const libsArg = args.find((a) => a.startsWith('--libs='))?.slice('--libs='.length);
const LIBS: Lib[] = libsArg ? (libsArg.split(',') as Lib[]) : ALL_LIBS;
for (const l of LIBS) if (!KNOWN_LIBS.includes(l)) throw new Error(`unknown lib ${l}; one of ${KNOWN_LIBS.join(', ')}`);
const WORKLOADS = ['matmul', 'mlp', 'lenet', 'transformer'] as const;
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const ONLY = onlyArg ? onlyArg.split(',') : [...WORKLOADS];
for (const w of ONLY) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}; one of ${WORKLOADS.join(', ')}`);
const SIZES = !ONLY.includes('matmul') ? [] : quick ? [256, 512] : [256, 512, 1024];
const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader',
];

const dir = mkdtempSync(join(tmpdir(), 'profundo-bench-'));
await build({
  entryPoints: [fileURLToPath(new URL('./gpujs-page.ts', import.meta.url))],
  outfile: join(dir, 'page.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['source'],
  logLevel: 'warning',
});
writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>');
const server = createServer((req, res) => {
  const file = req.url === '/page.js' ? 'page.js' : 'index.html';
  res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : 'text/html');
  res.end(readFileSync(join(dir, file)));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, ignoreDefaultArgs: ['--headless'] });

type Bench = {
  matmul(lib: Lib, n: number, repeats: number, samples: number): Promise<number>;
  mlpStep(lib: Lib, repeats: number, samples: number): Promise<number>;
  modelStep(lib: Lib, model: ModelName, repeats: number, samples: number): Promise<{ ms: number; loss: number }>;
};
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => 'bench' in globalThis);
  const rows: { what: string; ms: Partial<Record<Lib, number>> }[] = [];
  const measure = async (what: string, run: (lib: Lib) => Promise<number>) => {
    const ms: Partial<Record<Lib, number>> = {};
    for (const lib of LIBS) {
      ms[lib] = await run(lib);
      console.log(`  ${what.padEnd(16)} ${lib.padEnd(13)} ${ms[lib]!.toFixed(1).padStart(9)} ms`);
    }
    rows.push({ what, ms });
  };
  for (const n of SIZES) {
    const repeats = n <= 256 ? 4 : n <= 512 ? 2 : 1;
    const samples = quick ? 1 : n <= 512 ? 3 : 1;
    await measure(`matmul ${n}`, (lib) => page.evaluate(([l, n, r, s]) => (globalThis as unknown as { bench: Bench }).bench.matmul(l, n, r, s), [lib, n, repeats, samples] as const));
  }
  const mlpSamples = quick ? 1 : 3;
  if (ONLY.includes('mlp')) await measure('MLP train step', (lib) => page.evaluate(([l, s]) => (globalThis as unknown as { bench: Bench }).bench.mlpStep(l, 3, s), [lib, mlpSamples] as const));
  // The CPU bench's LeNet (Adam) and Transformer encoder-layer (SGD) steps, same weights and batch
  // everywhere; the first step's loss is printed so that a wrong network shows.
  for (const [what, model, repeats] of [['LeNet step', 'lenet', quick ? 1 : 2], ['Transformer step', 'transformer', quick ? 2 : 3]] as const) {
    if (!ONLY.includes(model)) continue;
    await measure(what, async (lib) => {
      const r = await page.evaluate(
        ([l, m, n, s]) => (globalThis as unknown as { bench: Bench }).bench.modelStep(l, m, n, s),
        [lib, model as ModelName, repeats, mlpSamples] as const,
      );
      console.log(`  ${''.padEnd(16)} ${lib.padEnd(13)} first loss ${r.loss.toFixed(5)}`);
      return r.ms;
    });
  }

  const cell = (v: number | undefined, w: number) => (v === undefined ? '—' : v.toFixed(1)).padStart(w);
  const ratio = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? '—' : `${(x / y).toFixed(2)}×`).padStart(14);
  console.log('\nms per op, median (lower is better); ratios = backend-gpujs time / TensorFlow.js time in the same API');
  console.log(
    `${'op'.padEnd(16)} ${'gpujs webgl2'.padStart(13)} ${'gpujs webgpu'.padStart(13)} ${'tfjs webgl'.padStart(11)} ${'tfjs webgpu'.padStart(12)} ` +
      `${'webgl2/webgl'.padStart(14)} ${'webgpu/webgpu'.padStart(14)}`,
  );
  for (const { what, ms } of rows) {
    if (ms['gpujs-webgl'] !== undefined) console.log(`${what.padEnd(16)} gpujs webgl ${ms['gpujs-webgl'].toFixed(1)} ms`);
    console.log(
      `${what.padEnd(16)} ${cell(ms['gpujs-webgl2'], 13)} ${cell(ms['gpujs-webgpu'], 13)} ${cell(ms['tfjs-webgl'], 11)} ${cell(ms['tfjs-webgpu'], 12)} ` +
        `${ratio(ms['gpujs-webgl2'], ms['tfjs-webgl'])} ${ratio(ms['gpujs-webgpu'], ms['tfjs-webgpu'])}`,
    );
  }
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
