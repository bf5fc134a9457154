/**
 * C5: "dropout improves generalization".
 *
 * The overfitting setup of C4 (a small MNIST training subset), with two hidden layers and
 * dropout after each at several rates, trained to the same budget: training and held-out
 * accuracy and their gap against the rate.
 */
import { manualSeed, nn } from '@profundo/core';
import { SGD } from '@profundo/optimizers';
import { r, type Experiment } from '../lib/lab.js';
import { evaluate, mnistSubsets, train } from '../lib/mnist.js';
import { overfitSetup } from './c4-l2.js';

export const dropout: Experiment = {
  id: 'c5',
  name: 'dropout',
  claim: 'dropout improves generalization',
  async run(ctx) {
    const s = overfitSetup(ctx.tiny);
    const rates = ctx.tiny ? [0, 0.5] : [0, 0.1, 0.3, 0.5, 0.7];
    const data = await mnistSubsets({ seed: ctx.seed, train: s.train, test: s.test });
    const rows = rates.map((p) => {
      manualSeed(ctx.seed);
      const model = new nn.Sequential(
        new nn.Linear(784, s.hidden), new nn.ReLU(), new nn.Dropout(p),
        new nn.Linear(s.hidden, s.hidden), new nn.ReLU(), new nn.Dropout(p),
        new nn.Linear(s.hidden, 10),
      );
      const curve = train(model, new SGD(model.parameters(), { lr: 0.02, momentum: 0.9 }), {
        train: data.train, evalOn: data.test, batchSize: 32, examples: s.epochs * s.train, checkpoints: Math.min(s.epochs, 20), seed: ctx.seed,
      });
      const trainEval = evaluate(model, data.train);
      const testEval = evaluate(model, data.test);
      const tr = trainEval.accuracy;
      const te = testEval.accuracy;
      ctx.log(`dropout ${p}: train ${(tr * 100).toFixed(1)}%, test ${(te * 100).toFixed(1)}%, held-out loss ${testEval.loss.toFixed(3)}`);
      return { rate: p, trainAccuracy: tr, testAccuracy: te, gap: tr - te, trainLoss: trainEval.loss, testLoss: testEval.loss, curve };
    });
    const base = rows[0]!;
    const best = rows.slice(1).reduce((a, x) => (x.testAccuracy > a.testAccuracy ? x : a));
    const bestLoss = rows.slice(1).reduce((a, x) => (x.testLoss < a.testLoss ? x : a));
    const better = best.testAccuracy > base.testAccuracy + 0.005;
    const smallerGap = best.gap < base.gap;
    const betterLoss = bestLoss.testLoss < base.testLoss * 0.95;
    const verdict = better && smallerGap ? 'holds' : better || betterLoss ? 'holds partly' : 'does not hold';
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    return {
      verdict,
      because:
        `the best rate, ${best.rate}, reaches ${pct(best.testAccuracy)} held-out accuracy (train/test gap ${pct(best.gap)}) against ${pct(base.testAccuracy)} (gap ${pct(base.gap)}) without dropout; ` +
        `held-out accuracy by rate: ${rows.map((x) => `${x.rate}: ${pct(x.testAccuracy)}`).join(', ')}; ` +
        `held-out loss ${base.testLoss.toFixed(3)} without dropout, ${bestLoss.testLoss.toFixed(3)} at rate ${bestLoss.rate}`,
      data: data.describe,
      budget: `MLP 784-${s.hidden}-${s.hidden}-10 with dropout after each hidden layer, SGD lr 0.02 momentum 0.9, batch 32, ${s.epochs} epochs (${s.epochs * s.train} examples) per rate; rates {${rates.join(', ')}}`,
      numbers: { runs: rows.map((x) => ({ rate: x.rate, trainAccuracy: r(x.trainAccuracy), testAccuracy: r(x.testAccuracy), gap: r(x.gap), trainLoss: r(x.trainLoss), testLoss: r(x.testLoss), curve: x.curve })) },
      plots: {
        'train-test-gap': {
          title: 'Training and held-out accuracy against the dropout rate',
          width: 360, height: 220,
          data: { values: rows.flatMap((x) => [{ rate: x.rate, set: 'train', accuracy: x.trainAccuracy }, { rate: x.rate, set: 'held-out', accuracy: x.testAccuracy }, { rate: x.rate, set: 'gap (train − held-out)', accuracy: x.gap }]) },
          mark: { type: 'line', point: true },
          encoding: { x: { field: 'rate', type: 'quantitative', title: 'dropout rate' }, y: { field: 'accuracy', type: 'quantitative', title: 'accuracy' }, color: { field: 'set', type: 'nominal' } },
        },
        'held-out-loss': {
          title: 'Training and held-out cross-entropy against the dropout rate',
          width: 360, height: 220,
          data: { values: rows.flatMap((x) => [{ rate: x.rate, set: 'train', loss: x.trainLoss }, { rate: x.rate, set: 'held-out', loss: x.testLoss }]) },
          mark: { type: 'line', point: true },
          encoding: { x: { field: 'rate', type: 'quantitative', title: 'dropout rate' }, y: { field: 'loss', type: 'quantitative', title: 'cross-entropy' }, color: { field: 'set', type: 'nominal' } },
        },
        'held-out-curves': {
          title: 'Held-out accuracy during training, per dropout rate',
          width: 360, height: 220,
          data: { values: rows.flatMap((x) => x.curve.map((c) => ({ examples: c.examples, accuracy: c.testAccuracy, rate: String(x.rate) }))) },
          mark: { type: 'line' },
          encoding: { x: { field: 'examples', type: 'quantitative', title: 'training examples processed' }, y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, title: 'held-out accuracy' }, color: { field: 'rate', type: 'nominal', title: 'dropout' } },
        },
      },
    };
  },
};
