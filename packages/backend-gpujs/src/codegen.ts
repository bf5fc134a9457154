/**
 * Helpers that write gpu.js kernel sources. Every kernel is generated for one set of shapes,
 * with sizes and strides written into the source as literals, so gpu.js compiles it once and
 * the device cache keys it by its source.
 *
 * Kernel sources use only what every gpu.js target (GLSL ES 1/3, WGSL) translates the same
 * way: float arithmetic, `Math.*`, `if`, `for` loops with literal bounds and early `return`.
 * Integer index arithmetic is done in float32, which is exact below 2^24; division is
 * corrected after `Math.floor` so that a GPU whose float division is off by an ulp still gets
 * the exact quotient.
 *
 * @internal
 * @module
 */

/**
 * A test for NaN of the variable `v` that survives every shader compiler here. GLSL ES and WGSL
 * leave NaN undefined, and compilers use that: Tint folds `v != v` to false, Mesa rewrites
 * `v < 0 ? 0 : v` into `max(v, 0)` (which drops NaN) and folds `!(v < 0 || v > 0 || v == 0)` to
 * false; `!(v == v)` is a NaN test on Mesa (headless-gl), SwiftShader's GL (WebGL2, WebGL) and
 * Tint on SwiftShader's Vulkan (WebGPU). test/nan.ts checks every kernel that relies on it in
 * every mode.
 */
export function isNaNTest(v: string): string {
  return `!(${v} == ${v})`;
}

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = s;
    s *= shape[d]!;
  }
  return st;
}

/** A JavaScript numeric literal gpu.js parses back to `v` (finite values only). */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`backend-gpujs: cannot inline the non-finite constant ${v}`);
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

/**
 * Code that computes `q = floor(n / d)` exactly for an integer-valued float `n` (of either
 * sign) and a positive integer literal `d`, into a new variable `q`. `n` must be a variable
 * or a parenthesized expression.
 */
export function floorDiv(q: string, n: string, d: number): string {
  if (d === 1) return `let ${q} = ${n};\n`;
  return (
    `let ${q} = Math.floor(${n} / ${d});\n` +
    `if (${q} * ${d} > ${n}) { ${q} = ${q} - 1; }\n` +
    `if (${q} * ${d} + ${d} <= ${n}) { ${q} = ${q} + 1; }\n`
  );
}

/** Like {@link floorDiv}, for `q = ceil(n / d)`. */
export function ceilDiv(q: string, n: string, d: number): string {
  return d === 1 ? `let ${q} = ${n};\n` : floorDiv(q, `(${n} + ${d - 1})`, d);
}

/** Code splitting flat index `index` into the coordinates of `shape`, and their expressions. */
export function unravel(shape: readonly number[], index: string, prefix: string): { code: string; coords: string[] } {
  const st = stridesOf(shape);
  let code = '';
  const coords: string[] = [];
  let rem = index;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) {
      coords.push('0');
      continue;
    }
    if (st[d] === 1) {
      coords.push(rem);
      continue;
    }
    const c = `${prefix}${d}`;
    code += floorDiv(c, rem, st[d]!);
    coords.push(c);
    // Later dims other than size-1 ones need the remainder.
    if (shape.slice(d + 1).some((s) => s !== 1)) {
      const r = `${prefix}r${d}`;
      code += `let ${r} = ${rem} - ${c} * ${st[d]};\n`;
      rem = r;
    }
  }
  return { code, coords };
}

/** The expression `Σ coords[d] · strides[d]` (skipping zero terms), or `'0'`. */
export function linear(coords: readonly string[], strides: readonly number[]): string {
  const terms: string[] = [];
  coords.forEach((c, d) => {
    const s = strides[d]!;
    if (s === 0 || c === '0') return;
    terms.push(s === 1 ? c : `${c} * ${s}`);
  });
  return terms.length ? terms.join(' + ') : '0';
}

/**
 * Strides with which output coordinates of `outShape` address a row-major input of `shape`
 * broadcast to it (NumPy rules: leading dims missing, size-1 dims repeated).
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const st = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : st[d - lead]!));
}

/** Whether two shapes are identical. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A complete kernel source: `function (args) { let i = this.thread.x; body }`. `body` must
 * `return` the element value.
 */
export function kernelSource(args: readonly string[], body: string): string {
  return `function (${args.join(', ')}) {\nlet i = this.thread.x;\n${body}}`;
}

/**
 * Prelude and flat input indices for an element-wise kernel whose inputs broadcast to
 * `outShape`: inputs of the output's own shape use `i` directly, the others get an index
 * expression over the output coordinates.
 */
export function broadcastIndices(shapes: readonly (readonly number[])[], outShape: readonly number[]): { code: string; indices: string[] } {
  // A broadcast input as large as the output repeats nothing: its flat layout is the output's.
  const direct = shapes.map((s) => sizeOf(s) === sizeOf(outShape));
  if (direct.every(Boolean)) return { code: '', indices: shapes.map(() => 'i') };
  const { code, coords } = unravel(outShape, 'i', 'c');
  const indices = shapes.map((s, k) => (direct[k] ? 'i' : linear(coords, broadcastStrides(s, outShape))));
  return { code, indices };
}
