/**
 * C6: "softmax turns the outputs into probabilities; a trained network is nearly 100% sure of
 * the right digit".
 *
 * Trains a small MLP on an MNIST subset and compares the softmax outputs before and after
 * training: a probability table for a few held-out digits, the histogram of the confidence
 * (largest probability) on the held-out set, split by right and wrong, and a reliability
 * (calibration) diagram with its expected calibration error.
 */
import { manualSeed } from '@profundo/core';
import { SGD } from '@profundo/optimizers';
import { r, type Experiment } from '../lib/lab.js';
import { mlp, mnistSubsets, probabilities, train } from '../lib/mnist.js';

const BINS = 10;

function stats(p: number[][], y: Int32Array) {
  const n = p.length;
  const conf = p.map((row) => Math.max(...row));
  const pred = p.map((row) => row.indexOf(Math.max(...row)));
  const right = pred.map((k, i) => k === y[i]);
  const pTrue = p.map((row, i) => row[y[i]!]!).sort((a, b) => a - b);
  const sums = p.map((row) => row.reduce((s, v) => s + v, 0));
  const bins = Array.from({ length: BINS }, (_, b) => ({ lo: b / BINS, hi: (b + 1) / BINS, count: 0, confSum: 0, correct: 0 }));
  conf.forEach((c, i) => {
    const b = bins[Math.min(BINS - 1, Math.floor(c * BINS))]!;
    b.count++;
    b.confSum += c;
    b.correct += Number(right[i]);
  });
  const ece = bins.reduce((s, b) => s + (b.count ? (b.count / n) * Math.abs(b.correct / b.count - b.confSum / b.count) : 0), 0);
  const wrong = conf.filter((_, i) => !right[i]);
  return {
    accuracy: right.filter(Boolean).length / n,
    medianProbOfTrueDigit: pTrue[Math.floor(n / 2)]!,
    shareTrueDigitAbove099: pTrue.filter((v) => v > 0.99).length / n,
    meanConfidence: conf.reduce((s, v) => s + v, 0) / n,
    meanConfidenceOnMistakes: wrong.length ? wrong.reduce((s, v) => s + v, 0) / wrong.length : null,
    maxAbsRowSumMinus1: Math.max(...sums.map((s) => Math.abs(s - 1))),
    minProbability: Math.min(...p.flat()),
    ece,
    bins: bins.map((b) => ({ bin: `${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, count: b.count, meanConfidence: b.count ? b.confSum / b.count : null, accuracy: b.count ? b.correct / b.count : null })),
    conf,
    right,
  };
}

export const softmaxConfidence: Experiment = {
  id: 'c6',
  name: 'softmax-confidence',
  claim: 'softmax turns outputs into probabilities; a trained net is near 100% sure of the right digit',
  async run(ctx) {
    const size = ctx.tiny ? { train: 500, test: 200, epochs: 1 } : { train: 4000, test: 2000, epochs: 10 };
    const data = await mnistSubsets({ seed: ctx.seed, train: size.train, test: size.test });
    manualSeed(ctx.seed);
    const model = mlp(64);
    const before = probabilities(model, data.test);
    const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const curve = train(model, opt, { train: data.train, evalOn: data.test, batchSize: 64, examples: size.epochs * size.train, checkpoints: size.epochs, seed: ctx.seed });
    const after = probabilities(model, data.test);
    const s0 = stats(before, data.test.y);
    const s1 = stats(after, data.test.y);
    ctx.log(`test accuracy ${(s1.accuracy * 100).toFixed(1)}%, median p(true digit) ${s0.medianProbOfTrueDigit.toFixed(3)} → ${s1.medianProbOfTrueDigit.toFixed(3)}, ECE ${s1.ece.toFixed(3)}`);

    const table = (p: number[][]) => Array.from({ length: 5 }, (_, i) => ({ digit: data.test.y[i]!, probabilities: p[i]!.map((v) => r(v, 3)) }));
    const isProb = s1.maxAbsRowSumMinus1 < 1e-5 && s1.minProbability >= 0 && s0.maxAbsRowSumMinus1 < 1e-5;
    const sure = s1.medianProbOfTrueDigit >= 0.95;
    const verdict = isProb && sure ? 'holds' : isProb ? 'holds partly' : 'does not hold';
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const summary = (s: ReturnType<typeof stats>) => {
      const { conf: _c, right: _r, ...rest } = s;
      return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'number' ? r(v) : v]));
    };
    const histRows = (['before', 'after'] as const).flatMap((when) => {
      const s = when === 'before' ? s0 : s1;
      return s.conf.map((c, i) => ({ when: `${when} training`, confidence: c, outcome: s.right[i] ? 'right' : 'wrong' }));
    });
    const reliability = (['before', 'after'] as const).flatMap((when) =>
      (when === 'before' ? s0 : s1).bins.filter((b) => b.count > 0).map((b) => ({ when: `${when} training`, meanConfidence: b.meanConfidence, accuracy: b.accuracy, count: b.count })),
    );
    return {
      verdict,
      because:
        `softmax rows are probabilities (non-negative, sum to 1 within ${s1.maxAbsRowSumMinus1.toExponential(0)}); after training (test accuracy ${pct(s1.accuracy)}) ` +
        `the median probability of the right digit rises from ${s0.medianProbOfTrueDigit.toFixed(2)} to ${s1.medianProbOfTrueDigit.toFixed(3)}, ${pct(s1.shareTrueDigitAbove099)} of digits get more than 0.99, ` +
        ((s1.meanConfidenceOnMistakes ?? 0) > 0.7 ? 'but it is also sure when wrong' : 'and it is less sure on its mistakes') +
        ` (mean confidence on mistakes ${s1.meanConfidenceOnMistakes?.toFixed(2) ?? '—'}; expected calibration error ${s1.ece.toFixed(3)})`,
      data: data.describe,
      budget: `MLP 784-64-10, SGD lr 0.05 momentum 0.9, batch 64, ${size.epochs} epoch(s) (${size.epochs * size.train} examples)`,
      numbers: {
        before: summary(s0),
        after: summary(s1),
        probabilityTable: { before: table(before), after: table(after) },
        trainingCurve: curve,
      },
      plots: {
        'probability-table': {
          title: 'Softmax probabilities of five held-out digits, before and after training',
          data: {
            values: (['before', 'after'] as const).flatMap((when) =>
              table(when === 'before' ? before : after).flatMap((row, i) =>
                row.probabilities.map((p, k) => ({ when: `${when} training`, example: `#${i} (a ${row.digit})`, class: k, p })),
              ),
            ),
          },
          facet: { column: { field: 'when', type: 'nominal', sort: 'descending', title: null } },
          spec: {
            width: 260,
            height: 130,
            layer: [
              { mark: 'rect', encoding: { x: { field: 'class', type: 'ordinal', title: 'digit' }, y: { field: 'example', type: 'ordinal', title: null }, color: { field: 'p', type: 'quantitative', scale: { domain: [0, 1] }, title: 'probability' } } },
              { mark: { type: 'text', fontSize: 8 }, encoding: { x: { field: 'class', type: 'ordinal' }, y: { field: 'example', type: 'ordinal' }, text: { field: 'p', format: '.2f' }, color: { condition: { test: 'datum.p > 0.5', value: 'white' }, value: 'black' } } },
            ],
          },
        },
        'confidence-histogram': {
          title: 'Confidence (largest softmax probability) on the held-out digits',
          data: { values: histRows },
          facet: { column: { field: 'when', type: 'nominal', sort: 'descending', title: null } },
          spec: {
            width: 260,
            height: 200,
            mark: 'bar',
            encoding: {
              x: { field: 'confidence', type: 'quantitative', bin: { extent: [0, 1], step: 0.05 }, title: 'confidence' },
              y: { aggregate: 'count', type: 'quantitative', title: 'digits (stacked)' },
              color: { field: 'outcome', type: 'nominal', scale: { domain: ['right', 'wrong'], range: ['#4c78a8', '#e45756'] } },
            },
          },
        },
        calibration: {
          title: { text: 'Reliability diagram: accuracy against confidence (10 bins)', subtitle: `expected calibration error before ${s0.ece.toFixed(4)}, after ${s1.ece.toFixed(4)}; the diagonal is perfect calibration` },
          width: 300,
          height: 300,
          layer: [
            { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
            {
              data: { values: reliability },
              mark: { type: 'line', point: true },
              encoding: {
                x: { field: 'meanConfidence', type: 'quantitative', scale: { domain: [0, 1] }, title: 'mean confidence in bin' },
                y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy in bin' },
                color: { field: 'when', type: 'nominal', title: null },
              },
            },
          ],
        },
      },
    };
  },
};
