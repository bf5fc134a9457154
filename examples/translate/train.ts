/**
 * Trains a small encoder–decoder Transformer to translate Spanish date phrases
 * ("lunes, veintitrés de marzo de 1987", "23/03/1987", …) to ISO dates ("1987-03-23"),
 * character by character, then greedy-decodes held-out phrases and prints exact-match accuracy.
 *
 *   pnpm run translate [--train 6000] [--test 500] [--epochs 4] [--batch-size 32] [--lr 3e-3]
 *                      [--warmup 100] [--d-model 32] [--heads 2] [--layers 2] [--ff 64]
 *                      [--dropout 0] [--seed 0]
 *
 * The model (see model.ts) is a pre-norm encoder–decoder Transformer over characters that
 * reads each source backwards, with padding masked; batches group sources of similar length.
 * Adam with a linear warmup then a cosine decay to zero; CPU backend. The held-out phrases
 * come from another seed, minus any that also occur in the training set. The defaults are
 * sized for a few minutes on two CPU cores.
 */
import { parseArgs } from 'node:util';
import { Generator, manualSeed, registerBackend, setBackend, tidy } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { CharTokenizer, spanishDates } from '@profundo/datasets';
import { Seq2Seq, adamWithWarmup, batch, encodePairs, lengthBucketedBatches, loss, trainDefaults, translate } from './model.js';
import { ProgressBar } from '../shared/progress.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    train: { type: 'string', default: String(trainDefaults.train) },
    test: { type: 'string', default: String(trainDefaults.test) },
    epochs: { type: 'string', default: String(trainDefaults.epochs) },
    'batch-size': { type: 'string', default: String(trainDefaults.batchSize) },
    lr: { type: 'string', default: String(trainDefaults.lr) },
    warmup: { type: 'string', default: String(trainDefaults.warmup) },
    'd-model': { type: 'string', default: String(trainDefaults.dModel) },
    heads: { type: 'string', default: String(trainDefaults.heads) },
    layers: { type: 'string', default: String(trainDefaults.layers) },
    ff: { type: 'string', default: String(trainDefaults.ff) },
    dropout: { type: 'string', default: String(trainDefaults.dropout) },
    seed: { type: 'string', default: String(trainDefaults.seed) },
  },
});
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const seed = Number(args.seed);
const layers = Number(args.layers);

registerBackend('cpu', createCpuBackend);
await setBackend('cpu');
manualSeed(seed);

const trainPairs = spanishDates({ count: Number(args.train), seed });
const seen = new Set(trainPairs.map((p) => p.source));
const testPairs = spanishDates({ count: 2 * Number(args.test), seed: seed + 1 })
  .filter((p) => !seen.has(p.source))
  .slice(0, Number(args.test));
const tok = CharTokenizer.fromCorpus(trainPairs.flatMap((p) => [p.source, p.target]));
const data = encodePairs(tok, trainPairs);

const model = new Seq2Seq({
  vocabSize: tok.vocabSize,
  dModel: Number(args['d-model']),
  nhead: Number(args.heads),
  numEncoderLayers: layers,
  numDecoderLayers: layers,
  dimFeedforward: Number(args.ff),
  dropout: Number(args.dropout),
});
const parameterCount = model.parameters().reduce((n, p) => n + p.size, 0);
console.log(
  `Spanish dates → ISO: ${trainPairs.length} training and ${testPairs.length} held-out phrases, ${tok.vocabSize} tokens; ` +
    `Transformer ${args['d-model']}d, ${args.heads} heads, ${layers}+${layers} layers, ff ${args.ff} (${parameterCount} parameters), CPU backend`,
);
for (const p of trainPairs.slice(0, 3)) console.log(`  e.g. ${JSON.stringify(p.source)} → ${p.target}`);

const batches = Math.ceil(data.length / batchSize);
const total = epochs * batches;
const lr = Number(args.lr);
const { optimizer, schedule, warmup } = adamWithWarmup(model, { lr, warmup: Number(args.warmup), total });
console.log(`Adam (lr ${lr}, ${warmup} warmup steps, then cosine), batch size ${batchSize}, ${epochs} epochs (${total} steps), seed ${seed}`);

const shuffler = new Generator(seed);
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const epochBatches = lengthBucketedBatches(data, batchSize, shuffler);
  const bar = new ProgressBar(epoch, epochs, batches);
  let lossSum = 0;
  for (let b = 0; b < batches; b++) {
    const indices = epochBatches[b]!;
    const value = tidy(() => {
      optimizer.zeroGrad();
      const l = loss(model, batch(data, indices));
      l.backward();
      optimizer.step();
      return l.item();
    });
    schedule.step();
    lossSum += value;
    bar.tick(b, indices.length, value);
  }
  console.log(`epoch ${epoch}: mean training loss ${(lossSum / batches).toFixed(5)}`);
}
const trainSeconds = (performance.now() - started) / 1000;
console.log(`trained ${epochs} epochs in ${trainSeconds.toFixed(1)} s`);

model.eval();
const decodeStarted = performance.now();
const outputs = await translate(model, tok, testPairs.map((p) => p.source));
const correct = outputs.filter((o, i) => o === testPairs[i]!.target).length;
console.log(
  `exact-match accuracy: ${((100 * correct) / testPairs.length).toFixed(2)}% (${correct}/${testPairs.length} held-out phrases, ` +
    `greedy decoding in ${((performance.now() - decodeStarted) / 1000).toFixed(1)} s)`,
);
for (let i = 0; i < 8; i++) {
  const { source, target } = testPairs[i]!;
  console.log(`  ${outputs[i] === target ? '✓' : '✗'} ${JSON.stringify(source)} → ${outputs[i]}${outputs[i] === target ? '' : ` (expected ${target})`}`);
}
const wrong = outputs.map((o, i) => [o, i] as const).filter(([o, i]) => i >= 8 && o !== testPairs[i]!.target);
for (const [o, i] of wrong.slice(0, 5)) console.log(`  ✗ ${JSON.stringify(testPairs[i]!.source)} → ${o} (expected ${testPairs[i]!.target})`);
