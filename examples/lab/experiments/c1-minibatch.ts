/**
 * C1: "minibatch SGD is more efficient than full-batch gradient descent".
 *
 * The same MLP trained on the same MNIST subset with plain SGD at several batch sizes, the
 * full training set (gradient descent) included, each for the same number of examples
 * processed, each with the best learning rate of a small grid (chosen on a validation split).
 * Accuracy is plotted against examples processed and against wall time.
 */
import { manualSeed } from '@profundo/core';
import { SGD } from '@profundo/optimizers';
import { r, type Experiment } from '../lib/lab.js';
import { lineChart } from '../lib/plot.js';
import { evaluate, mlp, mnistSubsets, train, type Checkpoint } from '../lib/mnist.js';

export const minibatch: Experiment = {
  id: 'c1',
  name: 'minibatch-sgd',
  claim: 'minibatch SGD is more efficient than full-batch gradient descent',
  async run(ctx) {
    const cfg = ctx.tiny
      ? { train: 512, val: 200, test: 200, epochs: 2, batchSizes: [16, 512], lrs: [0.1] }
      : { train: 4000, val: 1000, test: 2000, epochs: 10, batchSizes: [8, 32, 128, 512, 4000], lrs: [0.03, 0.1, 0.3, 1] };
    const data = await mnistSubsets({ seed: ctx.seed, train: cfg.train, val: cfg.val, test: cfg.test });
    const examples = cfg.epochs * cfg.train;
    const runs: { batchSize: number; lr: number; curve: Checkpoint[]; valAccuracy: number; testAccuracy: number }[] = [];
    for (const batchSize of cfg.batchSizes) {
      for (const lr of cfg.lrs) {
        manualSeed(ctx.seed); // the same initial weights for every run
        const model = mlp(64);
        const curve = train(model, new SGD(model.parameters(), { lr }), { train: data.train, evalOn: data.val, batchSize, examples, checkpoints: cfg.epochs * 2, seed: ctx.seed });
        const last = curve.at(-1)!;
        runs.push({ batchSize, lr, curve, valAccuracy: last.testAccuracy, testAccuracy: evaluate(model, data.test).accuracy });
        ctx.log(`batch ${batchSize}, lr ${lr}: validation ${(last.testAccuracy * 100).toFixed(1)}% after ${last.steps} steps, ${last.seconds.toFixed(1)} s`);
      }
    }
    const best = cfg.batchSizes.map((b) => runs.filter((x) => x.batchSize === b).reduce((a, x) => (x.valAccuracy > a.valAccuracy ? x : a)));
    const full = best.find((x) => x.batchSize === cfg.train)!;
    const mini = best.filter((x) => x.batchSize !== cfg.train);
    const bestMini = mini.reduce((a, x) => (x.testAccuracy > a.testAccuracy ? x : a));
    const fullSeconds = full.curve.at(-1)!.seconds;
    // The best validation accuracy each minibatch run reached within full-batch GD's whole wall time.
    const withinTime = mini.map((x) => ({ batchSize: x.batchSize, accuracy: Math.max(0, ...x.curve.filter((c) => c.seconds <= fullSeconds).map((c) => c.testAccuracy)) }));
    const bestWithinTime = withinTime.reduce((a, x) => (x.accuracy > a.accuracy ? x : a));
    const perExample = bestMini.testAccuracy > full.testAccuracy + 0.01;
    const perSecond = bestWithinTime.accuracy > full.valAccuracy;
    const verdict = perExample && perSecond ? 'holds' : perExample || perSecond ? 'holds partly' : 'does not hold';
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const rows = best.flatMap((x) =>
      x.curve.map((c) => ({ run: x.batchSize === cfg.train ? `full batch (${x.batchSize}), lr ${x.lr}` : `batch ${x.batchSize}, lr ${x.lr}`, examples: c.examples, seconds: c.seconds, accuracy: c.testAccuracy })),
    );
    return {
      verdict,
      because:
        `after the same ${examples} examples, minibatches of ${bestMini.batchSize} reach ${pct(bestMini.testAccuracy)} test accuracy against ${pct(full.testAccuracy)} for full-batch gradient descent (${full.curve.at(-1)!.steps} steps); ` +
        `within full-batch GD's ${fullSeconds.toFixed(1)} s of compute, batch ${bestWithinTime.batchSize} reaches ${pct(bestWithinTime.accuracy)} validation accuracy against its ${pct(full.valAccuracy)}`,
      data: data.describe,
      budget: `MLP 784-64-10, plain SGD, ${cfg.epochs} epochs (${examples} examples) per run; batch sizes ${cfg.batchSizes.join(', ')}; learning rate chosen per batch size from {${cfg.lrs.join(', ')}} on validation accuracy (${runs.length} runs)`,
      numbers: {
        chosen: best.map((x) => ({ batchSize: x.batchSize, lr: x.lr, steps: x.curve.at(-1)!.steps, seconds: r(x.curve.at(-1)!.seconds), valAccuracy: r(x.valAccuracy), testAccuracy: r(x.testAccuracy) })),
        accuracyWithinFullBatchTime: withinTime.map((x) => ({ ...x, accuracy: r(x.accuracy) })),
        grid: runs.map((x) => ({ batchSize: x.batchSize, lr: x.lr, valAccuracy: r(x.valAccuracy), testAccuracy: r(x.testAccuracy), seconds: r(x.curve.at(-1)!.seconds) })),
        curves: best.map((x) => ({ batchSize: x.batchSize, lr: x.lr, curve: x.curve })),
      },
      plots: {
        'accuracy-vs-examples': lineChart(rows, { x: 'examples', y: 'accuracy', series: 'run', title: 'Validation accuracy against examples processed (best lr per batch size)', xTitle: 'training examples processed', yTitle: 'validation accuracy', points: true }),
        'accuracy-vs-time': lineChart(rows, { x: 'seconds', y: 'accuracy', series: 'run', title: 'Validation accuracy against training wall time (2-core CPU)', xTitle: 'seconds of training (evaluation excluded)', yTitle: 'validation accuracy', points: true }),
      },
    };
  },
};
