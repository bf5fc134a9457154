/**
 * Seeded test data shared by every library, so that all of them compute on the same numbers
 * (and a training step's first loss can be compared across libraries).
 */

/** A float32 or int32 array with its shape (row-major, PyTorch layout). */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

/** A small linear congruential generator: deterministic across runs and languages. */
export class Lcg {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 4294967296;
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Uniform values in [lo, hi). */
export function uniform(shape: readonly number[], seed: number, lo = -0.5, hi = 0.5): HostTensor {
  const rng = new Lcg(seed);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * rng.next();
  return { shape, values };
}

export function constant(shape: readonly number[], value: number): HostTensor {
  return { shape, values: new Float32Array(sizeOf(shape)).fill(value) };
}

/** Class labels in [0, classes). */
export function labels(n: number, classes: number, seed: number): HostTensor {
  const rng = new Lcg(seed);
  return { shape: [n], values: Int32Array.from({ length: n }, () => Math.floor(rng.next() * classes)) };
}

/** One-hot float32 rows `[n, classes]` of int labels. */
export function oneHot(y: HostTensor, classes: number): HostTensor {
  const values = new Float32Array(y.values.length * classes);
  y.values.forEach((c, i) => (values[i * classes + c] = 1));
  return { shape: [y.values.length, classes], values };
}

/**
 * Permutes the axes of a row-major tensor: output axis `i` is input axis `perm[i]`. Used to
 * turn PyTorch layouts (NCHW, OIHW, `[out, in]`) into TensorFlow.js ones (NHWC, HWIO, `[in, out]`).
 */
export function permute(t: HostTensor, perm: readonly number[]): HostTensor {
  const inShape = t.shape;
  const outShape = perm.map((p) => inShape[p]!);
  const inStrides = stridesOf(inShape);
  const outStrides = perm.map((p) => inStrides[p]!);
  const out = new (t.values.constructor as Float32ArrayConstructor)(t.values.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < idx.length; d++) src += idx[d]! * outStrides[d]!;
    out[o] = t.values[src]!;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape: outShape, values: out };
}

export function reshape(t: HostTensor, shape: readonly number[]): HostTensor {
  if (sizeOf(shape) !== t.values.length) throw new Error(`reshape: [${t.shape}] to [${shape}]`);
  return { shape, values: t.values };
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/**
 * PyTorch's `TransformerEncoderLayer` state dict as the weights of a hand-written layer that
 * computes `x·W + b`: Linear weights transposed to `[in, out]`, biases and LayerNorm
 * parameters as they are.
 */
export function encoderLayerWeights(p: Record<string, HostTensor>): Record<string, HostTensor> {
  const dense = (h: HostTensor): HostTensor => permute(h, [1, 0]);
  return {
    inW: dense(p['in_proj_weight']!),
    inB: p['in_proj_bias']!,
    outW: dense(p['out_proj.weight']!),
    outB: p['out_proj.bias']!,
    l1W: dense(p['linear1.weight']!),
    l1B: p['linear1.bias']!,
    l2W: dense(p['linear2.weight']!),
    l2B: p['linear2.bias']!,
    n1g: p['norm1.weight']!,
    n1b: p['norm1.bias']!,
    n2g: p['norm2.weight']!,
    n2b: p['norm2.bias']!,
  };
}

