/**
 * C8: "a deep network reaches an accuracy with fewer parameters than a shallow, wide one".
 *
 * Families of MLPs — one hidden layer of growing width, and three hidden layers of growing
 * width — trained on the same MNIST subset and budget; held-out accuracy against parameter
 * count, and for a few target accuracies the fewest parameters each family needs.
 */
import { manualSeed, nn, type Tensor } from '@profundo/core';
import { Adam } from '@profundo/optimizers';
import { r, type Experiment, type Outcome } from '../lib/lab.js';
import { evaluate, mnistSubsets, train, type MnistSubsets } from '../lib/mnist.js';

type Net = nn.Module & { forward(x: Tensor): Tensor };

/** Trains each model of each family to one budget; params and held-out accuracy per model. */
export function sizeSweep(
  ctx: { seed: number; log(m: string): void },
  data: MnistSubsets,
  models: { family: string; label: string; make: () => Net }[],
  budget: { epochs: number; lr: number },
) {
  return models.map((m) => {
    manualSeed(ctx.seed);
    const model = m.make();
    const params = model.parameters().reduce((s, p) => s + p.size, 0);
    const started = performance.now();
    train(model, new Adam(model.parameters(), { lr: budget.lr }), { train: data.train, evalOn: data.test, batchSize: 32, examples: budget.epochs * data.train.n, checkpoints: 1, seed: ctx.seed });
    const seconds = (performance.now() - started) / 1000;
    const acc = evaluate(model, data.test).accuracy;
    ctx.log(`${m.family} ${m.label}: ${params} parameters, held-out ${(acc * 100).toFixed(1)}% (${seconds.toFixed(1)} s)`);
    return { family: m.family, label: m.label, params, testAccuracy: acc, seconds };
  });
}

/** For each target accuracy, the fewest parameters each family needs to reach it (null: none does). */
export function paramsToReach(rows: ReturnType<typeof sizeSweep>, families: string[], targets: number[]) {
  return targets.map((target) => ({
    target,
    ...Object.fromEntries(
      families.map((f) => {
        const ok = rows.filter((x) => x.family === f && x.testAccuracy >= target).map((x) => x.params);
        return [f, ok.length ? Math.min(...ok) : null];
      }),
    ),
  })) as ({ target: number } & Record<string, number | null>)[];
}

/** The scatter of parameters against held-out accuracy, one line per family. */
export function paramsPlot(rows: ReturnType<typeof sizeSweep>, title: string): Outcome['plots'][string] {
  return {
    title,
    width: 420,
    height: 260,
    data: { values: rows.map((x) => ({ ...x, name: `${x.family} ${x.label}` })) },
    mark: { type: 'line', point: { size: 60 } },
    encoding: {
      x: { field: 'params', type: 'quantitative', scale: { type: 'log' }, title: 'parameters (log scale)' },
      y: { field: 'testAccuracy', type: 'quantitative', scale: { zero: false }, title: 'held-out accuracy' },
      color: { field: 'family', type: 'nominal', legend: { labelLimit: 300 } },
      tooltip: [{ field: 'name' }, { field: 'params' }, { field: 'testAccuracy' }],
    },
  };
}

const mlp = (widths: number[]): Net => {
  const layers: nn.Module[] = [];
  let prev = 784;
  for (const w of widths) {
    layers.push(new nn.Linear(prev, w), new nn.ReLU());
    prev = w;
  }
  layers.push(new nn.Linear(prev, 10));
  return new nn.Sequential(...layers);
};

export const depth: Experiment = {
  id: 'c8',
  name: 'depth-vs-width',
  claim: 'a deep net reaches an accuracy with fewer parameters than a shallow wide one',
  async run(ctx) {
    const cfg = ctx.tiny
      ? { train: 300, test: 200, epochs: 1, shallow: [16, 32], deep: [8, 16], targets: [0.3, 0.5] }
      : { train: 4000, test: 2000, epochs: 8, shallow: [16, 32, 64, 128, 256], deep: [12, 16, 24, 32, 48, 64], targets: [0.9, 0.92, 0.93, 0.94, 0.95] };
    const data = await mnistSubsets({ seed: ctx.seed, train: cfg.train, test: cfg.test });
    const SHALLOW = 'shallow: 1 hidden layer';
    const DEEP = 'deep: 3 hidden layers';
    const rows = sizeSweep(
      ctx,
      data,
      [
        ...cfg.shallow.map((w) => ({ family: SHALLOW, label: `784-${w}-10`, make: () => mlp([w]) })),
        ...cfg.deep.map((w) => ({ family: DEEP, label: `784-${w}-${w}-${w}-10`, make: () => mlp([w, w, w]) })),
      ],
      { epochs: cfg.epochs, lr: 1e-3 },
    );
    const table = paramsToReach(rows, [SHALLOW, DEEP], cfg.targets);
    const decided = table.filter((t) => t[SHALLOW] !== null || t[DEEP] !== null);
    const deepWins = decided.filter((t) => t[DEEP] !== null && (t[SHALLOW] === null || t[DEEP]! < t[SHALLOW]!));
    const verdict = decided.length > 0 && deepWins.length === decided.length ? 'holds' : deepWins.length > 0 ? 'holds partly' : 'does not hold';
    const show = (v: number | null) => (v === null ? 'not reached' : String(v));
    return {
      verdict,
      because:
        `fewest parameters to reach each held-out accuracy, shallow vs deep: ` +
        table.map((t) => `${(t.target * 100).toFixed(0)}%: ${show(t[SHALLOW] ?? null)} vs ${show(t[DEEP] ?? null)}`).join('; ') +
        ` (deep needs fewer at ${deepWins.length} of ${decided.length} targets reached)`,
      data: data.describe,
      budget: `Adam lr 1e-3, batch 32, ${cfg.epochs} epochs (${cfg.epochs * cfg.train} examples) per model; widths ${cfg.shallow.join('/')} (1 hidden layer) and ${cfg.deep.join('/')} (3 hidden layers)`,
      numbers: { models: rows.map((x) => ({ ...x, testAccuracy: r(x.testAccuracy), seconds: r(x.seconds, 3) })), paramsToReach: table },
      plots: { 'params-vs-accuracy': paramsPlot(rows, 'Held-out accuracy against parameter count: one hidden layer vs three') },
    };
  },
};
