/**
 * C4: "L2 regularization keeps the weights bounded and reduces overfitting".
 *
 * An MLP wide enough to memorize a small MNIST training subset, trained to the same budget
 * with an L2 penalty λ Σ‖W‖² on its weight matrices for several λ: the weights' norm, training
 * and held-out accuracy and their gap, against λ.
 */
import { manualSeed, nn } from '@profundo/core';
import { SGD, l2Penalty } from '@profundo/optimizers';
import { r, type Experiment } from '../lib/lab.js';
import { evaluate, mnistSubsets, train } from '../lib/mnist.js';

/** The overfitting setup shared by C4 and C5. */
export function overfitSetup(tiny: boolean) {
  return tiny ? { train: 100, test: 200, epochs: 3, hidden: 64 } : { train: 500, test: 2000, epochs: 60, hidden: 256 };
}

export const l2: Experiment = {
  id: 'c4',
  name: 'l2-regularization',
  claim: 'L2 keeps weights bounded and reduces overfitting',
  async run(ctx) {
    const s = overfitSetup(ctx.tiny);
    const lambdas = ctx.tiny ? [0, 1e-2] : [0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];
    const data = await mnistSubsets({ seed: ctx.seed, train: s.train, test: s.test });
    const rows = lambdas.map((lambda) => {
      manualSeed(ctx.seed);
      const model = new nn.Sequential(new nn.Linear(784, s.hidden), new nn.ReLU(), new nn.Linear(s.hidden, 10));
      const weights = model.parameters().filter((p) => p.rank === 2);
      const curve = train(model, new SGD(model.parameters(), { lr: 0.02, momentum: 0.9 }), {
        train: data.train, evalOn: data.test, batchSize: 32, examples: s.epochs * s.train, checkpoints: Math.min(s.epochs, 20), seed: ctx.seed,
        penalty: lambda > 0 ? () => l2Penalty(weights, lambda) : undefined,
      });
      const norm = Math.sqrt(weights.reduce((acc, w) => acc + (w.square().sum().item()), 0));
      const trainEval = evaluate(model, data.train);
      const testEval = evaluate(model, data.test);
      const tr = trainEval.accuracy;
      const te = testEval.accuracy;
      ctx.log(`λ ${lambda}: weight norm ${norm.toFixed(2)}, train ${(tr * 100).toFixed(1)}%, test ${(te * 100).toFixed(1)}%, held-out loss ${testEval.loss.toFixed(3)}`);
      return { lambda, weightNorm: norm, trainAccuracy: tr, testAccuracy: te, gap: tr - te, trainLoss: trainEval.loss, testLoss: testEval.loss, curve };
    });
    const base = rows[0]!;
    const regularized = rows.slice(1);
    const bounded = regularized.every((x, i) => x.weightNorm < (i === 0 ? base : regularized[i - 1]!).weightNorm);
    const best = regularized.reduce((a, x) => (x.testAccuracy > a.testAccuracy ? x : a));
    const bestLoss = regularized.reduce((a, x) => (x.testLoss < a.testLoss ? x : a));
    // Overfitting shows in accuracy (the train/test gap) and in the held-out loss (overconfident mistakes).
    const betterAccuracy = best.testAccuracy > base.testAccuracy + 0.005 && best.gap < base.gap;
    const betterLoss = bestLoss.testLoss < base.testLoss * 0.95;
    const verdict = bounded && betterAccuracy ? 'holds' : bounded && betterLoss ? 'holds partly' : bounded || betterAccuracy ? 'holds partly' : 'does not hold';
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const label = (x: number) => (x === 0 ? '0' : x.toExponential(0));
    return {
      verdict,
      because:
        `the weights' norm ${bounded ? 'falls steadily' : 'does not fall steadily'} with λ (${rows.map((x) => x.weightNorm.toFixed(1)).join(' → ')}); ` +
        `the best held-out accuracy, ${pct(best.testAccuracy)} at λ = ${best.lambda} (train/test gap ${pct(best.gap)}), ${betterAccuracy ? 'beats' : 'does not beat'} ${pct(base.testAccuracy)} (gap ${pct(base.gap)}) without L2; ` +
        `the held-out loss ${betterLoss ? 'drops' : 'does not drop'} from ${base.testLoss.toFixed(3)} to ${bestLoss.testLoss.toFixed(3)} at λ = ${bestLoss.lambda}`,
      data: data.describe,
      budget: `MLP 784-${s.hidden}-10, SGD lr 0.02 momentum 0.9, batch 32, ${s.epochs} epochs (${s.epochs * s.train} examples) per λ; λ ∈ {${lambdas.join(', ')}} on λ Σ‖W‖² (weight matrices only)`,
      numbers: { runs: rows.map((x) => ({ lambda: x.lambda, weightNorm: r(x.weightNorm), trainAccuracy: r(x.trainAccuracy), testAccuracy: r(x.testAccuracy), gap: r(x.gap), trainLoss: r(x.trainLoss), testLoss: r(x.testLoss), curve: x.curve })) },
      plots: {
        'weight-norm': {
          title: 'Norm of the weight matrices after training, against λ',
          width: 360, height: 220,
          data: { values: rows.map((x) => ({ lambda: label(x.lambda), norm: x.weightNorm })) },
          mark: { type: 'bar' },
          encoding: { x: { field: 'lambda', type: 'ordinal', sort: null, title: 'λ' }, y: { field: 'norm', type: 'quantitative', title: '‖W‖ (all weight matrices)' } },
        },
        'held-out-loss': {
          title: 'Training and held-out cross-entropy against λ',
          width: 360, height: 220,
          data: { values: rows.flatMap((x) => [{ lambda: label(x.lambda), set: 'train', loss: x.trainLoss }, { lambda: label(x.lambda), set: 'held-out', loss: x.testLoss }]) },
          mark: { type: 'line', point: true },
          encoding: { x: { field: 'lambda', type: 'ordinal', sort: null, title: 'λ' }, y: { field: 'loss', type: 'quantitative', title: 'cross-entropy' }, color: { field: 'set', type: 'nominal' } },
        },
        'train-test-gap': {
          title: 'Training and held-out accuracy against λ',
          width: 360, height: 220,
          data: { values: rows.flatMap((x) => [{ lambda: label(x.lambda), set: 'train', accuracy: x.trainAccuracy }, { lambda: label(x.lambda), set: 'held-out', accuracy: x.testAccuracy }]) },
          mark: { type: 'line', point: true },
          encoding: { x: { field: 'lambda', type: 'ordinal', sort: null, title: 'λ' }, y: { field: 'accuracy', type: 'quantitative', scale: { zero: false } }, color: { field: 'set', type: 'nominal' } },
        },
      },
    };
  },
};
