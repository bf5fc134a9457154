/** Serves a test page's folder from 127.0.0.1. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

export interface ServeOptions {
  /** Headers set on every response (COOP and COEP for a cross-origin-isolated page, say). */
  headers?: Record<string, string>;
}

/** Serves `dir` on 127.0.0.1 at a free port; `/` is its `index.html`. */
export async function serve(dir: string, options: ServeOptions = {}): Promise<{ server: Server; url: string }> {
  const headers = Object.entries(options.headers ?? {});
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path.replace(/^\/+/, ''));
    if (!file.startsWith(dir)) {
      res.statusCode = 403;
      res.end();
      return;
    }
    for (const [k, v] of headers) res.setHeader(k, v);
    try {
      const body = readFileSync(file);
      res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/` };
}
