// Max pooling over NCHW planes, forward and backward from one window scan: the backward adds
// each output gradient at the position of its window's first maximum (rows, then columns), so
// the gradient goes exactly where the forward value came from. The window is clipped to the
// input (padding never wins); a NaN wins and stays, as in PyTorch.

/**
 * Planes lo..hi of `x` ([planes, h, w]) pooled to [planes, oh, ow]. `back` = 0: out[o] = max;
 * `back` = 1: dx[argmax] += dy[o] (`out` is dx, zeroed by the caller; `dy` the output gradient).
 */
export function maxPool(
  x: usize, out: usize, dy: usize, lo: i32, hi: i32,
  h: i32, w: i32, oh: i32, ow: i32, kH: i32, kW: i32, sH: i32, sW: i32, top: i32, left: i32, back: i32,
): void {
  let o = <usize>lo * oh * ow;
  for (let c = lo; c < hi; c++) {
    const base = <usize>c * h * w;
    for (let i = 0; i < oh; i++) {
      const h0 = i * sH - top;
      const hs = max(h0, 0);
      const he = min(h0 + kH, h);
      for (let j = 0; j < ow; j++, o++) {
        const w0 = j * sW - left;
        const ws = max(w0, 0);
        const we = min(w0 + kW, w);
        let best = base + <usize>(hs * w + ws);
        let m = load<f32>(x + (best << 2));
        for (let r = hs; r < he && m == m; r++) {
          const row = base + <usize>(r * w);
          for (let q = ws; q < we; q++) {
            const v = load<f32>(x + ((row + <usize>q) << 2));
            if (v > m || v != v) {
              m = v;
              best = row + <usize>q;
              if (v != v) break;
            }
          }
        }
        if (back) {
          const at = out + (best << 2);
          store<f32>(at, load<f32>(at) + load<f32>(dy + (o << 2)));
        } else {
          store<f32>(out + (o << 2), m);
        }
      }
    }
  }
}
