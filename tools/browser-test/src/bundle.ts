/**
 * Bundles a test page with esbuild: core and its testing kit (one build, so that they share one
 * registry), each backend the page imports as its own module with `@profundo/core` left as an
 * import, the page's module, and an `index.html` whose import map names them all.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** A module the page imports besides core: served as `/<file>`. */
export interface PageBackend {
  /** The bare specifier the page imports it by, such as `@profundo/backend-cpu`. */
  specifier: string;
  /** Its file name in the page's folder, such as `backend-cpu.js`. */
  file: string;
  /**
   * Writes the module to `outfile` (a package's own browser bundle, say); without it, the
   * package is bundled from its sources with `@profundo/core` left as an import.
   */
  build?: (outfile: string) => Promise<unknown>;
}

/** What a test page is made of. */
export interface PageBundle {
  /** The folder bare specifiers resolve from: the root of the package under test. */
  root: string;
  /** The page's module (TypeScript), served as `/page.js`. */
  entry: string;
  /** The page's title. */
  title: string;
  /** The modules the page imports besides `@profundo/core` and `@profundo/core/testing`. */
  backends: PageBackend[];
}

/** Resolves `virtual:SPECIFIER` entry points to modules that re-export that workspace package. */
function reexports(resolveDir: string): Plugin {
  return {
    name: 'reexports',
    setup(b) {
      b.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path.slice(8), namespace: 'reexport' }));
      b.onLoad({ filter: /.*/, namespace: 'reexport' }, (args) => ({
        contents: `export * from '${args.path}';`,
        resolveDir,
        loader: 'js',
      }));
    },
  };
}

const common = {
  bundle: true,
  format: 'esm' as const,
  platform: 'browser' as const,
  target: 'es2022',
  conditions: ['source'],
  logLevel: 'warning' as const,
};

/** Core's modules, by specifier, with their file names (without `.js`). */
const CORE: Record<string, string> = {
  '@profundo/core': 'core',
  '@profundo/core/testing': 'core-testing',
};

/** The import map of a page: each bare specifier it imports, and where it is served. */
export function importMap(bundle: Pick<PageBundle, 'backends'>): Record<string, string> {
  const imports: Record<string, string> = {};
  for (const [specifier, name] of Object.entries(CORE)) imports[specifier] = `/${name}.js`;
  for (const { specifier, file } of bundle.backends) imports[specifier] = `/${file}`;
  return imports;
}

/** Bundles every module the page needs into `dir`, with its `index.html`. */
export async function bundlePage(dir: string, bundle: PageBundle): Promise<void> {
  const imports = importMap(bundle);
  const plugins = [reexports(bundle.root)];
  // One build with code splitting, so that the kit and core share one registry and memory state.
  await build({
    ...common,
    entryPoints: Object.entries(CORE).map(([specifier, name]) => ({ in: `virtual:${specifier}`, out: name })),
    outdir: dir,
    splitting: true,
    plugins,
  });
  for (const backend of bundle.backends) {
    const outfile = join(dir, backend.file);
    if (backend.build) {
      await backend.build(outfile);
    } else {
      await build({
        ...common,
        entryPoints: [`virtual:${backend.specifier}`],
        outfile,
        external: ['@profundo/core'],
        plugins,
      });
    }
  }
  await build({
    ...common,
    entryPoints: [bundle.entry],
    outfile: join(dir, 'page.js'),
    external: Object.keys(imports),
  });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>${bundle.title}</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module" src="/page.js"></script></head><body></body></html>`,
  );
}
