/**
 * The training chart: the loss of each step (faint), its moving average, and the test accuracy
 * measured along the way (dots, right-hand axis), drawn as SVG.
 */
const W = 640;
const H = 260;
const PAD = { left: 44, right: 48, top: 28, bottom: 30 };
const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Nice round tick values covering [0, max]. */
function ticks(max: number, count: number): number[] {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

export class LossChart {
  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.draw([], [], 100);
  }

  /** Redraws for `losses` (one per step), `accuracy` points, and an x range of `totalSteps`. */
  draw(losses: readonly number[], accuracy: readonly { step: number; value: number }[], totalSteps: number): void {
    const { svg } = this;
    svg.replaceChildren();
    const iw = W - PAD.left - PAD.right;
    const ih = H - PAD.top - PAD.bottom;
    const xMax = Math.max(totalSteps, losses.length, 1);
    const yMax = Math.max(2.5, ...losses.slice(0, 5).filter(Number.isFinite));
    const x = (s: number) => PAD.left + (s / xMax) * iw;
    const y = (l: number) => PAD.top + ih - (Math.min(l, yMax) / yMax) * ih;
    const ya = (a: number) => PAD.top + ih - a * ih;

    for (const t of ticks(yMax, 5)) {
      svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t), class: 'grid' }));
      svg.append(el('text', { x: PAD.left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, String(t)));
    }
    for (const t of ticks(xMax, 6)) {
      svg.append(el('text', { x: x(t), y: H - PAD.bottom + 16, class: 'tick', 'text-anchor': 'middle' }, String(t)));
    }
    for (const a of [0, 0.5, 1]) {
      svg.append(el('text', { x: W - PAD.right + 6, y: ya(a) + 4, class: 'tick acc' }, `${a * 100}%`));
    }
    svg.append(el('text', { x: PAD.left, y: H - 4, class: 'axis' }, 'step'));
    svg.append(el('text', { x: 4, y: 12, class: 'axis' }, 'loss'));
    svg.append(el('text', { x: W - 4, y: 12, class: 'axis acc', 'text-anchor': 'end' }, 'test accuracy'));

    if (losses.length) {
      const raw = losses.map((l, i) => `${x(i + 1).toFixed(1)},${y(l).toFixed(1)}`).join(' ');
      svg.append(el('polyline', { points: raw, class: 'loss-raw' }));
      let avg = losses[0]!;
      const smooth = losses.map((l, i) => {
        avg = i === 0 ? l : 0.9 * avg + 0.1 * l;
        return `${x(i + 1).toFixed(1)},${y(avg).toFixed(1)}`;
      });
      svg.append(el('polyline', { points: smooth.join(' '), class: 'loss' }));
    }
    if (accuracy.length) {
      svg.append(el('polyline', { points: accuracy.map((a) => `${x(a.step).toFixed(1)},${ya(a.value).toFixed(1)}`).join(' '), class: 'acc-line' }));
      for (const a of accuracy) svg.append(el('circle', { cx: x(a.step), cy: ya(a.value), r: 3.5, class: 'acc-dot' }));
    }
  }
}
