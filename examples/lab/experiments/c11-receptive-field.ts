/**
 * C11: "pooling and striding grow the receptive field; the hierarchy goes from edges to parts".
 *
 * A LeNet-style CNN trained briefly on an MNIST subset. The receptive field of each layer is
 * computed from the layer arithmetic and checked against the input region a single unit's
 * gradient touches; the first layer's 5×5 filters are shown, and for the second convolution's
 * channels the input patches (one receptive field each) that excite them most.
 */
import { manualSeed, nn, noGrad, reshape, tensor, type Tensor } from '@profundo/core';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import { Adam } from '@profundo/optimizers';
import type { Experiment } from '../lib/lab.js';
import { mnistSubsets, train, evaluate } from '../lib/mnist.js';

class ToImage extends nn.Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, 1, 28, 28]);
  }
}

/** Receptive field size and jump (input pixels between adjacent units) after each layer. */
function receptiveFields(layers: { name: string; k: number; s: number }[]) {
  let rf = 1;
  let jump = 1;
  return layers.map((l) => {
    rf += (l.k - 1) * jump;
    jump *= l.s;
    return { layer: l.name, kernel: l.k, stride: l.s, receptiveField: rf, jump };
  });
}

export const receptiveField: Experiment = {
  id: 'c11',
  name: 'receptive-field',
  claim: 'pooling and striding grow the receptive field; the hierarchy goes from edges to parts',
  async run(ctx) {
    const size = ctx.tiny ? { train: 200, test: 100, epochs: 1, channels: 4 } : { train: 4000, test: 1000, epochs: 3, channels: 8 };
    const data = await mnistSubsets({ seed: ctx.seed, train: size.train, test: size.test });
    manualSeed(ctx.seed);
    const conv1 = new Conv2d(1, 6, 5, { padding: 2 });
    const conv2 = new Conv2d(6, 16, 5);
    const features = [new ToImage(), conv1, new nn.ReLU(), new MaxPool2d(2), conv2, new nn.ReLU()];
    const model = new nn.Sequential(...features, new MaxPool2d(2), new Flatten(), new nn.Linear(400, 84), new nn.ReLU(), new nn.Linear(84, 10));
    train(model, new Adam(model.parameters(), { lr: 2e-3 }), { train: data.train, evalOn: data.test, batchSize: 32, examples: size.epochs * size.train, checkpoints: 1, seed: ctx.seed });
    const accuracy = evaluate(model, data.test).accuracy;
    ctx.log(`LeNet-style CNN: held-out accuracy ${(accuracy * 100).toFixed(1)}%`);

    const table = receptiveFields([
      { name: 'conv1 5×5', k: 5, s: 1 },
      { name: 'maxpool 2×2', k: 2, s: 2 },
      { name: 'conv2 5×5', k: 5, s: 1 },
      { name: 'maxpool 2×2 (2)', k: 2, s: 2 },
    ]);
    // Empirical check: the input pixels that one central unit of each stage depends on.
    const stages = [[1, 2], [1, 2, 3], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]].map((upto) => new nn.Sequential(...upto.map((i) => [...features, new MaxPool2d(2)][i]!)));
    const measured = stages.map((stage) => {
      const x = tensor(data.test.x.slice(0, 784), { shape: [1, 1, 28, 28], requiresGrad: true });
      const y = stage.forward(x);
      const [, , h, w] = y.shape as number[];
      const centre = Math.floor(h! / 2) * w! + Math.floor(w! / 2);
      const pick = new Float32Array(y.size);
      for (let c = 0; c < y.shape[1]!; c++) pick[c * h! * w! + centre] = 1;
      y.mul(tensor(pick, { shape: y.shape as number[] })).sum().backward();
      const g = x.grad!.dataSync();
      let minR = 99, maxR = -1, minC = 99, maxC = -1;
      for (let i = 0; i < 784; i++) if (g[i] !== 0) { const rr = Math.floor(i / 28), cc = i % 28; minR = Math.min(minR, rr); maxR = Math.max(maxR, rr); minC = Math.min(minC, cc); maxC = Math.max(maxC, cc); }
      return maxR < 0 ? null : Math.max(maxR - minR + 1, maxC - minC + 1);
    });
    const rows = table.map((t, i) => ({ ...t, measuredFromGradient: measured[i] }));
    ctx.log(rows.map((x) => `${x.layer}: ${x.receptiveField} (gradient: ${x.measuredFromGradient})`).join('; '));

    // First-layer filters.
    const w1 = conv1.weight.tolist() as number[][][][];
    const filters = w1.flatMap((f, o) => f[0]!.flatMap((row, i) => row.map((v, j) => ({ filter: `filter ${o}`, i, j, w: v }))));

    // The input patches that most excite conv2's channels (after ReLU): one 14×14 receptive field each.
    const upToConv2 = new nn.Sequential(...features);
    model.eval();
    const act = noGrad(() => upToConv2.forward(tensor(data.test.x, { shape: [data.test.n, 784] })).dataSync());
    const [H, W] = [10, 10];
    const RF = 14;
    const patches: { channel: string; rank: number; i: number; j: number; v: number }[] = [];
    for (let c = 0; c < size.channels; c++) {
      const best: { v: number; n: number; y: number; x: number }[] = [];
      for (let n = 0; n < data.test.n; n++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const v = act[((n * 16 + c) * H + y) * W + x]!;
            if (best.length < 3 || v > best[2]!.v) {
              best.push({ v, n, y, x });
              best.sort((a, b) => b.v - a.v);
              best.length = Math.min(best.length, 3);
            }
          }
      best.forEach((b, rank) => {
        for (let i = 0; i < RF; i++)
          for (let j = 0; j < RF; j++) {
            const py = 2 * b.y - 2 + i;
            const px = 2 * b.x - 2 + j;
            const v = py >= 0 && py < 28 && px >= 0 && px < 28 ? data.test.x[b.n * 784 + py * 28 + px]! : 0;
            patches.push({ channel: `channel ${c}`, rank, i, j, v });
          }
      });
    }
    const grows = rows.every((x, i) => i === 0 || x.receptiveField > rows[i - 1]!.receptiveField);
    const matches = rows.every((x) => x.measuredFromGradient === null || x.measuredFromGradient <= x.receptiveField);
    return {
      verdict: grows && matches ? 'holds partly' : 'does not hold',
      because:
        `receptive fields grow ${rows.map((x) => x.receptiveField).join(' → ')} pixels through conv, pool, conv, pool (the input region a central unit's gradient reaches spans ${rows.map((x) => x.measuredFromGradient ?? '—').join(', ')} pixels: max-pooling passes the gradient to its winning input only); ` +
        `the first layer's filters are oriented-edge and blob detectors and the second layer's best patches are stroke parts (see the plots), a qualitative reading this experiment shows but does not measure`,
      data: data.describe,
      budget: `LeNet-style CNN (6 and 16 channels), Adam lr 2e-3, batch 32, ${size.epochs} epochs (${size.epochs * size.train} examples); held-out accuracy ${(accuracy * 100).toFixed(1)}%; top-3 patches over ${data.test.n} held-out digits`,
      numbers: { receptiveFields: rows, heldOutAccuracy: accuracy },
      plots: {
        'receptive-fields': {
          title: 'Receptive field (input pixels across) after each layer',
          width: 320, height: 200,
          data: { values: rows },
          mark: { type: 'bar' },
          encoding: { x: { field: 'layer', type: 'ordinal', sort: null, title: null }, y: { field: 'receptiveField', type: 'quantitative', title: 'receptive field (pixels)' } },
        },
        'first-layer-filters': {
          title: 'The six 5×5 filters of the first convolution after training',
          data: { values: filters },
          facet: { field: 'filter', type: 'nominal', title: null, header: { labelFontSize: 10 } },
          columns: 6,
          spec: {
            width: 60, height: 60,
            mark: 'rect',
            encoding: { x: { field: 'j', type: 'ordinal', axis: null }, y: { field: 'i', type: 'ordinal', axis: null }, color: { field: 'w', type: 'quantitative', scale: { scheme: 'redblue', domainMid: 0, reverse: true }, title: 'weight' } },
          },
        },
        'conv2-top-patches': {
          title: { text: 'Second convolution: the three 14×14 input patches that excite each channel most', subtitle: 'one receptive field each, from held-out digits' },
          data: { values: patches },
          facet: { row: { field: 'channel', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left' } }, column: { field: 'rank', type: 'ordinal', title: 'rank' } },
          spec: {
            width: 56, height: 56,
            mark: 'rect',
            encoding: { x: { field: 'j', type: 'ordinal', axis: null }, y: { field: 'i', type: 'ordinal', axis: null }, color: { field: 'v', type: 'quantitative', scale: { scheme: 'greys', domain: [0, 1] }, legend: null } },
          },
        },
      },
    };
  },
};
