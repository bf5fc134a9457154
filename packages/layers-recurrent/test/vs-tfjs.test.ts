/**
 * RNN (tanh, ReLU), LSTM, GRU and their cells against a reference written here with
 * TensorFlow.js ops (tfjs-core + tfjs-backend-cpu): the PyTorch equations spelled out gate by
 * gate, each gate's weights sliced from the packed `[G·H, ·]` matrices in PyTorch's order
 * (LSTM i, f, g, o; GRU r, z, n with `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`), the
 * backward direction run over the reversed sequence. Forward values (output, hN, cN) and the
 * gradients with respect to the input, the initial states and every parameter, through random
 * upstream weightings (`sum(wₒ · output) + sum(w_h · hN) + …`), so a wrong gradient cannot hide
 * behind an all-ones upstream. 1 and 2 layers, one and both directions, batch-first and not,
 * with and without initial states, without biases, unbatched; on the CPU backend and on gpu.js
 * (headless-gl). In Node, `@tensorflow/tfjs-layers` is what registers tfjs's gradients.
 */
import * as pf from '@profundo/core';
import { tensor, type Tensor } from '@profundo/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../src/index.js';
import { BACKENDS, expectClose, seeded, uniformArray, useBackend, type TestBackend } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => tf.engine().startScope());
afterEach(() => tf.engine().endScope());

type Mode = 'tanh' | 'relu' | 'lstm' | 'gru';

// ----- the reference ------------------------------------------------------------------------

type TfParams = Record<string, tf.Tensor>;

/** One step of the PyTorch cell, in tfjs, gate by gate. `x` `[N, in]`, `h`, `c` `[N, H]`. */
function tfStep(mode: Mode, x: tf.Tensor, h: tf.Tensor, c: tf.Tensor | null, p: TfParams, sfx: string, H: number): [tf.Tensor, tf.Tensor | null] {
  const wih = p[`weight_ih${sfx}`]!;
  const whh = p[`weight_hh${sfx}`]!;
  const bih = p[`bias_ih${sfx}`];
  const bhh = p[`bias_hh${sfx}`];
  // W_{·k} v + b_{·k}: rows k·H … (k+1)·H of the packed weight.
  const lin = (v: tf.Tensor, w: tf.Tensor, b: tf.Tensor | undefined, k: number): tf.Tensor => {
    const y = tf.matMul(v as tf.Tensor2D, tf.slice(w, [k * H, 0], [H, w.shape[1]!]) as tf.Tensor2D, false, true);
    return b ? tf.add(y, tf.slice(b, [k * H], [H])) : y;
  };
  const both = (k: number): tf.Tensor => tf.add(lin(x, wih, bih, k), lin(h, whh, bhh, k));
  switch (mode) {
    case 'tanh':
      return [tf.tanh(both(0)), null];
    case 'relu':
      return [tf.relu(both(0)), null];
    case 'lstm': {
      const i = tf.sigmoid(both(0));
      const f = tf.sigmoid(both(1));
      const g = tf.tanh(both(2));
      const o = tf.sigmoid(both(3));
      const c2 = tf.add(tf.mul(f, c!), tf.mul(i, g));
      return [tf.mul(o, tf.tanh(c2)), c2];
    }
    case 'gru': {
      const r = tf.sigmoid(both(0));
      const z = tf.sigmoid(both(1));
      const n = tf.tanh(tf.add(lin(x, wih, bih, 2), tf.mul(r, lin(h, whh, bhh, 2))));
      return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)), null];
    }
  }
}

interface Config {
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  initial: boolean;
  bias?: boolean;
  unbatched?: boolean;
}

