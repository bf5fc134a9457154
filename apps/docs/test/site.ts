/**
 * What the site test needs besides Chromium: building the site into a folder (the demo and
 * typedoc's pages, as `pnpm run docs` does), serving a folder from 127.0.0.1, listing its pages,
 * and checking its links.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- a plain ES module script without type declarations
import { buildDemo } from '../demo/build.mjs';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `cmd args` in the repository root; resolves to its output, rejects when it fails. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

/**
 * Runs typedoc with the repository's typedoc.json into `dir`, leaving what is already there (the
 * demo, built first so that its tests can run meanwhile); resolves to what it printed.
 * `pnpm run docs` runs the same two steps one after the other, into typedoc.json's `out`.
 */
export function buildApiSite(dir: string): Promise<string> {
  return run(join(ROOT, 'node_modules/.bin/typedoc'), ['--out', dir, '--cleanOutputDir', 'false']);
}

/** Builds the demo into `dir`; resolves to the sizes of its files (bytes). */
export async function buildDemoPage(dir: string): Promise<Record<string, number>> {
  return (await buildDemo(dir)) as Record<string, number>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The file a request path names in `dir` (a folder's index.html), or null outside it or missing. */
export function fileFor(dir: string, pathname: string): string | null {
  let file = resolve(dir, `.${decodeURIComponent(pathname)}`);
  if (file !== dir && !file.startsWith(dir + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) ? file : null;
}

/** Serves `dir` from 127.0.0.1 at a free port; records the paths it answered 404 for. */
export async function serveSite(dir: string): Promise<{ server: Server; url: string; missing: string[] }> {
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = fileFor(dir, path);
    if (!file) {
      missing.push(path);
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/`, missing };
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const ids = new Map<string, Set<string>>();

/** The `id` and `name` attribute values of an HTML or SVG file. */
function anchorsOf(file: string): Set<string> {
  let found = ids.get(file);
  if (!found) {
    found = new Set();
    for (const m of readFileSync(file, 'utf8').matchAll(/\s(?:id|name)\s*=\s*"([^"]*)"/g)) found.add(m[1]!);
    ids.set(file, found);
  }
  return found;
}

/** External schemes the check leaves alone. */
const EXTERNAL = /^(?:https?:|mailto:|data:|javascript:|\/\/)/i;

/**
 * Why the link `href` from `from` (a file of the site in `dir`) is broken, or null if it is not:
 * a relative URL must name a file of the site (a folder its index.html), and a fragment in an
 * HTML or SVG file an `id` or `name` there. Other schemes than http(s), mailto, data and
 * javascript are broken (such as a `site:` link left unrewritten).
 */
export function brokenLink(dir: string, from: string, href: string): string | null {
  const h = href.trim().replace(/&amp;/g, '&');
  if (h === '' || h === '#' || EXTERNAL.test(h)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return `unknown scheme in '${href}'`;
  const url = new URL(h, `http://site/${from}`);
  if (url.host !== 'site') return null;
  const file = fileFor(dir, url.pathname);
  if (!file) return `'${href}' names no file of the site`;
  const fragment = decodeURIComponent(url.hash.slice(1));
  if (fragment && /\.(?:html|svg)$/.test(file) && !anchorsOf(file).has(fragment)) {
    return `'${href}': no id '${fragment}' in ${relative(dir, file)}`;
  }
  return null;
}

/** Every `href` / `src` of every HTML file of the site that is broken, as "page: why". */
export function brokenLinks(dir: string): { pages: number; links: number; broken: string[] } {
  const broken: string[] = [];
  let pages = 0;
  let links = 0;
  for (const page of listFiles(dir).filter((f) => f.endsWith('.html'))) {
    pages++;
    const html = readFileSync(join(dir, page), 'utf8').replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, (s) => s.replace(/>[\s\S]*</, '><'));
    for (const m of html.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/g)) {
      links++;
      const why = brokenLink(dir, page, m[1]!);
      if (why) broken.push(`${page}: ${why}`);
    }
  }
  return { pages, links, broken };
}
