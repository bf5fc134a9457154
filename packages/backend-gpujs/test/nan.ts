/**
 * NaN semantics of the backend kernels, with expectations derived by hand (where the NaNs must
 * be, and the values elsewhere): NaN propagates as in PyTorch and the CPU backend. relu(NaN)
 * and every unary function of NaN is NaN; maximum / minimum with a NaN operand are NaN; a
 * comparison with NaN is false, except `ne`, which is true; NaN casts to 1 as bool and to 0 as
 * int32; a max reduction over a NaN is NaN, argmax picks the first NaN; a max-pool window with a
 * NaN gives NaN and routes its gradient to its first NaN; softmax of a row with a NaN is NaN.
 *
 * GPU compilers are free to assume that NaN does not exist (GLSL ES and WGSL leave NaN
 * undefined, and Mesa, ANGLE and Tint all rewrite comparisons and min/max in ways that lose it),
 * so these checks run the backend's real kernels in every mode: headless-gl in Node, and
 * WebGL2, WebGL and WebGPU in headless Chromium (shared by the Node and browser suites, like
 * test/fused.ts). The CPU backend passes them too, which checks the expectations themselves.
 */
import type { Backend, BinaryOp, DataArray, DType, Pool2dParams, TensorInfo, UnaryOp } from '@profundo/core';

const N = NaN;

interface Input {
  values: readonly number[];
  shape: number[];
  dtype?: DType;
}

interface Check {
  name: string;
  inputs: Input[];
  out: { shape: number[]; dtype: DType };
  call: (be: Backend, xs: TensorInfo[]) => object;
  /** Expected values; NaN where the result must be NaN. */
  expected: readonly number[];
  /** Relative tolerance for the non-NaN values (0: exact). */
  rtol?: number;
}

const f = (values: readonly number[], shape: number[] = [values.length]): Input => ({ values, shape });

/** Functions of the contract's unary ops in float64 (NaN in, NaN out, as `Math` does). */
const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  relu: (x) => (x < 0 ? 0 : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  erf: (x) => (Number.isNaN(x) ? NaN : erf(x)),
  sin: Math.sin,
  cos: Math.cos,
};