/** The whole layer in tfjs: `x` as given to the layer; returns output, hN, cN (null but for the LSTM). */
function tfLayer(mode: Mode, cfg: Config, H: number, x: tf.Tensor, p: TfParams, h0: tf.Tensor | null, c0: tf.Tensor | null): tf.Tensor[] {
  const D = cfg.bidirectional ? 2 : 1;
  let seq = cfg.unbatched ? tf.expandDims(x, 1) : cfg.batchFirst ? tf.transpose(x, [1, 0, 2]) : x; // [T, N, in]
  const [T, N] = seq.shape as number[];
  const h0b = h0 && (cfg.unbatched ? tf.expandDims(h0, 1) : h0);
  const c0b = c0 && (cfg.unbatched ? tf.expandDims(c0, 1) : c0);
  const hN: tf.Tensor[] = [];
  const cN: tf.Tensor[] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const dirOuts: tf.Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      let h = h0b ? tf.squeeze(tf.slice(h0b, [k, 0, 0], [1, N!, H]), [0]) : tf.zeros([N!, H]);
      let c: tf.Tensor | null = mode === 'lstm' ? (c0b ? tf.squeeze(tf.slice(c0b, [k, 0, 0], [1, N!, H]), [0]) : tf.zeros([N!, H])) : null;
      const steps = tf.unstack(seq, 0);
      const order = d ? steps.slice().reverse() : steps;
      const outs: tf.Tensor[] = [];
      for (const xt of order) {
        [h, c] = tfStep(mode, xt, h, c, p, sfx, H);
        outs.push(h);
      }
      dirOuts.push(tf.stack(d ? outs.reverse() : outs, 0));
      hN.push(h);
      if (c) cN.push(c);
    }
    seq = D === 2 ? tf.concat(dirOuts, 2) : dirOuts[0]!;
  }
  const out = cfg.unbatched ? tf.squeeze(seq, [1]) : cfg.batchFirst ? tf.transpose(seq, [1, 0, 2]) : seq;
  const squeezeN = (t: tf.Tensor): tf.Tensor => (cfg.unbatched ? tf.squeeze(t, [1]) : t);
  return [out, squeezeN(tf.stack(hN, 0)), ...(mode === 'lstm' ? [squeezeN(tf.stack(cN, 0))] : [])];
}

// ----- the comparison -----------------------------------------------------------------------

const f32 = (t: Tensor): Float32Array => t.dataSync() as Float32Array;

/** Builds the layer, runs both sides and compares values and gradients. */
function compareLayer(mode: Mode, cfg: Config, backend: TestBackend, seed: number): void {
  const I = 3;
  const H = 4;
  const T = 5;
  const N = 2;
  const D = cfg.bidirectional ? 2 : 1;
  const opts = { numLayers: cfg.numLayers, bidirectional: cfg.bidirectional, batchFirst: cfg.batchFirst, bias: cfg.bias ?? true };
  pf.manualSeed(seed);
  const layer = mode === 'lstm' ? new LSTM(I, H, opts) : mode === 'gru' ? new GRU(I, H, opts) : new RNN(I, H, { ...opts, nonlinearity: mode });
  const rng = seeded(seed);
  const xShape = cfg.unbatched ? [T, I] : cfg.batchFirst ? [N, T, I] : [T, N, I];
  const sShape = cfg.unbatched ? [D * cfg.numLayers, H] : [D * cfg.numLayers, N, H];
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const xv = uniformArray(rng, size(xShape));
  const h0v = cfg.initial ? uniformArray(rng, size(sShape)) : null;
  const c0v = cfg.initial && mode === 'lstm' ? uniformArray(rng, size(sShape)) : null;
  const outShape = [...xShape.slice(0, -1), D * H];
  const wOut = uniformArray(rng, size(outShape));
  const wH = uniformArray(rng, size(sShape));
  const wC = uniformArray(rng, size(sShape));

  // Profundo.
  const x = tensor(xv, { shape: xShape, requiresGrad: true });
  const h0 = h0v ? tensor(h0v, { shape: sShape, requiresGrad: true }) : undefined;
  const c0 = c0v ? tensor(c0v, { shape: sShape, requiresGrad: true }) : undefined;
  let out: Tensor, hN: Tensor, cN: Tensor | null = null;
  if (layer instanceof LSTM) [out, [hN, cN]] = layer.forwardWithState(x, h0 && c0 ? [h0, c0] : undefined);
  else [out, hN] = layer.forwardWithState(x, h0);
  expect(out.shape).toEqual(outShape);
  expect(hN.shape).toEqual(sShape);
  let loss = out.mul(tensor(wOut, { shape: outShape })).sum().add(hN.mul(tensor(wH, { shape: sShape })).sum());
  if (cN) loss = loss.add(cN.mul(tensor(wC, { shape: sShape })).sum());
  loss.backward();

  // TensorFlow.js, from the same parameter values.
  const named = layer.namedParameters();
  const pv = named.map(([, p]) => tf.tensor(f32(p), [...p.shape]));
  const extra = [tf.tensor(xv, xShape), ...(h0v ? [tf.tensor(h0v, sShape)] : []), ...(c0v ? [tf.tensor(c0v, sShape)] : [])];
  const run = (args: tf.Tensor[]): tf.Tensor[] => {
    const p: TfParams = Object.fromEntries(named.map(([n], i) => [n, args[i]!]));
    const [tx, th0, tc0] = args.slice(named.length);
    return tfLayer(mode, cfg, H, tx!, p, th0 ?? null, mode === 'lstm' ? (tc0 ?? null) : null);
  };
  const ref = run([...pv, ...extra]);
  const refLoss = (...args: tf.Tensor[]): tf.Scalar => {
    const [o, h, c] = run(args);
    let s = tf.add(tf.sum(tf.mul(o!, tf.tensor(wOut, outShape))), tf.sum(tf.mul(h!, tf.tensor(wH, sShape))));
    if (c) s = tf.add(s, tf.sum(tf.mul(c, tf.tensor(wC, sShape))));
    return s as tf.Scalar;
  };
  const grads = tf.grads(refLoss)([...pv, ...extra]);

  const tol = backend.tol;
  expectClose('output', f32(out), ref[0]!.dataSync(), tol);
  expectClose('hN', f32(hN), ref[1]!.dataSync(), tol);
  if (cN) expectClose('cN', f32(cN), ref[2]!.dataSync(), tol);
  named.forEach(([n, p], i) => expectClose(`d/d ${n}`, f32(p.grad!), grads[i]!.dataSync(), tol * 5));
  expectClose('d/d input', f32(x.grad!), grads[named.length]!.dataSync(), tol * 5);
  if (h0) expectClose('d/d h0', f32(h0.grad!), grads[named.length + 1]!.dataSync(), tol * 5);
  if (c0) expectClose('d/d c0', f32(c0.grad!), grads[named.length + 2]!.dataSync(), tol * 5);
}

