/**
 * Input checks shared by the layers.
 *
 * @module
 */
import { DTypeError, ValueError, type Tensor } from '@profundo/core';

/** @internal Throws a DTypeError naming `layer` unless `x` is float32. */
export function expectFloat(layer: string, x: Tensor): void {
  if (x.dtype !== 'float32') {
    throw new DTypeError(layer, `input must be float32, got ${x.dtype} [${x.shape}]; cast it first (x.float())`);
  }
}

/** @internal How a number or pair option reads in a message: NaN and Infinity as such. */
function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(String).join(',')}]` : typeof v === 'string' ? `'${v}'` : String(v);
}

/**
 * @internal `v` (`n` or `[a, b]`) as a pair of integers of at least `min`; a ValueError naming
 * `layer` otherwise, so a bad option fails when the layer is built, not at its first forward.
 */
export function pairOption(layer: string, what: string, v: unknown, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (!p || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ValueError(layer, `${what} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a pair of them, got ${show(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

/** @internal Checks a pooling layer's kernel size, stride and padding (at most half the kernel). */
export function checkPoolOptions(layer: string, kernelSize: unknown, stride: unknown, padding: unknown, dilation: unknown = 1, ceilMode: unknown = false): void {
  const k = pairOption(layer, 'kernelSize', kernelSize, 1);
  pairOption(layer, 'stride', stride, 1);
  const [ph, pw] = pairOption(layer, 'padding', padding, 0);
  const d = pairOption(layer, 'dilation', dilation, 1);
  const span = [d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1];
  if (2 * ph > span[0]! || 2 * pw > span[1]!) {
    throw new ValueError(layer, `padding [${ph}, ${pw}] must be at most half the kernel size [${span}]`);
  }
  if (typeof ceilMode !== 'boolean') throw new ValueError(layer, `ceilMode must be a boolean, got ${show(ceilMode)}`);
}

/** @internal Checks a convolution's padding: a number, a pair, 'same' or 'valid'. */
export function checkConvPadding(layer: string, padding: unknown): void {
  if (padding === 'same' || padding === 'valid') return;
  if (typeof padding === 'string') throw new ValueError(layer, `padding must be a number, a pair, 'same' or 'valid', got ${show(padding)}`);
  pairOption(layer, 'padding', padding, 0);
}
