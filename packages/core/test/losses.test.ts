/**
 * The losses against PyTorch's formulas written out in float64 here (a second, loop-based
 * implementation of each rule: weighted means, ignored targets, label smoothing, `[N, C, d]`
 * layouts, probability targets, `posWeight`, smooth L1 / Huber, `kl_div`), gradients by
 * `gradcheck`, and the nn module classes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, nn, randn, rand, tensor, type Tensor } from '@profundo/core';
import { gradcheck } from '@profundo/core/testing';
import { useReference } from './setup.js';

beforeAll(useReference);

const i32 = (values: number[], shape?: number[]) => tensor(Int32Array.from(values), { shape: shape ?? [values.length], dtype: 'int32' });
const close = (t: Tensor, expected: number | number[], digits = 5) => {
  const got = Array.from(t.dataSync());
  const want = typeof expected === 'number' ? [expected] : expected;
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => (Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(want[i]!, digits)));
};

/** log-softmax of each row of `x` (float64). */
function logSoftmaxRows(x: number[][]): number[][] {
  return x.map((row) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  });
}

/** PyTorch's cross_entropy with class-index targets, rows [M, C], as loops. */
function refCE(logp: number[][], target: number[], o: { weight?: number[]; ignoreIndex?: number; ls?: number; reduction?: string }) {
  const c = logp[0]?.length ?? 0;
  const w = o.weight ?? new Array(c).fill(1);
  const ii = o.ignoreIndex ?? -100;
  const ls = o.ls ?? 0;
  const per: number[] = [];
  let wsum = 0;
  target.forEach((t, m) => {
    if (t === ii) { per.push(0); return; }
    const nll = -w[t]! * logp[m]![t]!;
    const smooth = -logp[m]!.reduce((s, v, k) => s + w[k]! * v, 0);
    per.push((1 - ls) * nll + (ls / c) * smooth);
    wsum += w[t]!;
  });
  const total = per.reduce((a, b) => a + b, 0);
  return o.reduction === 'none' ? per : o.reduction === 'sum' ? [total] : [total / wsum];
}

/** Rows of a flat [N, C, D] array as [N·D, C] (class dim last), as PyTorch's layout implies. */
function rowsNCD(flat: ArrayLike<number>, n: number, c: number, d: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) rows.push(Array.from({ length: c }, (_, k) => flat[(i * c + k) * d + j]!));
  return rows;
}

