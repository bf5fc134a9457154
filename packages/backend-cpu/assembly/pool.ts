// Max pooling over NCHW planes, forward and backward from one window scan: the backward adds
// each output gradient at the position of its window's first maximum (rows, then columns), so
// the gradient goes exactly where the forward value came from. The window is clipped to the
// input (padding never wins); a NaN wins and stays, as in PyTorch.
//
// Which element wins is data-dependent, and V8 compiles float selects and f32.max to branches
// that mispredict about half the time on real activations (~20 ns a window measured). So the
// scan is branch-free: windows lying wholly inside the input go four outputs at a time with
// SIMD masks; the rest use integer selects (cmov) on the float bits.

/** Four inputs at x[at], x[at + s], x[at + 2s], x[at + 3s] (element indices). */
@inline function gather4(x: usize, at: usize, s: i32): v128 {
  const p = x + (at << 2);
  if (s == 1) return v128.load(p);
  if (s == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  const sb = <usize>s << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + sb));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * sb));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * sb));
}

/**
 * Planes lo..hi of `x` ([planes, h, w]) pooled to [planes, oh, ow]. `back` = 0: out[o] = max;
 * `back` = 1: dx[argmax] += dy[o] (`out` is dx, zeroed by the caller; `dy` the output gradient).
 */
export function maxPool(
  x: usize, out: usize, dy: usize, lo: i32, hi: i32,
  h: i32, w: i32, oh: i32, ow: i32, kH: i32, kW: i32, sH: i32, sW: i32, top: i32, left: i32, back: i32,
): void {
  // Output columns whose windows lie wholly inside a row: j·sW - left >= 0 and + kW <= w.
  const jA = min(ow, (left + sW - 1) / sW);
  const jB = max(jA, min(ow, w + left - kW >= 0 ? (w + left - kW) / sW + 1 : 0));
  const lanes = i32x4(0, sW, 2 * sW, 3 * sW);
  let o = <usize>lo * oh * ow;
  for (let c = lo; c < hi; c++) {
    const base = <usize>c * h * w;
    for (let i = 0; i < oh; i++) {
      const h0 = i * sH - top;
      const hs = max(h0, 0);
      const he = min(h0 + kH, h);
      const inside = h0 >= 0 && h0 + kH <= h;
      let j = 0;
      while (j < ow) {
        if (inside && j >= jA && j + 4 <= jB) {
          const first = base + <usize>(hs * w + j * sW - left);
          let m = gather4(x, first, sW);
          let best = i32x4.add(i32x4.splat(<i32>first), lanes);
          for (let r = hs; r < he; r++) {
            const row = base + <usize>(r * w + j * sW - left);
            for (let q = 0; q < kW; q++) {
              const at = row + <usize>q;
              const v = gather4(x, at, sW);
              const take = v128.or(f32x4.gt(v, m), v128.and(f32x4.ne(v, v), f32x4.eq(m, m)));
              m = v128.bitselect(v, m, take);
              best = v128.bitselect(i32x4.add(i32x4.splat(<i32>at), lanes), best, take);
            }
          }
          if (back) {
            const g = dy + (o << 2);
            let at = out + (<usize>i32x4.extract_lane(best, 0) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(g));
            at = out + (<usize>i32x4.extract_lane(best, 1) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(g, 4));
            at = out + (<usize>i32x4.extract_lane(best, 2) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(g, 8));
            at = out + (<usize>i32x4.extract_lane(best, 3) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(g, 12));
          } else {
            v128.store(out + (o << 2), m);
          }
          j += 4;
          o += 4;
          continue;
        }
        const w0 = j * sW - left;
        const ws = max(w0, 0);
        const we = min(w0 + kW, w);
        let best = <i32>(base + <usize>(hs * w + ws));
        let mb = load<i32>(x + (<usize>best << 2));
        for (let r = hs; r < he; r++) {
          const row = <i32>(base + <usize>(r * w));
          for (let q = ws; q < we; q++) {
            const at = row + q;
            const vb = load<i32>(x + (<usize>at << 2));
            const v = reinterpret<f32>(vb), m = reinterpret<f32>(mb);
            const take = <i32>(v > m) | (<i32>(v != v) & <i32>(m == m));
            mb = select<i32>(vb, mb, take);
            best = select<i32>(at, best, take);
          }
        }
        if (back) {
          const at = out + (<usize>best << 2);
          store<f32>(at, load<f32>(at) + load<f32>(dy + (o << 2)));
        } else {
          store<i32>(out + (o << 2), mb);
        }
        j++;
        o++;
      }
    }
  }
}
