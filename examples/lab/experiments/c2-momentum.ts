/**
 * C2: "momentum keeps rolling through plateaus and flat regions".
 *
 * Gradient descent with and without momentum (same learning rate) on the Rosenbrock function,
 * whose minimum lies at the end of a long, flat, curved valley, and on an MNIST MLP at a small
 * learning rate, where plain SGD crawls off the initial plateau of the loss. A third run uses
 * plain SGD at momentum's effective step (lr / (1 − β)), to tell "rolling" from "a larger step".
 */
import { manualSeed, mul, narrow, nn, square, sub, tensor, tidy } from '@profundo/core';
import { SGD } from '@profundo/optimizers';
import { r, type Experiment } from '../lib/lab.js';
import { lineChart } from '../lib/plot.js';
import { mlp, mnistSubsets, train } from '../lib/mnist.js';

const rosenbrock = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;

function descend(o: { lr: number; momentum: number; nesterov?: boolean; steps: number; start: [number, number] }) {
  const p = new nn.Parameter(tensor(o.start));
  const opt = new SGD([p], { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov ?? false });
  const path: { step: number; x: number; y: number; loss: number }[] = [];
  const every = Math.max(1, Math.floor(o.steps / 400));
  for (let step = 0; step <= o.steps; step++) {
    const [x, y] = p.dataSync() as Float32Array;
    const loss = rosenbrock(x!, y!);
    if (step % every === 0 || step === o.steps || !Number.isFinite(loss)) path.push({ step, x: x!, y: y!, loss });
    if (!Number.isFinite(loss) || step === o.steps) break;
    tidy(() => {
      opt.zeroGrad();
      const px = narrow(p, 0, 0, 1);
      const py = narrow(p, 0, 1, 1);
      const f = square(sub(1, px)).add(mul(100, square(sub(py, square(px)))));
      f.sum().backward();
      opt.step();
    });
  }
  p.dispose();
  return path;
}