describe('crossEntropy and nllLoss', () => {
  const logits = [[1.5, -0.3, 0.2, 2.0], [0.1, 0.4, -1.2, 0.0], [-0.5, 1.1, 0.9, 0.3], [2.2, -1.0, 0.6, -0.4], [0.0, 0.0, 0.0, 0.0]];
  const target = [3, 1, -100, 0, 2];
  const weight = [0.5, 2, 1, 3];
  const lp = logSoftmaxRows(logits);

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    for (const ls of [0, 0.25]) {
      for (const weighted of [false, true]) {
        it(`index targets: reduction ${reduction}, labelSmoothing ${ls}, ${weighted ? 'weighted' : 'unweighted'}, one target ignored`, () => {
          const opts = { reduction, labelSmoothing: ls, ...(weighted ? { weight: tensor(weight) } : {}) };
          const want = refCE(lp, target, { reduction, ls, ...(weighted ? { weight } : {}) });
          close(nn.crossEntropy(tensor(logits), i32(target), opts), want);
          if (ls === 0) close(nn.nllLoss(tensor(lp), i32(target), { reduction, ...(weighted ? { weight: tensor(weight) } : {}) }), want);
        });
      }
    }
  }

  it('the weighted mean divides by the summed weights of the targets kept, not their count', () => {
    // Two targets of classes 1 (weight 3) and 0 (weight 1): (3·a + 1·b) / 4.
    const lp2 = tensor([[Math.log(0.25), Math.log(0.75)], [Math.log(0.5), Math.log(0.5)]]);
    close(nn.nllLoss(lp2, i32([1, 0]), { weight: tensor([1, 3]) }), (3 * -Math.log(0.75) + -Math.log(0.5)) / 4);
  });

  it('a custom ignoreIndex inside the class range is ignored; every target ignored gives NaN for mean, 0 for sum', () => {
    close(nn.crossEntropy(tensor(logits), i32([3, 1, 1, 0, 2]), { ignoreIndex: 1 }), refCE(lp, [3, 1, 1, 0, 2], { ignoreIndex: 1 }));
    close(nn.crossEntropy(tensor(logits.slice(0, 2)), i32([-100, -100])), NaN);
    close(nn.crossEntropy(tensor(logits.slice(0, 2)), i32([-100, -100]), { reduction: 'sum' }), 0);
  });

  it('labelSmoothing 1 is the uniform target: the mean of -logp over the classes', () => {
    const want = lp[0]!.reduce((s, v) => s - v, 0) / 4;
    close(nn.crossEntropy(tensor([logits[0]!]), i32([3]), { labelSmoothing: 1 }), want);
  });

  it('[N, C, d] inputs with [N, d] targets match the per-position rows, reduction none keeps [N, d]', () => {
    manualSeed(3);
    const x = randn([2, 3, 4]);
    const t = [0, 2, -100, 1, 1, 1, 0, 2];
    const rows = logSoftmaxRows(rowsNCD(x.dataSync(), 2, 3, 4));
    const w = [1, 0.5, 2];
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const got = nn.crossEntropy(x, i32(t, [2, 4]), { reduction, weight: tensor(w), labelSmoothing: 0.1 });
      if (reduction === 'none') expect(got.shape).toEqual([2, 4]);
      close(got, refCE(rows, t, { reduction, weight: w, ls: 0.1 }));
    }
    // [N, C, d1, d2] too.
    const x4 = randn([2, 3, 2, 2]);
    const rows4 = logSoftmaxRows(rowsNCD(x4.dataSync(), 2, 3, 4));
    close(nn.crossEntropy(x4, i32(t, [2, 2, 2])), refCE(rows4, t, {}));
  });

  it('an unbatched [C] input with a scalar target', () => {
    const got = nn.crossEntropy(tensor(logits[0]!), tensor(3, { dtype: 'int32' }), { reduction: 'none' });
    expect(got.shape).toEqual([]);
    close(got, -lp[0]![3]!);
    close(nn.nllLoss(tensor(lp[1]!), tensor(1, { dtype: 'int32' })), -lp[1]![1]!);
  });

  it('probability targets: -Σ w·p·logp per row, smoothing, mean over rows (not weights)', () => {
    const p = [[0.1, 0.2, 0.3, 0.4], [1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]];
    const rows = lp.slice(0, 3);
    const per = (ls: number, w?: number[]) =>
      rows.map((r, m) => -r.reduce((s, v, k) => s + (w ? w[k]! : 1) * ((1 - ls) * p[m]![k]! + ls / 4) * v, 0));
    close(nn.crossEntropy(tensor(logits.slice(0, 3)), tensor(p), { reduction: 'none' }), per(0));
    const wp = per(0.2, weight);
    close(nn.crossEntropy(tensor(logits.slice(0, 3)), tensor(p), { weight: tensor(weight), labelSmoothing: 0.2 }), wp.reduce((a, b) => a + b) / 3);
    close(nn.crossEntropy(tensor(logits.slice(0, 3)), tensor(p), { reduction: 'sum' }), per(0).reduce((a, b) => a + b));
    // One-hot probabilities equal index targets.
    close(nn.crossEntropy(tensor(logits.slice(0, 3)), tensor([[0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]])), nn.crossEntropy(tensor(logits.slice(0, 3)), i32([3, 1, 2])).item());
    // [N, C, d] probabilities: reduction none gives [N, d].
    manualSeed(5);
    const probs = rand([2, 3, 4]);
    expect(nn.crossEntropy(randn([2, 3, 4]), probs, { reduction: 'none' }).shape).toEqual([2, 4]);
  });

  it('gradients (gradcheck): weights, ignoreIndex, smoothing, [N, C, d], probability targets', async () => {
    manualSeed(7);
    const t = i32([2, -100, 1, 0]);
    const w = tensor([0.5, 2, 1.5]);
    await gradcheck((x) => nn.crossEntropy(x, t, { weight: w, labelSmoothing: 0.3 }), [randn([4, 3])]);
    await gradcheck((x) => nn.crossEntropy(x, t, { reduction: 'none', labelSmoothing: 0.1 }), [randn([4, 3])]);
    await gradcheck((x) => nn.nllLoss(x, t, { weight: w, reduction: 'sum' }), [randn([4, 3])]);
    await gradcheck((x) => nn.crossEntropy(x, i32([0, 2, 1, 1, -100, 0], [2, 3]), { weight: w }), [randn([2, 3, 3])]);
    // Probability targets: the gradient flows into the targets too.
    await gradcheck((x, p) => nn.crossEntropy(x, p, { weight: w, labelSmoothing: 0.2 }), [randn([2, 3, 2]), rand([2, 3, 2])]);
    // A class weight that requires grad.
    await gradcheck((x, wt) => nn.crossEntropy(x, t, { weight: wt }), [randn([4, 3]), rand([3]).add(0.5)]);
  });

  it('ignored targets get no gradient', () => {
    const x = tensor(logits, { requiresGrad: true });
    nn.crossEntropy(x, i32(target), { labelSmoothing: 0.2 }).backward();
    expect(Array.from(x.grad!.dataSync().slice(8, 12))).toEqual([0, 0, 0, 0]);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const x = [-3, -0.5, 0, 0.7, 4, 25];
  const t = [0, 1, 1, 0.3, 0, 1];
  const sp = (v: number) => Math.log1p(Math.exp(-Math.abs(v))) + Math.max(-v, 0); // softplus(-v)
  const ref = (pw: number[] | null, w: number[] | null) =>
    x.map((v, i) => (w ? w[i % w.length]! : 1) * ((1 - t[i]!) * v + (1 + ((pw ? pw[i % pw.length]! : 1) - 1) * t[i]!) * sp(v)));

  it('matches -(pw·t·log σ(x) + (1 - t)·log(1 - σ(x))) stably, with weight and posWeight broadcast', () => {
    close(nn.binaryCrossEntropyWithLogits(tensor(x), tensor(t), { reduction: 'none' }), ref(null, null));
    const pw = [2, 0.5, 3];
    const w = [1, 0.2, 4];
    const got = nn.binaryCrossEntropyWithLogits(tensor(x, { shape: [2, 3] }), tensor(t, { shape: [2, 3] }), { posWeight: tensor(pw), weight: tensor(w), reduction: 'none' });
    close(got, ref(pw, w));
    close(nn.binaryCrossEntropyWithLogits(tensor(x), tensor(t)), ref(null, null).reduce((a, b) => a + b) / 6);
    // By the definition, where σ is not saturated.
    const s = 1 / (1 + Math.exp(-0.7));
    close(nn.binaryCrossEntropyWithLogits(tensor([0.7]), tensor([0.3]), { posWeight: tensor([2]) }), -(2 * 0.3 * Math.log(s) + 0.7 * Math.log(1 - s)));
    // Large logits stay finite.
    close(nn.binaryCrossEntropyWithLogits(tensor([-200, 200]), tensor([1, 0]), { reduction: 'none' }), [200, 200], 3);
  });

  it('the gradient is σ(x) - t, exactly at x = 0 too, and passes gradcheck with every input', async () => {
    const xt = tensor([0, 0, 2], { requiresGrad: true });
    nn.binaryCrossEntropyWithLogits(xt, tensor([1, 0, 0.5]), { reduction: 'sum' }).backward();
    close(xt.grad!, [-0.5, 0.5, 1 / (1 + Math.exp(-2)) - 0.5]);
    manualSeed(11);
    await gradcheck((a, b, w, pw) => nn.binaryCrossEntropyWithLogits(a, b, { weight: w, posWeight: pw }), [randn([3, 4]), rand([3, 4]), rand([4]).add(0.5), rand([4]).add(0.5)]);
    await gradcheck((a, b) => nn.binaryCrossEntropyWithLogits(a, b, { reduction: 'none' }), [randn([5]), rand([5])]);
  });
});

