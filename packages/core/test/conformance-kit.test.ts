/**
 * Proves the conformance kit: the unmodified reference backend passes every case (its absent
 * fused kernels reported as skipped), and the reference backend with one planted bug at a time
 * fails the cases of that bug with a ConformanceError naming the kernel and the rule broken.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, BinaryOp, DataArray, DataHandle, DType, FusedKernels, Pool2dParams, ReduceOp, TensorInfo, UnaryOp } from '@profundo/core';
import { conformanceCaseNames, conformanceCases, ConformanceError, createReferenceBackend, type ConformanceCase } from '@profundo/core/testing';

/** The reference backend with some kernels replaced; `base` is the unmodified one underneath. */
function planted(replace: (base: Backend) => Partial<Backend>): () => Backend {
  return () => {
    const base = createReferenceBackend();
    return { ...base, ...replace(base) } as Backend;
  };
}

/** `x`'s values as plain numbers (via the base backend). */
function valuesOf(base: Backend, x: TensorInfo): number[] {
  return Array.from(base.readSync!(x));
}

function write(base: Backend, values: readonly number[], shape: readonly number[], dtype: DType): DataHandle {
  const array = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return base.write(array as never, shape, dtype);
}

/** A same-shape int32 binary op replaced by `f`; anything else goes to the base backend. */
function int32Binary(op: BinaryOp, f: (a: number, b: number) => number) {
  return (base: Backend): Partial<Backend> => ({
    binary(o: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
      if (o !== op || a.dtype !== 'int32' || a.shape.join() !== b.shape.join()) return base.binary(o, a, b, outShape);
      const av = valuesOf(base, a);
      const bv = valuesOf(base, b);
      return write(base, av.map((v, i) => f(v, bv[i]!)), outShape, 'int32');
    },
  });
}

/** Argmax along `axis` choosing with `better(v, best)`. */
function argmaxBy(base: Backend, x: TensorInfo, axis: number, better: (v: number, best: number) => boolean): DataHandle {
  const v = valuesOf(base, x);
  const n = x.shape[axis]!;
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let bi = 0;
      for (let k = 1; k < n; k++) if (better(v[(o * n + k) * inner + j]!, v[(o * n + bi) * inner + j]!)) bi = k;
      out.push(bi);
    }
  }
  return write(base, out, x.shape.filter((_, d) => d !== axis), 'int32');
}

/** A naive fused max pooling that drops NaN (as GPU max does), for the fused-kernel bug. */
function maxPoolIgnoringNaN(base: Backend) {
  return (x: TensorInfo, p: Pool2dParams): DataHandle => {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [kh, kw] = p.kernelSize;
    const [sh, sw] = p.stride;
    const [top, bottom, left, right] = p.padding;
    const oh = Math.floor((h + top + bottom - kh) / sh) + 1;
    const ow = Math.floor((w + left + right - kw) / sw) + 1;
    const v = valuesOf(base, x);
    const out: number[] = [];
    for (let pl = 0; pl < n * c; pl++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let m = -Infinity;
          for (let a = 0; a < kh; a++) {
            for (let b = 0; b < kw; b++) {
              const y = i * sh - top + a;
              const z = j * sw - left + b;
              if (y >= 0 && y < h && z >= 0 && z < w) m = Math.max(m, v[(pl * h + y) * w + z]!) || m; // NaN dropped
            }
          }
          out.push(m);
        }
      }
    }
    return write(base, out, [n, c, oh, ow], 'float32');
  };
}

interface Bug {
  what: string;
  backend: () => Backend;
  /** Cases (by name fragment) that must fail, with the kernel and rule their error names. */
  fails: { case: string; kernel: string; rule: string | RegExp }[];
}

