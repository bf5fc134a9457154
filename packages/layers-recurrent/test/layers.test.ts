/**
 * The recurrent layers' API: PyTorch's state-dict keys, shapes, order and init range (so a
 * PyTorch state dict loads strictly), padSequence's values and masks, and training: a step
 * inside `tidy` leaves `memory()` flat, on the CPU backend and on gpu.js (headless-gl), and a
 * small LSTM learns a task that needs memory.
 */
import * as pf from '@profundo/core';
import { memory, nn, tensor, tidy, zeros, type Tensor } from '@profundo/core';
import { SGD } from '@profundo/optimizers';
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, padSequence } from '../src/index.js';
import { BACKENDS, CPU, useBackend } from './helpers.js';

const shapes = (m: nn.Module): string[] => m.namedParameters().map(([n, p]) => `${n} [${p.shape}]`);
const values = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

describe('PyTorch state-dict keys', () => {
  useBackend(CPU);

  it('LSTM(10, 20, num_layers=2, bidirectional=True) has PyTorch\'s keys, shapes and order', () => {
    // list((n, tuple(p.shape)) for n, p in torch.nn.LSTM(10, 20, 2, bidirectional=True).named_parameters())
    expect(shapes(new LSTM(10, 20, { numLayers: 2, bidirectional: true }))).toEqual([
      'weight_ih_l0 [80,10]', 'weight_hh_l0 [80,20]', 'bias_ih_l0 [80]', 'bias_hh_l0 [80]',
      'weight_ih_l0_reverse [80,10]', 'weight_hh_l0_reverse [80,20]', 'bias_ih_l0_reverse [80]', 'bias_hh_l0_reverse [80]',
      'weight_ih_l1 [80,40]', 'weight_hh_l1 [80,20]', 'bias_ih_l1 [80]', 'bias_hh_l1 [80]',
      'weight_ih_l1_reverse [80,40]', 'weight_hh_l1_reverse [80,20]', 'bias_ih_l1_reverse [80]', 'bias_hh_l1_reverse [80]',
    ]);
  });

  it('GRU (3 gates), RNN (1) and bias: false; the cells', () => {
    expect(shapes(new GRU(4, 5, { numLayers: 2, bias: false }))).toEqual([
      'weight_ih_l0 [15,4]', 'weight_hh_l0 [15,5]', 'weight_ih_l1 [15,5]', 'weight_hh_l1 [15,5]',
    ]);
    expect(shapes(new RNN(4, 5, { nonlinearity: 'relu' }))).toEqual(['weight_ih_l0 [5,4]', 'weight_hh_l0 [5,5]', 'bias_ih_l0 [5]', 'bias_hh_l0 [5]']);
    expect(shapes(new LSTMCell(4, 5))).toEqual(['weight_ih [20,4]', 'weight_hh [20,5]', 'bias_ih [20]', 'bias_hh [20]']);
    expect(shapes(new GRUCell(4, 5, { bias: false }))).toEqual(['weight_ih [15,4]', 'weight_hh [15,5]']);
    expect(shapes(new RNNCell(4, 5))).toEqual(['weight_ih [5,4]', 'weight_hh [5,5]', 'bias_ih [5]', 'bias_hh [5]']);
  });

  it('loads a state dict with PyTorch\'s keys strictly, and refuses one with a key missing', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const state: Record<string, Tensor> = {};
    for (const l of [0, 1]) {
      for (const sfx of ['', '_reverse']) {
        state[`weight_ih_l${l}${sfx}`] = pf.full([16, l === 0 ? 3 : 8], 0.5);
        state[`weight_hh_l${l}${sfx}`] = pf.full([16, 4], 0.25);
        state[`bias_ih_l${l}${sfx}`] = pf.full([16], 0.125);
        state[`bias_hh_l${l}${sfx}`] = pf.full([16], -0.125);
      }
    }
    lstm.loadStateDict(state);
    expect(values(lstm.stateDict()['weight_ih_l1_reverse']!).every((v) => v === 0.5)).toBe(true);
    const { bias_hh_l1: _dropped, ...partial } = state;
    expect(() => new LSTM(3, 4, { numLayers: 2, bidirectional: true }).loadStateDict(partial)).toThrow(/missing keys \[bias_hh_l1\]/);
  });

  it('draws every parameter from U(-1/sqrt(H), 1/sqrt(H)), seeded', () => {
    pf.manualSeed(4);
    const a = new GRU(8, 16, { numLayers: 2 });
    pf.manualSeed(4);
    const b = new GRU(8, 16, { numLayers: 2 });
    const all = a.parameters().flatMap(values);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...all)).toBeGreaterThan(0.24);
    expect(Math.min(...all)).toBeLessThan(-0.24);
    expect(b.parameters().flatMap(values)).toEqual(all);
  });
});