/** erf to ~1e-7 (Abramowitz–Stegun 7.1.26 is enough for a 1e-4 check). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

function softmaxRow(row: readonly number[], log: boolean): number[] {
  if (row.some(Number.isNaN)) return row.map(() => NaN);
  const m = Math.max(...row);
  const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
  return row.map((v) => (log ? v - m - Math.log(s) : Math.exp(v - m) / s));
}

const POOL_X = [1, N, 3, 4, 5, 2, 0, 9, N, 1, 2, 3, 4, 5, 6, N];
const POOL_2: Pool2dParams = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] };
const POOL_PAD: Pool2dParams = { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1] };
// A NaN after a larger value in the window's scan order, and windows without NaN.
const POOL_LATE_X = [9, 1, 2, 8, N, 3, 1, 2, 3, 4, 5, 6];
const POOL_LATE: Pool2dParams = { kernelSize: [2, 2], stride: [1, 2], padding: [0, 0, 0, 0] };

const MAX_X = [N, 1, 2, 3, 1, N, 5, 2, 1, 2, 3, N, 4, 3, 2, 1];

function checks(): Check[] {
  const list: Check[] = [];
  // Unary ops: NaN stays NaN in every op (log and sqrt of a negative are NaN too).
  const u = [N, 0.5, 2, -1.5, N, 0];
  for (const op of Object.keys(UNARY) as UnaryOp[]) {
    list.push({
      name: `unary ${op}`,
      inputs: [f(u)],
      out: { shape: [u.length], dtype: 'float32' },
      call: (be, [x]) => be.unary(op, x!),
      expected: u.map(UNARY[op]),
      rtol: 1e-4,
    });
  }
  list.push({ name: 'unary relu: NaN stays, negatives go to 0', inputs: [f([N, -2, 0, 3, N])], out: { shape: [5], dtype: 'float32' }, call: (be, [x]) => be.unary('relu', x!), expected: [N, 0, 0, 3, N] });

  // NaN and infinities made from numbers outside an op's domain, as on the CPU.
  list.push({ name: 'unary log of 0 and of negatives', inputs: [f([0, -1.5, -0, 1])], out: { shape: [4], dtype: 'float32' }, call: (be, [x]) => be.unary('log', x!), expected: [-Infinity, N, -Infinity, 0] });
  list.push({ name: 'unary sqrt of negatives', inputs: [f([-1, -0.25, 4])], out: { shape: [3], dtype: 'float32' }, call: (be, [x]) => be.unary('sqrt', x!), expected: [N, N, 2] });
  list.push({ name: 'unary exp overflow', inputs: [f([100, -200])], out: { shape: [2], dtype: 'float32' }, call: (be, [x]) => be.unary('exp', x!), expected: [Infinity, 0] });
  list.push({ name: 'binary div by zero', inputs: [f([0, 1, -1, 2])], out: { shape: [4], dtype: 'float32' }, call: (be, [x]) => be.binary('div', x!, x!, [4]), expected: [N, 1, 1, 1] });
  list.push({ name: 'binary div of numbers by zero', inputs: [f([1, -1, 0]), f([0], [])], out: { shape: [3], dtype: 'float32' }, call: (be, [x, y]) => be.binary('div', x!, y!, [3]), expected: [Infinity, -Infinity, N] });
  list.push({ name: 'binary pow of a negative base to a fraction', inputs: [f([-8, -8, 8]), f([0.5, 2, 0.5])], out: { shape: [3], dtype: 'float32' }, call: (be, [x, y]) => be.binary('pow', x!, y!, [3]), expected: [N, 64, Math.sqrt(8)], rtol: 1e-6 });
  list.push({ name: 'binary pow of zero', inputs: [f([0, 0, 0]), f([0.5, 2, 0])], out: { shape: [3], dtype: 'float32' }, call: (be, [x, y]) => be.binary('pow', x!, y!, [3]), expected: [0, 0, 1] });

  // Binary ops, element by element and broadcast against a NaN or a number scalar.
  const a = [N, 1, 2, N, -1];
  const b = [1, N, 3, N, -2];
  const binary: [BinaryOp, (x: number, y: number) => number][] = [
    ['add', (x, y) => x + y],
    ['sub', (x, y) => x - y],
    ['mul', (x, y) => x * y],
    ['div', (x, y) => x / y],
    ['pow', Math.pow],
    ['maximum', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
    ['minimum', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
  ];
  for (const [op, fn] of binary) {
    list.push({ name: `binary ${op}`, inputs: [f(a), f(b)], out: { shape: [5], dtype: 'float32' }, call: (be, [x, y]) => be.binary(op, x!, y!, [5]), expected: a.map((x, i) => fn(x, b[i]!)), rtol: 1e-6 });
  }
  list.push({ name: 'binary pow: NaN ** 0 is 1', inputs: [f([N, 2]), f([0, 0])], out: { shape: [2], dtype: 'float32' }, call: (be, [x, y]) => be.binary('pow', x!, y!, [2]), expected: [1, 1] });
  list.push({ name: 'binary maximum with a NaN scalar', inputs: [f(a), f([N], [])], out: { shape: [5], dtype: 'float32' }, call: (be, [x, y]) => be.binary('maximum', x!, y!, [5]), expected: [N, N, N, N, N] });
  list.push({ name: 'binary maximum(0, x) (clamp)', inputs: [f([0], []), f(a)], out: { shape: [5], dtype: 'float32' }, call: (be, [x, y]) => be.binary('maximum', x!, y!, [5]), expected: [N, 1, 2, N, 0] });
  list.push({ name: 'binary minimum(x, 1) (clamp)', inputs: [f(a), f([1], [])], out: { shape: [5], dtype: 'float32' }, call: (be, [x, y]) => be.binary('minimum', x!, y!, [5]), expected: [N, 1, 1, N, -1] });
  const cmp: [BinaryOp, number[]][] = [
    ['eq', [0, 0, 0, 0, 0]],
    ['ne', [1, 1, 1, 1, 1]],
    ['lt', [0, 0, 1, 0, 0]],
    ['le', [0, 0, 1, 0, 0]],
    ['gt', [0, 0, 0, 0, 1]],
    ['ge', [0, 0, 0, 0, 1]],
  ];
  for (const [op, expected] of cmp) {
    list.push({ name: `compare ${op}`, inputs: [f(a), f(b)], out: { shape: [5], dtype: 'bool' }, call: (be, [x, y]) => be.binary(op, x!, y!, [5]), expected });
  }
  list.push({ name: 'compare eq / ne of equal numbers', inputs: [f([2, N]), f([2, N])], out: { shape: [2], dtype: 'bool' }, call: (be, [x, y]) => be.binary('ne', x!, y!, [2]), expected: [0, 1] });

  // Casts: NaN is non-zero (true) as bool, 0 as int32.
  list.push({ name: 'cast float32 → bool', inputs: [f([N, 0, 2, -0.5])], out: { shape: [4], dtype: 'bool' }, call: (be, [x]) => be.cast(x!, 'bool'), expected: [1, 0, 1, 1] });
  list.push({ name: 'cast float32 → int32', inputs: [f([N, -1.7, 2.5, 0])], out: { shape: [4], dtype: 'int32' }, call: (be, [x]) => be.cast(x!, 'int32'), expected: [0, -1, 2, 0] });

  // Max reductions: NaN first, in the middle, last; along each axis and over everything.
  list.push({ name: 'reduce max along the last axis', inputs: [f(MAX_X, [4, 4])], out: { shape: [4], dtype: 'float32' }, call: (be, [x]) => be.reduce('max', x!, [1]), expected: [N, N, N, 4] });
  list.push({ name: 'reduce max along the first axis', inputs: [f(MAX_X, [4, 4])], out: { shape: [4], dtype: 'float32' }, call: (be, [x]) => be.reduce('max', x!, [0]), expected: [N, N, 5, N] });
  list.push({ name: 'reduce max over everything', inputs: [f(MAX_X, [4, 4])], out: { shape: [], dtype: 'float32' }, call: (be, [x]) => be.reduce('max', x!, [0, 1]), expected: [N] });
  list.push({ name: 'reduce max of rows without NaN', inputs: [f([-3, -1, -2, 7, 7, 1], [2, 3])], out: { shape: [2], dtype: 'float32' }, call: (be, [x]) => be.reduce('max', x!, [1]), expected: [-1, 7] });
  // Long rows run in stages (chunks of 1,024): the NaN must survive them.
  const long = Array.from({ length: 2 * 5000 }, (_, i) => i % 7);
  long[4999] = N; // last element of row 0
  long[5000 + 2100] = N; // middle of a chunk of row 1
  long[5000 + 3000] = 100; // after it, a larger value
  list.push({ name: 'reduce max of long rows (staged)', inputs: [f(long, [2, 5000])], out: { shape: [2], dtype: 'float32' }, call: (be, [x]) => be.reduce('max', x!, [1]), expected: [N, N] });
  const longOk = Array.from({ length: 6000 }, (_, i) => (i * 7919) % 6007);
  list.push({ name: 'reduce max of a long row without NaN (staged)', inputs: [f(longOk, [6000])], out: { shape: [], dtype: 'float32' }, call: (be, [x]) => be.reduce('max', x!, [0]), expected: [Math.max(...longOk)] });
  list.push({ name: 'reduce sum with a NaN', inputs: [f([1, N, 2, 3, 4, 5], [2, 3])], out: { shape: [2], dtype: 'float32' }, call: (be, [x]) => be.reduce('sum', x!, [1]), expected: [N, 12] });

  // argmax: the first NaN wins; otherwise the first maximum.
  list.push({ name: 'argmax along the last axis', inputs: [f(MAX_X, [4, 4])], out: { shape: [4], dtype: 'int32' }, call: (be, [x]) => be.argmax(x!, 1), expected: [0, 1, 3, 0] });
  list.push({ name: 'argmax along the first axis', inputs: [f(MAX_X, [4, 4])], out: { shape: [4], dtype: 'int32' }, call: (be, [x]) => be.argmax(x!, 0), expected: [0, 1, 1, 2] });
  list.push({ name: 'argmax of rows with several NaNs, and all NaN', inputs: [f([2, N, N, 9, N, N, N, N, 5, 5, 1, 5], [3, 4])], out: { shape: [3], dtype: 'int32' }, call: (be, [x]) => be.argmax(x!, 1), expected: [1, 0, 0] });

  // Max pooling and its gradient (fused kernels).
  list.push({ name: 'maxPool2d 2×2 windows', inputs: [f(POOL_X, [1, 1, 4, 4])], out: { shape: [1, 1, 2, 2], dtype: 'float32' }, call: (be, [x]) => be.fused!.maxPool2d!(x!, POOL_2), expected: [N, 9, N, N] });
  list.push({
    name: 'maxPool2dBackprop 2×2 windows: each dy goes to its window\'s first NaN',
    inputs: [f([10, 20, 30, 40], [1, 1, 2, 2]), f(POOL_X, [1, 1, 4, 4])],
    out: { shape: [1, 1, 4, 4], dtype: 'float32' },
    call: (be, [g, x]) => be.fused!.maxPool2dBackprop!(g!, x!, POOL_2),
    expected: [0, 10, 0, 0, 0, 0, 0, 20, 30, 0, 0, 0, 0, 0, 0, 40],
  });
  list.push({ name: 'maxPool2d 3×3 padded windows around a NaN', inputs: [f([1, 2, 3, 4, N, 6, 7, 8, 9], [1, 1, 3, 3])], out: { shape: [1, 1, 3, 3], dtype: 'float32' }, call: (be, [x]) => be.fused!.maxPool2d!(x!, POOL_PAD), expected: [N, N, N, N, N, N, N, N, N] });
  list.push({
    name: 'maxPool2dBackprop 3×3 padded windows: all to the NaN',
    inputs: [f([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]), f([1, 2, 3, 4, N, 6, 7, 8, 9], [1, 1, 3, 3])],
    out: { shape: [1, 1, 3, 3], dtype: 'float32' },
    call: (be, [g, x]) => be.fused!.maxPool2dBackprop!(g!, x!, POOL_PAD),
    expected: [0, 0, 0, 0, 45, 0, 0, 0, 0],
  });
  list.push({ name: 'maxPool2d: a NaN after the maximum still wins', inputs: [f(POOL_LATE_X, [1, 1, 3, 4])], out: { shape: [1, 1, 2, 2], dtype: 'float32' }, call: (be, [x]) => be.fused!.maxPool2d!(x!, POOL_LATE), expected: [N, 8, N, 6] });
  list.push({
    name: 'maxPool2dBackprop: a NaN after the maximum takes the gradient',
    inputs: [f([1, 2, 3, 4], [1, 1, 2, 2]), f(POOL_LATE_X, [1, 1, 3, 4])],
    out: { shape: [1, 1, 3, 4], dtype: 'float32' },
    call: (be, [g, x]) => be.fused!.maxPool2dBackprop!(g!, x!, POOL_LATE),
    // Windows (0,0) and (1,0) share their first NaN (index 4); (0,1) peaks at index 3, (1,1) at 11.
    expected: [0, 0, 0, 2, 4, 0, 0, 0, 0, 0, 0, 4],
  });
  list.push({ name: 'avgPool2d with a NaN', inputs: [f(POOL_X, [1, 1, 4, 4])], out: { shape: [1, 1, 2, 2], dtype: 'float32' }, call: (be, [x]) => be.fused!.avgPool2d!(x!, POOL_2, true), expected: [N, 4, N, N] });

  // Softmax: a row with a NaN is NaN throughout; other rows are untouched. Rows of 4 take the
  // one-pass kernel; rows of 20 the two-pass one (row statistics, then elements), with a NaN
  // early, late or alone, +Infinity (Inf − Inf is NaN), -Infinity (weight 0) and a plain row.
  const shortRows = [
    [1, N, 2, 3],
    [1, 2, 3, 4],
    [N, N, N, N],
    [4, 3, 2, N],
  ];
  const longRows = [
    Array.from({ length: 20 }, (_, j) => (j === 1 ? N : j / 7 - 1)),
    Array.from({ length: 20 }, (_, j) => (j === 19 ? N : Math.sin(j))),
    Array.from({ length: 20 }, (_, j) => (j === 5 ? Infinity : j / 3)),
    Array.from({ length: 20 }, (_, j) => (j % 3 === 0 ? -Infinity : 2 - j / 5)),
    Array.from({ length: 20 }, (_, j) => Math.cos(j) * 4),
  ];
  for (const [rows, tag] of [[shortRows, ''], [longRows, ', rows of 20']] as const) {
    const shape = [rows.length, rows[0]!.length];
    for (const log of [false, true]) {
      list.push({
        name: `${log ? 'fused logSoftmax' : 'fused softmax'}${tag}`,
        inputs: [f(rows.flat(), shape)],
        out: { shape, dtype: 'float32' },
        call: (be, [x]) => (log ? be.fused!.logSoftmax!(x!) : be.fused!.softmax!(x!)),
        expected: rows.flatMap((r) => softmaxRow(r, log)),
        rtol: 1e-5,
      });
    }
  }
  // matmul: NaN · 0 is NaN.
  list.push({ name: 'matmul with a NaN times 0', inputs: [f([N, 1, 1, 1], [1, 2, 2]), f([0, 1, 1, 1], [1, 2, 2])], out: { shape: [1, 2, 2], dtype: 'float32' }, call: (be, [x, y]) => be.matmul(x!, y!, false, false), expected: [N, N, 1, 2] });
  return list;
}

async function run(be: Backend, c: Check): Promise<DataArray> {
  const xs = c.inputs.map((i) => {
    const dtype = i.dtype ?? 'float32';
    return { handle: be.write(Float32Array.from(i.values), i.shape, dtype), shape: i.shape, dtype };
  });
  try {
    const h = c.call(be, xs);
    const r = await be.read({ handle: h, ...c.out });
    be.dispose(h);
    return r;
  } finally {
    for (const t of xs) be.dispose(t.handle);
  }
}

/** Runs every check on `be`; resolves to one message per failed check (empty when all pass). */
export async function nanMismatches(be: Backend): Promise<string[]> {
  const failures: string[] = [];
  for (const c of checks()) {
    let got: DataArray;
    try {
      got = await run(be, c);
    } catch (e) {
      failures.push(`${c.name}: threw ${(e as Error).message}`);
      continue;
    }
    const bad = c.expected.findIndex((e, i) => {
      const g = got[i]!;
      if (Number.isNaN(e)) return !Number.isNaN(g);
      if (!Number.isFinite(e)) return g !== e;
      return !(Math.abs(g - e) <= (c.rtol ?? 0) * Math.max(1, Math.abs(e)));
    });
    if (got.length !== c.expected.length || bad >= 0) {
      failures.push(`${c.name}: got [${Array.from(got).join(', ')}], expected [${c.expected.map(String).join(', ')}]`);
    }
  }
  return failures;
}

/** The number of checks (so a suite can show it ran them). */
export function nanCheckCount(): number {
  return checks().length;
}
