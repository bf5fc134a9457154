// Float32 sums accumulated in float64, for reductions: the TypeScript path accumulates in
// float64 too, so sums of float32 lose nothing to rounding before the final store.

/** Σ x[0..n) in float64 (four partial sums, added in a fixed order). */
export function sumRun(x: usize, n: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    a = f64x2.add(a, f64x2.promote_low_f32x4(v));
    b = f64x2.add(b, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
  }
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(b, 0) + (f64x2.extract_lane(a, 1) + f64x2.extract_lane(b, 1));
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** acc[j] += x[j] for j < n: acc float64, x float32. */
export function addRun(acc: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const p = acc + (<usize>i << 3);
    v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v)));
    v128.store(p, f64x2.add(v128.load(p, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), 16);
  }
  for (; i < n; i++) {
    const p = acc + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(x + (<usize>i << 2)));
  }
}