export const momentum: Experiment = {
  id: 'c2',
  name: 'momentum',
  claim: 'momentum keeps rolling through plateaus and flat regions',
  async run(ctx) {
    const steps = ctx.tiny ? 200 : 5000;
    const lr = 1e-3;
    const beta = 0.9;
    const start: [number, number] = [-1.2, 1];
    const rb = [
      { run: `GD, lr ${lr}`, path: descend({ lr, momentum: 0, steps, start }) },
      { run: `GD + momentum ${beta}, lr ${lr}`, path: descend({ lr, momentum: beta, steps, start }) },
      { run: `GD, lr ${r(lr / (1 - beta))} (momentum's effective step)`, path: descend({ lr: r(lr / (1 - beta)), momentum: 0, steps, start }) },
    ];
    const finalOf = (p: { x: number; y: number; loss: number; step: number }[]) => {
      const last = p.at(-1)!;
      return { steps: last.step, x: r(last.x), y: r(last.y), loss: Number.isFinite(last.loss) ? r(last.loss, 3) : null, distanceToMinimum: Number.isFinite(last.loss) ? r(Math.hypot(last.x - 1, last.y - 1), 3) : null };
    };
    const rbFinal = rb.map((x) => ({ run: x.run, ...finalOf(x.path) }));
    for (const f of rbFinal) ctx.log(`Rosenbrock, ${f.run}: loss ${f.loss} at (${f.x}, ${f.y}) after ${f.steps} steps`);

    const size = ctx.tiny ? { train: 300, test: 200, epochs: 1 } : { train: 2000, test: 1000, epochs: 5 };
    const data = await mnistSubsets({ seed: ctx.seed, train: size.train, test: size.test });
    const mnistLr = 0.005;
    const mn = [
      { run: `SGD, lr ${mnistLr}`, lr: mnistLr, m: 0 },
      { run: `SGD + momentum ${beta}, lr ${mnistLr}`, lr: mnistLr, m: beta },
      { run: `SGD, lr ${r(mnistLr / (1 - beta))} (momentum's effective step)`, lr: r(mnistLr / (1 - beta)), m: 0 },
    ].map((x) => {
      manualSeed(ctx.seed);
      const model = mlp(64);
      const curve = train(model, new SGD(model.parameters(), { lr: x.lr, momentum: x.m }), { train: data.train, evalOn: data.test, batchSize: 32, examples: size.epochs * size.train, checkpoints: size.epochs * 4, seed: ctx.seed });
      ctx.log(`MNIST, ${x.run}: test accuracy ${(curve.at(-1)!.testAccuracy * 100).toFixed(1)}%, test loss ${curve.at(-1)!.testLoss.toFixed(3)}`);
      return { run: x.run, curve };
    });

    const [gd, mom, big] = rbFinal;
    const rbHolds = (mom!.loss ?? Infinity) < (gd!.loss ?? Infinity) / 10;
    const [sgdM, momM, bigM] = mn.map((x) => x.curve.at(-1)!);
    const mnHolds = momM!.testLoss < sgdM!.testLoss;
    const verdict = rbHolds && mnHolds ? 'holds' : rbHolds || mnHolds ? 'holds partly' : 'does not hold';
    const bigNote = big!.loss === null ? `plain GD at momentum's effective step diverges there` : `plain GD at momentum's effective step ends at ${big!.loss}`;
    return {
      verdict,
      because:
        `on Rosenbrock from (−1.2, 1), after ${steps} steps at lr ${lr} momentum ends at loss ${mom!.loss} (distance ${mom!.distanceToMinimum} from the minimum) against ${gd!.loss} (distance ${gd!.distanceToMinimum}) without it, and ${bigNote}; ` +
        `on MNIST at lr ${mnistLr} the test loss is ${momM!.testLoss.toFixed(3)} with momentum against ${sgdM!.testLoss.toFixed(3)} without (and ${bigM!.testLoss.toFixed(3)} for plain SGD at lr ${r(mnistLr / (1 - beta))}: ` +
        (bigM!.testLoss <= momM!.testLoss * 1.02 ? `on MNIST, momentum's gain is matched by simply taking its larger effective step)` : `momentum does better than simply taking its larger effective step)`),
      data: `the Rosenbrock function (1 − x)² + 100 (y − x²)² from (−1.2, 1); ${data.describe}`,
      budget: `Rosenbrock: ${steps} full-gradient steps per run; MNIST: MLP 784-64-10, batch 32, ${size.epochs} epochs (${size.epochs * size.train} examples) per run`,
      numbers: {
        rosenbrock: { start, lr, beta, final: rbFinal },
        mnist: mn.map((x) => ({ run: x.run, final: x.curve.at(-1), curve: x.curve })),
      },
      plots: {
        'rosenbrock-trajectories': {
          title: { text: `Rosenbrock: ${steps} steps from (−1.2, 1) at lr ${lr}`, subtitle: 'dashed: the valley floor y = x²; cross: the minimum (1, 1)' },
          width: 420,
          height: 300,
          layer: [
            {
              data: { values: Array.from({ length: 61 }, (_, i) => ({ x: -1.5 + i * 0.05, y: (-1.5 + i * 0.05) ** 2 })) },
              mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
              encoding: { x: { field: 'x', type: 'quantitative', scale: { domain: [-1.5, 1.5] } }, y: { field: 'y', type: 'quantitative', scale: { domain: [-0.5, 2.25] } } },
            },
            {
              data: { values: rb.flatMap((x) => x.path.filter((p) => Math.abs(p.x) <= 1.5 && p.y >= -0.5 && p.y <= 2.25).map((p) => ({ ...p, run: x.run }))) },
              mark: { type: 'line', point: { size: 8 }, clip: true },
              encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, order: { field: 'step' }, color: { field: 'run', type: 'nominal', legend: { orient: 'bottom', columns: 1 } } },
            },
            { data: { values: [{ x: 1, y: 1 }] }, mark: { type: 'point', shape: 'cross', size: 120, color: 'black' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
          ],
        },
        'rosenbrock-loss': lineChart(
          rb.flatMap((x) => x.path.filter((p) => Number.isFinite(p.loss) && p.loss > 0 && p.loss < 1e6).map((p) => ({ step: p.step, loss: p.loss, run: x.run }))),
          { x: 'step', y: 'loss', series: 'run', title: 'Rosenbrock loss against steps (log scale)', logY: true },
        ),
        'mnist-loss': lineChart(
          mn.flatMap((x) => x.curve.map((c) => ({ examples: c.examples, loss: c.testLoss, run: x.run }))),
          { x: 'examples', y: 'loss', series: 'run', title: `MNIST MLP: held-out loss at a small learning rate`, xTitle: 'training examples processed', yTitle: 'held-out cross-entropy', points: true },
        ),
      },
    };
  },
};
