/**
 * Getting the bytes of an IDX file: from a path (Node) or from memory, gunzipped when they are
 * gzip-compressed. Node's built-ins are imported lazily, only on the paths that need them,
 * so browser bundles never pull them in.
 *
 * @internal
 * @module
 */
import { ValueError } from '@profundo/core';
import { isGzip } from './idx.js';

/**
 * Where an IDX file comes from: a file path (Node only), or its bytes (a `Uint8Array`, e.g.
 * a Node `Buffer`, or an `ArrayBuffer`, e.g. from `fetch(url).then((r) => r.arrayBuffer())`).
 * Either may be gzip-compressed (`.gz`); that is detected from the bytes, not the name.
 *
 * @example
 * ```ts types-only
 * const fromDisk: IdxSource = 'data/train-images-idx3-ubyte.gz';
 * const fromNetwork: IdxSource = await (await fetch('/mnist/t10k-labels-idx1-ubyte')).arrayBuffer();
 * ```
 */
export type IdxSource = string | Uint8Array | ArrayBuffer;

/** Largest decompressed size accepted, in bytes: far above MNIST (47 MB), below trouble. */
export const MAX_GUNZIPPED_BYTES = 2 ** 30;

const isNode = (): boolean => typeof process === 'object' && typeof process.versions?.node === 'string';

/** Reads `source` and gunzips it if needed; `name` labels it in error messages. */
export async function readIdxSource(op: string, source: IdxSource, name: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    if (!isNode()) {
      throw new ValueError(op, `${name}: file paths can only be read in Node; pass the file's bytes instead (e.g. from fetch)`);
    }
    // A specifier in a variable (and the comments) keeps bundlers away from Node's built-ins.
    const fsName = 'node:fs/promises';
    const { readFile } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    try {
      bytes = await readFile(source);
    } catch (e) {
      throw new ValueError(op, `${name}: cannot read ${JSON.stringify(source)}: ${(e as Error).message}`);
    }
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else if (source instanceof ArrayBuffer) {
    bytes = new Uint8Array(source);
  } else {
    throw new ValueError(
      op,
      `${name} must be a file path, a Uint8Array or an ArrayBuffer, got ${source === null ? 'null' : typeof source}`,
    );
  }
  return isGzip(bytes) ? gunzip(op, bytes, name) : bytes;
}

/**
 * Decompresses gzip bytes: with `node:zlib` in Node, else with the web's
 * `DecompressionStream` (`via: 'stream'` forces that path; exported for tests).
 */
export async function gunzip(op: string, bytes: Uint8Array, name: string, via: 'auto' | 'stream' = 'auto'): Promise<Uint8Array> {
  const fail = (why: string): never => {
    throw new ValueError(op, `${name} starts like a gzip file (0x1f 0x8b) but does not decompress: ${why}`);
  };
  if (via === 'auto' && isNode()) {
    const zlibName = 'node:zlib';
    const { gunzipSync } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ zlibName)) as typeof import('node:zlib');
    try {
      const out = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  if (typeof DecompressionStream !== 'function') {
    return fail('this runtime has neither node:zlib nor DecompressionStream; decompress the file first');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_GUNZIPPED_BYTES) {
        await reader.cancel();
        return fail(`it inflates past ${MAX_GUNZIPPED_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof ValueError) throw e;
    return fail((e as Error).message);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