describe('l1Loss, smoothL1Loss, huberLoss', () => {
  const a = [0, 1, -2, 3.5, 0.2];
  const b = [0.3, 1, 1, 0, -0.1];
  const d = a.map((v, i) => Math.abs(v - b[i]!));

  it('match PyTorch’s piecewise formulas at several thresholds', () => {
    close(nn.l1Loss(tensor(a), tensor(b), { reduction: 'none' }), d);
    close(nn.l1Loss(tensor(a), tensor(b)), d.reduce((x, y) => x + y) / 5);
    for (const beta of [0, 0.5, 1, 4]) {
      const want = d.map((v) => (v < beta ? (0.5 * v * v) / beta : v - 0.5 * beta));
      close(nn.smoothL1Loss(tensor(a), tensor(b), { beta, reduction: 'none' }), want);
      close(nn.smoothL1Loss(tensor(a), tensor(b), { beta, reduction: 'sum' }), want.reduce((x, y) => x + y));
    }
    for (const delta of [0.5, 1, 4]) {
      const want = d.map((v) => (v < delta ? 0.5 * v * v : delta * (v - 0.5 * delta)));
      close(nn.huberLoss(tensor(a), tensor(b), { delta, reduction: 'none' }), want);
      // Huber = beta · smooth L1 with beta = delta.
      close(nn.huberLoss(tensor(a), tensor(b), { delta }), nn.smoothL1Loss(tensor(a), tensor(b), { beta: delta }).item() * delta);
    }
  });

  it('gradients: sign(d) for L1 (0 at d = 0), gradcheck away from the kinks', async () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    nn.l1Loss(x, tensor([1, 0, 5]), { reduction: 'sum' }).backward();
    close(x.grad!, [0, 1, -1]);
    const y = tensor([0, 0, 0], { requiresGrad: true });
    nn.smoothL1Loss(y, tensor([0, 0.5, 3]), { reduction: 'sum', beta: 0 }).backward();
    close(y.grad!, [0, -1, -1]);
    const pts = [tensor([0.3, -2.2, 1.7, 0.05]), tensor([0.1, 0.4, -0.6, 0.9])];
    await gradcheck((p, q) => nn.smoothL1Loss(p, q, { beta: 0.8 }), pts);
    await gradcheck((p, q) => nn.huberLoss(p, q, { delta: 1.3, reduction: 'none' }), pts);
    await gradcheck((p, q) => nn.l1Loss(p, q), pts);
  });
});