const bugs: Bug[] = [
  {
    what: 'argmax returning the last maximum',
    backend: planted((base) => ({ argmax: (x: TensorInfo, axis: number) => argmaxBy(base, x, axis, (v, best) => v >= best || Number.isNaN(v)) })),
    fails: [
      { case: 'edge: argmax float32: ties give the index of the FIRST maximum (last axis)', kernel: 'kernel argmax float32', rule: 'FIRST maximum' },
      { case: 'edge: argmax float32: ties give the index of the FIRST maximum (first axis)', kernel: 'kernel argmax float32', rule: 'FIRST maximum' },
      { case: 'edge: argmax int32: int32 ties give the index of the FIRST maximum', kernel: 'kernel argmax int32', rule: 'FIRST maximum' },
      { case: 'edge: argmax float32: a NaN counts as the maximum', kernel: 'kernel argmax float32', rule: 'first NaN' },
      // Core's maxPool2d composite routes the gradient with argmax: the tie goes to the wrong element.
      { case: "op: maxPool2d: the gradient goes to each window's FIRST maximum", kernel: 'op maxPool2d', rule: 'FIRST maximum' },
    ],
  },
  {
    what: 'int32 div rounding down instead of toward zero',
    backend: planted(int32Binary('div', (a, b) => (b === 0 ? 0 : Math.floor(a / b)))),
    fails: [{ case: 'edge: binary div int32: int32 div truncates toward zero', kernel: 'kernel binary div int32', rule: 'truncates toward zero' }],
  },
  {
    what: 'int32 division by zero returning garbage',
    backend: planted(int32Binary('div', (a, b) => (b === 0 ? a * 7 + 3 : Math.trunc(a / b)))),
    fails: [{ case: 'edge: binary div int32: int32 x / 0 = 0', kernel: 'kernel binary div int32', rule: 'x / 0 = 0' }],
  },
  {
    what: 'int32 add saturating instead of wrapping',
    backend: planted(int32Binary('add', (a, b) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, a + b)))),
    fails: [{ case: 'edge: binary add int32: int32 add wraps modulo 2^32', kernel: 'kernel binary add int32', rule: 'wraps modulo 2^32' }],
  },
  {
    what: 'int32 pow with a negative exponent giving 1',
    backend: planted(int32Binary('pow', (a, b) => (b < 0 ? 1 : Math.pow(a, b) | 0))),
    fails: [{ case: 'edge: binary pow int32: int32 pow with a negative exponent', kernel: 'kernel binary pow int32', rule: 'negative exponent' }],
  },
  {
    what: 'reduce max ignoring NaN',
    backend: planted((base) => ({
      reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataHandle {
        if (op !== 'max' || x.dtype !== 'float32') return base.reduce(op, x, axes);
        const h = write(base, valuesOf(base, x).map((v) => (Number.isNaN(v) ? -Infinity : v)), x.shape, 'float32');
        const out = base.reduce('max', { ...x, handle: h }, axes);
        base.dispose(h);
        return out;
      },
    })),
    fails: [
      { case: 'edge: reduce max float32: max is NaN when any reduced element is NaN (last axis)', kernel: 'kernel reduce max float32', rule: 'NaN when any reduced element is NaN' },
      { case: 'edge: reduce max float32: max is NaN when any reduced element is NaN (all axes)', kernel: 'kernel reduce max float32', rule: 'NaN when any reduced element is NaN' },
    ],
  },
  {
    what: 'maximum dropping a NaN operand (as GPU max does)',
    backend: planted((base) => ({
      binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
        if (op !== 'maximum' || a.dtype !== 'float32' || a.shape.join() !== b.shape.join()) return base.binary(op, a, b, outShape);
        const bv = valuesOf(base, b);
        return write(base, valuesOf(base, a).map((v, i) => (Number.isNaN(v) ? bv[i]! : Number.isNaN(bv[i]!) ? v : Math.max(v, bv[i]!))), outShape, 'float32');
      },
    })),
    fails: [{ case: 'edge: binary maximum float32: maximum is NaN when either input is NaN', kernel: 'kernel binary maximum float32', rule: 'NaN when either input is NaN' }],
  },
  {
    what: 'sign(NaN) = 0',
    backend: planted((base) => ({
      unary(op: UnaryOp, x: TensorInfo): DataHandle {
        if (op !== 'sign') return base.unary(op, x);
        return write(base, valuesOf(base, x).map((v) => (v > 0 ? 1 : v < 0 ? -1 : 0)), x.shape, x.dtype);
      },
    })),
    fails: [{ case: 'edge: unary sign float32: every unary op of NaN is NaN', kernel: 'kernel unary sign float32', rule: 'sign(NaN) = NaN' }],
  },
  {
    what: 'cast float32 → int32 wrapping instead of saturating',
    backend: planted((base) => ({
      cast(x: TensorInfo, dtype: DType): DataHandle {
        if (x.dtype !== 'float32' || dtype !== 'int32') return base.cast(x, dtype);
        return base.write(Int32Array.from(valuesOf(base, x)), x.shape, 'int32'); // ToInt32: wraps, ±Inf → 0
      },
    })),
    fails: [{ case: 'edge: cast float32→int32: float32 → int32: NaN → 0; ±Inf and values outside the int32 range saturate', kernel: 'kernel cast float32→int32', rule: 'saturate' }],
  },
  {
    what: 'where blending the branches arithmetically (c·a + (1-c)·b)',
    backend: planted((base) => ({
      where(c: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): DataHandle {
        if (a.dtype !== 'float32' || c.shape.join() !== a.shape.join() || a.shape.join() !== b.shape.join()) return base.where(c, a, b, outShape);
        const cv = valuesOf(base, c);
        const av = valuesOf(base, a);
        const bv = valuesOf(base, b);
        return write(base, cv.map((k, i) => k * av[i]! + (1 - k) * bv[i]!), outShape, 'float32');
      },
    })),
    fails: [{ case: 'edge: where float32: values are selected', kernel: 'kernel where float32', rule: 'never leak from the branch not taken' }],
  },
  {
    what: 'read returning the backend’s internal array',
    backend: planted((base) => {
      const storage = new WeakMap<object, DataArray>();
      const own = (info: TensorInfo): DataArray => {
        let a = storage.get(info.handle);
        if (!a) storage.set(info.handle, (a = base.readSync!(info)));
        return a;
      };
      return { read: async (info: TensorInfo) => own(info), readSync: own };
    }),
    fails: [
      { case: 'memory: read returns a fresh array the caller owns', kernel: 'read', rule: 'read returns an array the caller owns' },
      { case: 'memory: readSync returns a fresh array the caller owns', kernel: 'readSync', rule: 'readSync returns an array the caller owns' },
    ],
  },
  {
    what: 'unary exp mutating its input',
    backend: planted((base) => ({
      unary(op: UnaryOp, x: TensorInfo): DataHandle {
        const out = base.unary(op, x);
        if (op === 'exp') {
          // The reference's storage is a Float64Array in the handle: change its last element.
          const values = (x.handle as { values: Float64Array }).values;
          const last = values.length - 1;
          if (last >= 0) values[last] = values[last] === 2 ? 3 : 2;
        }
        return out;
      },
    })),
    fails: [
      { case: 'edge: unary exp float32: every unary op of NaN is NaN', kernel: 'kernel unary exp float32', rule: /: kernel unary exp float32 mutated its input 0 \(element 2 was NaN, now 2\): kernels never mutate their inputs$/ },
      { case: 'kernel: unary exp float32', kernel: 'kernel unary exp float32', rule: /mutated its input 0 \(element 20 was -?[\d.e-]+, now 2\)/ },
    ],
  },
  {
    what: 'a fused maxPool2d dropping NaN (the other fused kernels absent)',
    backend: planted((base) => ({ fused: { maxPool2d: maxPoolIgnoringNaN(base) } satisfies FusedKernels })),
    fails: [{ case: 'fused: maxPool2d: a window holding a NaN gives NaN', kernel: 'fused maxPool2d', rule: 'a window holding a NaN gives NaN' }],
  },
];

