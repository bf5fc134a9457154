/**
 * The drawing pad, and turning what was drawn into an MNIST-like image: the digit's bounding
 * box scaled (by area averaging) to fit 20 × 20, placed in a 28 × 28 frame with its centre of
 * mass at the centre, as the MNIST digits were made.
 */

/** A canvas the visitor draws on with a mouse, pen or finger (white on black). */
export class DrawingPad {
  private drawing = false;
  private last: [number, number] | null = null;
  private readonly ctx: CanvasRenderingContext2D;
  /** Whether anything was drawn since the last clear. */
  dirty = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: (final: boolean) => void,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.point(e);
      this.line(this.last, this.last);
      this.onChange(false);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      const p = this.point(e);
      this.line(this.last ?? p, p);
      this.last = p;
      this.onChange(false);
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      this.onChange(true);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * this.canvas.width, ((e.clientY - r.top) / r.height) * this.canvas.height];
  }

  private line(a: [number, number], b: [number, number]): void {
    const { ctx } = this;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    this.dirty = true;
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.dirty = false;
  }

  /** The drawing as a 28 × 28 image in [0, 1] (row-major), or null if the pad is empty. */
  toMnist(): Float32Array | null {
    const { width: w, height: h } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, w, h).data;
    const ink = new Float32Array(w * h);
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = rgba[(y * w + x) * 4]! / 255;
        ink[y * w + x] = v;
        if (v > 0.05) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    return centre(scaleBox(ink, w, h, x0, y0, x1 - x0 + 1, y1 - y0 + 1, 20));
  }
}

/**
 * The box (x0, y0, bw, bh) of `ink` (w × h) scaled so its longer side is `size` pixels, centred
 * in a `size` × `size` square; each output pixel is the mean of the input pixels it covers.
 */
function scaleBox(ink: Float32Array, w: number, h: number, x0: number, y0: number, bw: number, bh: number, size: number): Float32Array {
  const side = Math.max(bw, bh);
  const ox = x0 - (side - bw) / 2;
  const oy = y0 - (side - bh) / 2;
  const out = new Float32Array(size * size);
  const step = side / size;
  for (let ty = 0; ty < size; ty++) {
    for (let tx = 0; tx < size; tx++) {
      const sx0 = Math.floor(ox + tx * step);
      const sx1 = Math.max(sx0 + 1, Math.floor(ox + (tx + 1) * step));
      const sy0 = Math.floor(oy + ty * step);
      const sy1 = Math.max(sy0 + 1, Math.floor(oy + (ty + 1) * step));
      let sum = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        if (sy < 0 || sy >= h) continue;
        for (let sx = sx0; sx < sx1; sx++) if (sx >= 0 && sx < w) sum += ink[sy * w + sx]!;
      }
      out[ty * size + tx] = sum / ((sx1 - sx0) * (sy1 - sy0));
    }
  }
  return out;
}

/** A `size` × `size` image placed in 28 × 28 with its centre of mass at the centre (14, 14). */
function centre(img: Float32Array): Float32Array {
  const size = Math.sqrt(img.length);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = img[y * size + x]!;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const clampShift = (s: number) => Math.max(0, Math.min(28 - size, s));
  const dx = clampShift(Math.round(14 - mx / mass));
  const dy = clampShift(Math.round(14 - my / mass));
  const out = new Float32Array(28 * 28);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[(y + dy) * 28 + x + dx] = Math.min(1, img[y * size + x]!);
  return out;
}

/** Paints a 28 × 28 image in [0, 1] onto a 28 × 28 canvas. */
export function paint(canvas: HTMLCanvasElement, image: Float32Array | null): void {
  const ctx = canvas.getContext('2d')!;
  const data = ctx.createImageData(28, 28);
  for (let i = 0; i < 28 * 28; i++) {
    const v = Math.round((image?.[i] ?? 0) * 255);
    data.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(data, 0, 0);
}