const CONFIGS: [string, Config][] = [
  ['1 layer, time-major, zero state', { numLayers: 1, bidirectional: false, batchFirst: false, initial: false }],
  ['1 layer, bidirectional, batch-first, initial state', { numLayers: 1, bidirectional: true, batchFirst: true, initial: true }],
  ['2 layers, batch-first, zero state', { numLayers: 2, bidirectional: false, batchFirst: true, initial: false }],
  ['2 layers, bidirectional, time-major, initial state', { numLayers: 2, bidirectional: true, batchFirst: false, initial: true }],
  ['1 layer, no bias, initial state', { numLayers: 1, bidirectional: false, batchFirst: false, initial: true, bias: false }],
  ['2 layers, bidirectional, unbatched, initial state', { numLayers: 2, bidirectional: true, batchFirst: false, initial: true, unbatched: true }],
];
const MODES: Mode[] = ['tanh', 'relu', 'lstm', 'gru'];

describe.each(BACKENDS.map((b) => [b.name, b] as const))('on %s', (_name, backend) => {
  useBackend(backend);

  describe.each(MODES)('%s layer', (mode) => {
    it.each(CONFIGS)('%s: output, states and every gradient match tfjs', (_title, cfg) => {
      compareLayer(mode, cfg, backend, 7 + MODES.indexOf(mode) * 10 + CONFIGS.findIndex(([, c]) => c === cfg));
    });
  });

  describe.each(MODES)('%s cell', (mode) => {
    it.each([
      ['batched, zero state', true, false],
      ['batched, given state', true, true],
      ['unbatched, given state', false, true],
    ])('%s: next state and gradients match tfjs', (_t, batched, given) => {
      const I = 3;
      const H = 5;
      const N = 2;
      pf.manualSeed(3);
      const cell = mode === 'lstm' ? new LSTMCell(I, H) : mode === 'gru' ? new GRUCell(I, H) : new RNNCell(I, H, { nonlinearity: mode });
      const rng = seeded(11);
      const xs = batched ? [N, I] : [I];
      const hs = batched ? [N, H] : [H];
      const xv = uniformArray(rng, xs.reduce((a, b) => a * b));
      const hv = uniformArray(rng, hs.reduce((a, b) => a * b));
      const cv = uniformArray(rng, hs.reduce((a, b) => a * b));
      const w = uniformArray(rng, hs.reduce((a, b) => a * b));
      const x = tensor(xv, { shape: xs, requiresGrad: true });
      const h = given ? tensor(hv, { shape: hs, requiresGrad: true }) : undefined;
      const c = given && mode === 'lstm' ? tensor(cv, { shape: hs, requiresGrad: true }) : undefined;
      let h2: Tensor, c2: Tensor | null = null;
      if (cell instanceof LSTMCell) [h2, c2] = cell.forwardWithState(x, h && c ? [h, c] : undefined);
      else h2 = cell.forward(x, h);
      expect(h2.shape).toEqual(hs);
      (c2 ? h2.add(c2.mul(2)) : h2).mul(tensor(w, { shape: hs })).sum().backward();

      const named = cell.namedParameters();
      expect(named.map(([n]) => n)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
      const args = [...named.map(([, p]) => tf.tensor(f32(p), [...p.shape])), tf.tensor(xv, xs), tf.tensor(given ? hv : new Float32Array(hv.length), hs)];
      if (mode === 'lstm') args.push(tf.tensor(given ? cv : new Float32Array(cv.length), hs));
      const f = (...a: tf.Tensor[]): tf.Tensor => {
        const p: TfParams = { weight_ih: a[0]!, weight_hh: a[1]!, bias_ih: a[2]!, bias_hh: a[3]! };
        const two = (t: tf.Tensor): tf.Tensor => (batched ? t : tf.expandDims(t, 0));
        const [hh, cc] = tfStep(mode, two(a[4]!), two(a[5]!), mode === 'lstm' ? two(a[6]!) : null, p, '', H);
        const y = cc ? tf.add(hh, tf.mul(cc, 2)) : hh;
        return tf.sum(tf.mul(batched ? y : tf.squeeze(y, [0]), tf.tensor(w, hs)));
      };
      const ref = f(...args);
      const g = tf.grads(f)(args);
      const tol = backend.tol;
      const ours = (c2 ? h2.add(c2.mul(2)) : h2).mul(tensor(w, { shape: hs })).sum();
      expectClose('weighted next state', f32(ours), ref.dataSync(), tol);
      named.forEach(([n, p], i) => expectClose(`d/d ${n}`, f32(p.grad!), g[i]!.dataSync(), tol * 5));
      expectClose('d/d input', f32(x.grad!), g[4]!.dataSync(), tol * 5);
      if (h) expectClose('d/d hx', f32(h.grad!), g[5]!.dataSync(), tol * 5);
      if (c) expectClose('d/d cx', f32(c.grad!), g[6]!.dataSync(), tol * 5);
    });
  });

  it('dropout acts between layers in training only', () => {
    pf.manualSeed(5);
    const lstm = new LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = pf.randn([6, 2, 3]);
    lstm.eval();
    const a = Array.from(f32(lstm.forward(x)));
    expect(Array.from(f32(lstm.forward(x)))).toEqual(a);
    lstm.train();
    const b = Array.from(f32(lstm.forward(x)));
    expect(b).not.toEqual(a);
    // One layer: PyTorch applies no dropout (nothing follows the last layer).
    const one = new GRU(3, 4, { dropout: 0.5 });
    const y1 = Array.from(f32(one.forward(x)));
    one.eval();
    expect(Array.from(f32(one.forward(x)))).toEqual(y1);
  });

  it('keeps parameters unchanged when loaded from a state dict with PyTorch names', () => {
    pf.manualSeed(9);
    const a = new GRU(3, 4, { numLayers: 2, bidirectional: true });
    const b = new GRU(3, 4, { numLayers: 2, bidirectional: true });
    b.loadStateDict(a.stateDict());
    const x = pf.randn([5, 2, 3]);
    expect(Array.from(f32(b.forward(x)))).toEqual(Array.from(f32(a.forward(x))));
  });
});