let serial = 0;

/** The cases of `backend` under a fresh registered name. */
function casesOf(backend: () => Backend): Promise<ConformanceCase[]> {
  return conformanceCases({ name: `kit-proof-${serial++}`, factory: backend, gradcheck: false });
}

describe('the conformance kit on the unmodified reference backend', async () => {
  const cases = await casesOf(createReferenceBackend);

  it('lists the same cases as conformanceCaseNames(), each name once', () => {
    expect(cases.map((c) => c.name)).toEqual(conformanceCaseNames());
    expect(new Set(conformanceCaseNames()).size).toBe(cases.length);
  });

  it('reports exactly the fused cases as skipped (the reference backend has no fused kernels)', async () => {
    const skipped = cases.filter((c) => c.skip !== undefined);
    expect(skipped.map((c) => c.name)).toEqual(cases.filter((c) => c.name.startsWith('fused:')).map((c) => c.name));
    expect(skipped.length).toBeGreaterThan(20);
    for (const c of skipped) {
      expect(c.skip).toMatch(/^the optional kernel fused\.\w+ is absent$/);
      expect(await c.run()).toEqual({ status: 'skipped', reason: c.skip });
    }
  });

  for (const c of cases) {
    it.skipIf(c.skip !== undefined)(c.name, async () => {
      expect(await c.run()).toEqual({ status: 'passed' });
    });
  }
});