describe('padSequence', () => {
  useBackend(CPU);

  it('pads to the longest, time-major by default, with lengths and both masks', () => {
    const { padded, lengths, mask, paddingMask } = padSequence([tensor([[1, 1], [2, 2]]), tensor([[3, 3], [4, 4], [5, 5]]), tensor([[6, 6]])], { paddingValue: -1 });
    expect(padded.shape).toEqual([3, 3, 2]);
    expect(values(padded)).toEqual([1, 1, 3, 3, 6, 6, 2, 2, 4, 4, -1, -1, -1, -1, 5, 5, -1, -1]);
    expect(lengths).toEqual([2, 3, 1]);
    expect(mask.dtype).toBe('bool');
    expect(mask.shape).toEqual([3, 3]);
    expect(values(mask)).toEqual([1, 1, 1, 1, 1, 0, 0, 1, 0]);
    expect(values(paddingMask)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 1]);
  });

  it('batch-first int32 sequences; the output feeds a batch-first GRU, and the mask picks the real steps', () => {
    const { padded, mask, lengths } = padSequence([tensor(Int32Array.from([7, 8, 9]), { dtype: 'int32' }), tensor(Int32Array.from([5]), { dtype: 'int32' })], { batchFirst: true });
    expect(padded.dtype).toBe('int32');
    expect(values(padded)).toEqual([7, 8, 9, 5, 0, 0]);
    expect(values(mask)).toEqual([1, 1, 1, 1, 0, 0]);
    const gru = new GRU(1, 3, { batchFirst: true });
    const out = gru.forward(padded.float().unsqueeze(2));
    expect(out.shape).toEqual([2, 3, 3]);
    // A padded step's output is zeroed by the mask; a real one is kept.
    const kept = pf.where(mask.unsqueeze(2), out, zeros([1]));
    expect(values(kept).slice(12)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(values(kept).slice(0, 9)).toEqual(values(out).slice(0, 9));
    expect(lengths).toEqual([3, 1]);
  });
});

describe.each(BACKENDS.map((b) => [b.name, b] as const))('training on %s', (_name, backend) => {
  useBackend(backend);

  it.each([
    ['LSTM', () => new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.2 })],
    ['GRU', () => new GRU(3, 4, { numLayers: 2, batchFirst: true })],
    ['RNN', () => new RNN(3, 4, { nonlinearity: 'relu', bidirectional: true, batchFirst: true })],
  ] as const)('%s: a training step inside tidy leaves memory() flat', (_n, make) => {
    pf.manualSeed(1);
    const rnn = make();
    const head = new nn.Linear(8 / (rnn.bidirectional ? 1 : 2), 1);
    const opt = new SGD([...rnn.parameters(), ...head.parameters()], { lr: 0.1 });
    const x = pf.randn([2, 5, 3]);
    const y = pf.randn([2, 1]);
    const counts: number[] = [];
    const held: string[] = [];
    const device = pf.getBackend() as pf.Backend & { deviceMemory?: () => { buffers: number; bytes: number } };
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      const loss = tidy(() => {
        opt.zeroGrad();
        const [out, h] = rnn instanceof LSTM ? [rnn.forward(x), null] : rnn.forwardWithState(x);
        expect(h === null || h.shape[0] === rnn.numLayers * (rnn.bidirectional ? 2 : 1)).toBe(true);
        const last = out.narrow(rnn.batchFirst ? 1 : 0, 4, 1).reshape([2, -1]);
        const l = nn.mseLoss(head.forward(last), y);
        l.backward();
        opt.step();
        return l;
      });
      losses.push(values(loss)[0]!);
      loss.dispose();
      counts.push(memory().tensors);
      // On gpu.js: the textures that live tensors hold (not the kernel cache).
      if (device.deviceMemory) held.push(JSON.stringify([device.deviceMemory().buffers, device.deviceMemory().bytes]));
    }
    expect(new Set(counts).size).toBe(1);
    expect(new Set(held).size).toBeLessThanOrEqual(1);
    expect(held.length).toBe(backend === CPU ? 0 : 4);
    expect(losses[3]).toBeLessThan(losses[0]!);
  });
});

describe('learning', () => {
  useBackend(CPU);

  it('an LSTM learns to recall the first token of a sequence', () => {
    // x: one-hot token (2 classes) at step 0, noise after; target: that token, read at the last step.
    pf.manualSeed(0);
    const lstm = new LSTM(2, 8, { batchFirst: true });
    const head = new nn.Linear(8, 2);
    const opt = new SGD([...lstm.parameters(), ...head.parameters()], { lr: 0.5, momentum: 0.9 });
    const N = 16;
    const T = 6;
    const labels = Array.from({ length: N }, (_, i) => i % 2);
    const xs = new Float32Array(N * T * 2);
    labels.forEach((c, i) => (xs[i * T * 2 + c] = 1));
    const x = tensor(xs, { shape: [N, T, 2] });
    const target = tensor(Int32Array.from(labels), { dtype: 'int32' });
    let loss = Infinity;
    for (let step = 0; step < 60; step++) {
      loss = tidy(() => {
        opt.zeroGrad();
        const out = lstm.forward(x).narrow(1, T - 1, 1).reshape([N, 8]);
        const l = nn.crossEntropy(head.forward(out), target);
        l.backward();
        opt.step();
        return values(l)[0]!;
      });
    }
    expect(loss).toBeLessThan(0.1);
  });
});
