// Element-wise float32 kernels, four lanes at a time. Each processes one row of n elements
// where an operand's stride is 1 (a run) or 0 (one value repeated, i.e. broadcast); the caller
// walks rows for higher-rank broadcasting. IEEE float32 arithmetic here rounds exactly as
// JavaScript's double arithmetic does once stored to a Float32Array, and wasm's min / max
// propagate NaN like Math.min / Math.max, so these kernels match the TypeScript path bit for bit.

// Binary ops, by the index the caller passes.
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5;
// Comparisons.
const EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5;
// Unary ops.
const NEG = 0, ABS = 1, RELU = 2, SQRT = 3;

@inline function vop(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
    default: return f32x4.min(a, b);
  }
}

@inline function sop(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case MAX: return max(a, b);
    default: return min(a, b);
  }
}

@inline function binaryLoop(op: i32, a: usize, as: usize, b: usize, bs: usize, out: usize, n: i32): void {
  let i = 0;
  const va = f32x4.splat(load<f32>(a)), vb = f32x4.splat(load<f32>(b));
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const x = as ? v128.load(a + o) : va;
    const y = bs ? v128.load(b + o) : vb;
    v128.store(out + o, vop(op, x, y));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sop(op, load<f32>(a + (as ? o : 0)), load<f32>(b + (bs ? o : 0))));
  }
}

/** `out[i] = a[i·as] op b[i·bs]` for i < n, strides 0 or 1. */
export function binaryF32(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  if (n <= 0) return;
  // One specialised loop per op and stride pattern, so the inner loops carry no branches.
  switch (op) {
    case ADD: if (as && bs) binaryLoop(ADD, a, 1, b, 1, out, n); else if (as) binaryLoop(ADD, a, 1, b, 0, out, n); else binaryLoop(ADD, a, 0, b, 1, out, n); break;
    case SUB: if (as && bs) binaryLoop(SUB, a, 1, b, 1, out, n); else if (as) binaryLoop(SUB, a, 1, b, 0, out, n); else binaryLoop(SUB, a, 0, b, 1, out, n); break;
    case MUL: if (as && bs) binaryLoop(MUL, a, 1, b, 1, out, n); else if (as) binaryLoop(MUL, a, 1, b, 0, out, n); else binaryLoop(MUL, a, 0, b, 1, out, n); break;
    case DIV: if (as && bs) binaryLoop(DIV, a, 1, b, 1, out, n); else if (as) binaryLoop(DIV, a, 1, b, 0, out, n); else binaryLoop(DIV, a, 0, b, 1, out, n); break;
    case MAX: if (as && bs) binaryLoop(MAX, a, 1, b, 1, out, n); else if (as) binaryLoop(MAX, a, 1, b, 0, out, n); else binaryLoop(MAX, a, 0, b, 1, out, n); break;
    default: if (as && bs) binaryLoop(MIN, a, 1, b, 1, out, n); else if (as) binaryLoop(MIN, a, 1, b, 0, out, n); else binaryLoop(MIN, a, 0, b, 1, out, n); break;
  }
}

@inline function vcmp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case EQ: return f32x4.eq(a, b);
    case NE: return f32x4.ne(a, b);
    case LT: return f32x4.lt(a, b);
    case LE: return f32x4.le(a, b);
    case GT: return f32x4.gt(a, b);
    default: return f32x4.ge(a, b);
  }
}

@inline function scmp(op: i32, a: f32, b: f32): bool {
  switch (op) {
    case EQ: return a == b;
    case NE: return a != b;
    case LT: return a < b;
    case LE: return a <= b;
    case GT: return a > b;
    default: return a >= b;
  }
}

@inline function compareLoop(op: i32, a: usize, as: usize, b: usize, bs: usize, out: usize, n: i32): void {
  let i = 0;
  const va = f32x4.splat(load<f32>(a)), vb = f32x4.splat(load<f32>(b));
  const one = i8x16.splat(1);
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    // Four lane masks (all ones / all zeros) narrow with saturation to bytes of -1 / 0.
    const m0 = vcmp(op, as ? v128.load(a + o) : va, bs ? v128.load(b + o) : vb);
    const m1 = vcmp(op, as ? v128.load(a + o, 16) : va, bs ? v128.load(b + o, 16) : vb);
    const m2 = vcmp(op, as ? v128.load(a + o, 32) : va, bs ? v128.load(b + o, 32) : vb);
    const m3 = vcmp(op, as ? v128.load(a + o, 48) : va, bs ? v128.load(b + o, 48) : vb);
    const lo = i16x8.narrow_i32x4_s(m0, m1);
    const hi = i16x8.narrow_i32x4_s(m2, m3);
    v128.store(out + <usize>i, v128.and(i8x16.narrow_i16x8_s(lo, hi), one));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<u8>(out + <usize>i, scmp(op, load<f32>(a + (as ? o : 0)), load<f32>(b + (bs ? o : 0))) ? 1 : 0);
  }
}

/** `out[i] = a[i·as] cmp b[i·bs] ? 1 : 0` (bytes) for i < n, strides 0 or 1. */
export function compareF32(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  if (n <= 0) return;
  switch (op) {
    case EQ: if (as && bs) compareLoop(EQ, a, 1, b, 1, out, n); else if (as) compareLoop(EQ, a, 1, b, 0, out, n); else compareLoop(EQ, a, 0, b, 1, out, n); break;
    case NE: if (as && bs) compareLoop(NE, a, 1, b, 1, out, n); else if (as) compareLoop(NE, a, 1, b, 0, out, n); else compareLoop(NE, a, 0, b, 1, out, n); break;
    case LT: if (as && bs) compareLoop(LT, a, 1, b, 1, out, n); else if (as) compareLoop(LT, a, 1, b, 0, out, n); else compareLoop(LT, a, 0, b, 1, out, n); break;
    case LE: if (as && bs) compareLoop(LE, a, 1, b, 1, out, n); else if (as) compareLoop(LE, a, 1, b, 0, out, n); else compareLoop(LE, a, 0, b, 1, out, n); break;
    case GT: if (as && bs) compareLoop(GT, a, 1, b, 1, out, n); else if (as) compareLoop(GT, a, 1, b, 0, out, n); else compareLoop(GT, a, 0, b, 1, out, n); break;
    default: if (as && bs) compareLoop(GE, a, 1, b, 1, out, n); else if (as) compareLoop(GE, a, 1, b, 0, out, n); else compareLoop(GE, a, 0, b, 1, out, n); break;
  }
}

@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    let r: v128;
    switch (op) {
      case NEG: r = f32x4.neg(v); break;
      case ABS: r = f32x4.abs(v); break;
      // `v < 0 ? 0 : v`: NaN and -0 pass through, as on the TypeScript path.
      case RELU: r = v128.bitselect(zero, v, f32x4.lt(v, zero)); break;
      default: r = f32x4.sqrt(v); break;
    }
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let r: f32;
    switch (op) {
      case NEG: r = -v; break;
      case ABS: r = abs(v); break;
      case RELU: r = v < 0 ? 0 : v; break;
      default: r = sqrt(v); break;
    }
    store<f32>(out + o, r);
  }
}

/** `out[i] = op(x[i])` for i < n: neg, abs, relu, sqrt. */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case ABS: unaryLoop(ABS, x, out, n); break;
    case RELU: unaryLoop(RELU, x, out, n); break;
    default: unaryLoop(SQRT, x, out, n); break;
  }
}

/** Bytes (0 / 1) to float32. */
export function boolToF32(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load32_zero(x + <usize>i);
    v128.store(out + (<usize>i << 2), f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v))));
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(x + <usize>i));
}