describe('the conformance kit fails the reference backend with a planted bug', () => {
  for (const bug of bugs) {
    describe(bug.what, async () => {
      const cases = await casesOf(bug.backend);
      for (const f of bug.fails) {
        const c = cases.find((x) => x.name.startsWith(f.case));
        it(`fails ${f.case} naming ${f.kernel} and the rule`, async () => {
          expect(c, `no case named ${f.case}…`).toBeDefined();
          expect(c!.skip).toBeUndefined();
          const error = await c!.run().then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ConformanceError);
          const e = error as ConformanceError;
          expect(e.kernel).toBe(f.kernel);
          expect(e.message).toContain(e.kernel);
          if (typeof f.rule === 'string') expect(e.message).toContain(f.rule);
          else expect(e.message).toMatch(f.rule);
        });
      }
    });
  }

  describe('a backend reporting its own bytes (float64 storage: 8 per element)', async () => {
    const cases = await casesOf(planted(() => ({ byteSize: (h: DataHandle) => (h as { values: Float64Array }).values.length * 8 })));
    for (const c of cases.filter((x) => x.name.startsWith('memory:'))) {
      it(`passes ${c.name} (memory() keyed by the registered name, bytes from byteSize)`, async () => {
        expect(await c.run()).toEqual({ status: 'passed' });
      });
    }
  });

  describe('a backend declaring maxExactInt 2^24 (integers stored in float32)', async () => {
    const cases = await casesOf(planted(() => ({ maxExactInt: 2 ** 24 })));
    it('gets the full-range int32 cases skipped, naming its declaration', () => {
      const skipped = cases.filter((c) => c.skip !== undefined && !c.name.startsWith('fused:'));
      expect(skipped.map((c) => c.name)).toContain('edge: binary add int32: int32 add wraps modulo 2^32');
      expect(skipped.map((c) => c.name)).toContain('edge: binary div int32: int32 div wraps: -2^31 / -1 = -2^31');
      for (const c of skipped) expect(c.skip).toMatch(/maxExactInt 16777216/);
      // The in-range int32 rules still apply.
      expect(cases.find((c) => c.name.startsWith('edge: binary div int32: int32 x / 0 = 0'))!.skip).toBeUndefined();
    });
  });
});
