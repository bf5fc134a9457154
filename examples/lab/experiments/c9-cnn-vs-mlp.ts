/**
 * C9: "a CNN needs far fewer weights than an MLP on images".
 *
 * Small CNNs (two 5×5 convolution + max-pool stages, then one linear layer) of growing channel
 * count against one-hidden-layer MLPs of growing width, on the same MNIST subset and budget:
 * held-out accuracy against parameter count.
 */
import { nn, reshape, type Tensor } from '@profundo/core';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import type { Experiment } from '../lib/lab.js';
import { r } from '../lib/lab.js';
import { mnistSubsets } from '../lib/mnist.js';
import { paramsPlot, paramsToReach, sizeSweep } from './c8-depth.js';

/** Flat digits `[N, 784]` → images `[N, 1, 28, 28]`. */
class ToImage extends nn.Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, 1, 28, 28]);
  }
}

const cnn = (c: number) =>
  new nn.Sequential(
    new ToImage(),
    new Conv2d(1, c, 5, { padding: 2 }), new nn.ReLU(), new MaxPool2d(2), // c × 14 × 14
    new Conv2d(c, 2 * c, 5), new nn.ReLU(), new MaxPool2d(2), // 2c × 5 × 5
    new Flatten(),
    new nn.Linear(2 * c * 25, 10),
  );
const mlp = (h: number) => new nn.Sequential(new nn.Linear(784, h), new nn.ReLU(), new nn.Linear(h, 10));

export const cnnVsMlp: Experiment = {
  id: 'c9',
  name: 'cnn-vs-mlp',
  claim: 'a CNN needs far fewer weights than an MLP on images',
  async run(ctx) {
    const cfg = ctx.tiny
      ? { train: 300, test: 200, epochs: 1, cnn: [2], mlp: [8], targets: [0.3] }
      : { train: 4000, test: 2000, epochs: 6, cnn: [2, 4, 8, 16], mlp: [8, 16, 32, 64, 128, 256], targets: [0.9, 0.93, 0.95, 0.96, 0.97] };
    const data = await mnistSubsets({ seed: ctx.seed, train: cfg.train, test: cfg.test });
    const CNN = 'CNN: 2 conv+pool stages, 1 linear';
    const MLP = 'MLP: 1 hidden layer';
    const rows = sizeSweep(
      ctx,
      data,
      [
        ...cfg.mlp.map((h) => ({ family: MLP, label: `784-${h}-10`, make: () => mlp(h) })),
        ...cfg.cnn.map((c) => ({ family: CNN, label: `${c}/${2 * c} channels`, make: () => cnn(c) })),
      ],
      { epochs: cfg.epochs, lr: 2e-3 },
    );
    const table = paramsToReach(rows, [MLP, CNN], cfg.targets);
    const decided = table.filter((t) => t[MLP] !== null || t[CNN] !== null);
    // "Far fewer": at least 5 times fewer parameters for the same accuracy (or the MLP never gets there).
    const far = decided.filter((t) => t[CNN] !== null && (t[MLP] === null || t[CNN]! * 5 <= t[MLP]!));
    const fewer = decided.filter((t) => t[CNN] !== null && (t[MLP] === null || t[CNN]! < t[MLP]!));
    const verdict = decided.length > 0 && far.length === decided.length ? 'holds' : fewer.length > 0 ? 'holds partly' : 'does not hold';
    const show = (v: number | null) => (v === null ? 'not reached' : String(v));
    const bestMlp = Math.max(...rows.filter((x) => x.family === MLP).map((x) => x.testAccuracy));
    const bestCnn = Math.max(...rows.filter((x) => x.family === CNN).map((x) => x.testAccuracy));
    return {
      verdict,
      because:
        `fewest parameters to reach each held-out accuracy, MLP vs CNN: ` +
        table.map((t) => `${(t.target * 100).toFixed(0)}%: ${show(t[MLP] ?? null)} vs ${show(t[CNN] ?? null)}`).join('; ') +
        `; best MLP ${(bestMlp * 100).toFixed(1)}%, best CNN ${(bestCnn * 100).toFixed(1)}% (CNN at least 5× smaller at ${far.length} of ${decided.length} targets reached)`,
      data: data.describe,
      budget: `Adam lr 2e-3, batch 32, ${cfg.epochs} epochs (${cfg.epochs * cfg.train} examples) per model; MLP widths ${cfg.mlp.join('/')}, CNN channels ${cfg.cnn.map((c) => `${c}/${2 * c}`).join(', ')}`,
      numbers: { models: rows.map((x) => ({ ...x, testAccuracy: r(x.testAccuracy), seconds: r(x.seconds, 3) })), paramsToReach: table },
      plots: { 'params-vs-accuracy': paramsPlot(rows, 'Held-out accuracy against parameter count: CNN vs MLP') },
    };
  },
};
