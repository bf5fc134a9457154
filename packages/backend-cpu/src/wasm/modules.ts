/**
 * Feature detection and compilation of the SIMD kernels that the build embeds in
 * `generated/wasm-modules.ts`.
 */
import * as modules from '../generated/wasm-modules.js';
import type { KernelPath } from './kernel-path.js';

export type { KernelPath } from './kernel-path.js';

function bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

interface NodeV8 {
  setFlagsFromString(flags: string): void;
}

let relaxedFlagTried = false;

/**
 * Node 20's V8 validates relaxed-SIMD instructions only behind `--experimental-wasm-relaxed-simd`
 * (later Node versions and browsers have them on). Setting the flag at run time is how this
 * package enables it: it affects only modules compiled afterwards, and changes nothing for code
 * that does not use those instructions.
 */
function enableRelaxedSimdInNode(): void {
  if (relaxedFlagTried) return;
  relaxedFlagTried = true;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as NodeV8 | undefined;
  try {
    v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // An engine that refuses the flag simply has no relaxed path.
  }
}

const cache = new Map<string, WebAssembly.Module | null>();

/**
 * The compiled kernel module for `path` and memory kind, or null when this engine cannot run it.
 * Compiled once per process (the module is a few KiB, so compiling synchronously is allowed on
 * browsers' main threads too).
 */
export function kernelModule(path: 'simd' | 'relaxed-simd', shared: boolean): WebAssembly.Module | null {
  const key = `${path}/${shared}`;
  if (cache.has(key)) return cache.get(key)!;
  if (path === 'relaxed-simd') enableRelaxedSimdInNode();
  const source =
    path === 'simd'
      ? shared ? modules.kernelsSimdShared : modules.kernelsSimd
      : shared ? modules.kernelsRelaxedShared : modules.kernelsRelaxed;
  const code = bytes(source);
  const mod = WebAssembly.validate(code) ? new WebAssembly.Module(code) : null;
  cache.set(key, mod);
  return mod;
}

/** The best kernel path this engine supports. */
export function bestPath(): KernelPath {
  if (kernelModule('relaxed-simd', false) !== null) return 'relaxed-simd';
  if (kernelModule('simd', false) !== null) return 'simd';
  return 'js';
}