describe('klDiv', () => {
  const q = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]];
  const p = [[0.1, 0.0, 0.9], [0.3, 0.3, 0.4]];
  const logq = q.map((r) => r.map(Math.log));
  const terms = p.flatMap((r, i) => r.map((v, j) => (v === 0 ? 0 : v * (Math.log(v) - logq[i]![j]!))));
  const total = terms.reduce((a, b) => a + b);

  it('reductions none / sum / mean / batchmean, 0·log 0 = 0, logTarget', () => {
    close(nn.klDiv(tensor(logq), tensor(p), { reduction: 'none' }), terms);
    close(nn.klDiv(tensor(logq), tensor(p), { reduction: 'sum' }), total);
    close(nn.klDiv(tensor(logq), tensor(p)), total / 6);
    close(nn.klDiv(tensor(logq), tensor(p), { reduction: 'batchmean' }), total / 2);
    const logp = tensor(p.map((r) => r.map((v) => (v === 0 ? -1e4 : Math.log(v)))));
    close(nn.klDiv(tensor(logq), logp, { reduction: 'batchmean', logTarget: true }), total / 2);
    close(nn.klDiv(tensor([0]), tensor([-1])), NaN);
  });

  it('gradients: -target for the input; gradcheck in input and target (both forms)', async () => {
    const x = tensor(logq, { requiresGrad: true });
    const t = tensor(p, { requiresGrad: true });
    nn.klDiv(x, t, { reduction: 'sum' }).backward();
    close(x.grad!, p.flat().map((v) => -v));
    expect(Array.from(t.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    manualSeed(13);
    await gradcheck((a, b) => nn.klDiv(a, b, { reduction: 'batchmean' }), [randn([2, 3]), rand([2, 3]).add(0.1)]);
    await gradcheck((a, b) => nn.klDiv(a, b, { logTarget: true, reduction: 'none' }), [randn([2, 3]), randn([2, 3])]);
  });
});

describe('loss modules', () => {
  it('forward equals the function, options fixed at construction; weights are buffers under PyTorch keys', () => {
    const x = tensor([[1.5, -0.3, 0.2], [0.1, 0.4, -1.2]]);
    const t = i32([2, 0]);
    const w = tensor([0.5, 2, 1]);
    const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, reduction: 'sum' });
    close(ce.forward(x, t), nn.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1, reduction: 'sum' }).item());
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    expect(new nn.CrossEntropyLoss().parameters()).toEqual([]);
    const nll = new nn.NLLLoss({ ignoreIndex: 0 });
    close(nll.forward(x, t), -0.2);
    const bce = new nn.BCEWithLogitsLoss({ posWeight: tensor([2, 1, 1]), weight: tensor([1, 1, 3]) });
    expect(Object.keys(bce.stateDict())).toEqual(['weight', 'pos_weight']);
    close(bce.forward(x, tensor([[1, 0, 1], [0, 0.5, 1]])), nn.binaryCrossEntropyWithLogits(x, tensor([[1, 0, 1], [0, 0.5, 1]]), { posWeight: tensor([2, 1, 1]), weight: tensor([1, 1, 3]) }).item());
    const a = tensor([0.2, 0.9]);
    const b = tensor([0.5, 0.1]);
    close(new nn.MSELoss({ reduction: 'sum' }).forward(a, b), 0.09 + 0.64);
    close(new nn.BCELoss().forward(a, tensor([1, 0])), -(Math.log(0.2) + Math.log(0.1)) / 2);
    close(new nn.L1Loss().forward(a, b), 0.55);
    close(new nn.SmoothL1Loss({ beta: 0.5 }).forward(a, b), (0.09 / 1 + 0.8 - 0.25) / 2);
    close(new nn.HuberLoss({ delta: 0.5 }).forward(a, b), (0.045 + 0.5 * (0.8 - 0.25)) / 2);
    close(new nn.KLDivLoss({ reduction: 'batchmean' }).forward(tensor([[0.5, 0.5]]).log(), tensor([[0.5, 0.5]])), 0);
  });
});
