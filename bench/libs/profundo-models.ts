/**
 * The training-step networks of workloads/steps.ts built from Profundo's layers (PyTorch layout and
 * state-dict keys) with the shared weights. Shared by the CPU bench (profundo.ts) and the gpu.js
 * browser bench (gpujs-page.ts): it runs on whatever backend is current and imports nothing Node-only.
 */
import * as pf from '@profundo/core';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import { TransformerEncoderLayer } from '@profundo/layers-transformer';
import { Adam, SGD } from '@profundo/optimizers';
import type { HostTensor } from '../harness/data.js';
import { LENET, MLP, STATE_DICT_KEYS, TRANSFORMER, stepData, type StepCase } from '../workloads/steps.js';

export function tensor(t: HostTensor): pf.Tensor {
  return t.values instanceof Int32Array
    ? pf.tensor(t.values, { shape: t.shape, dtype: 'int32' })
    : pf.tensor(t.values, { shape: t.shape });
}

/** The network (PyTorch layout and state-dict keys) and its loss. */
export function network(model: StepCase['model']): { net: pf.nn.Module; loss: (out: pf.Tensor, y: pf.Tensor) => pf.Tensor } {
  const { nn } = pf;
  switch (model) {
    case 'mlp':
      return {
        net: new nn.Sequential(new nn.Linear(MLP.input, MLP.hidden), new nn.ReLU(), new nn.Linear(MLP.hidden, MLP.classes)),
        loss: (out, y) => nn.crossEntropy(out, y),
      };
    case 'transformer': {
      const { dModel, heads, ff, eps } = TRANSFORMER;
      return {
        net: new TransformerEncoderLayer(dModel, heads, { dimFeedforward: ff, dropout: 0, layerNormEps: eps }),
        loss: (out, y) => nn.mseLoss(out, y),
      };
    }
    case 'lenet': {
      const { c1, c2, hidden, classes } = LENET;
      return {
        net: new nn.Sequential(
          new Conv2d(1, c1, 5, { padding: 2 }),
          new nn.ReLU(),
          new MaxPool2d(2),
          new Conv2d(c1, c2, 5, { padding: 2 }),
          new nn.ReLU(),
          new MaxPool2d(2),
          new Flatten(),
          new nn.Linear(c2 * 7 * 7, hidden),
          new nn.ReLU(),
          new nn.Linear(hidden, classes),
        ),
        loss: (out, y) => nn.crossEntropy(out, y),
      };
    }
  }
}

/** A step's network loaded with the shared weights, its batch, its optimizer and its loss on a batch. */
export interface StepModel {
  readonly net: pf.nn.Module;
  readonly x: pf.Tensor;
  readonly y: pf.Tensor;
  readonly params: pf.Tensor[];
  readonly opt: Adam | SGD;
  /** The scalar loss of the network on (x, y). */
  readonly loss: (x: pf.Tensor, y: pf.Tensor) => pf.Tensor;
}

/** Builds `c`'s network on the current backend from the shared weights (untimed). */
export function stepModel(c: StepCase): StepModel {
  const data = stepData(c.model);
  const { net, loss } = network(c.model);
  const keys = STATE_DICT_KEYS[c.model];
  const state = Object.fromEntries(Object.entries(data.params).map(([k, t]) => [keys[k]!, tensor(t)]));
  net.loadStateDict(state);
  pf.dispose(Object.values(state));
  const x = tensor(data.x);
  const y = tensor(data.y);
  const params = net.parameters();
  const opt = c.optimizer.kind === 'adam' ? new Adam(params, { lr: c.optimizer.lr }) : new SGD(params, { lr: c.optimizer.lr });
  return { net, x, y, params, opt, loss: (xb, yb) => loss(net.forward(xb), yb) };
}
