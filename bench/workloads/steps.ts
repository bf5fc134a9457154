/**
 * Training-step workloads. Each library builds the same network from the same initial weights
 * (given here in PyTorch layout under library-neutral names) and trains on the same batch; one
 * timed call is one full step: forward, backward, optimizer update, and reading the loss.
 *
 * - mlp: 784-256-10 with ReLU, softmax cross-entropy, SGD (lr 0.01), batch 64.
 * - transformer: one post-LN encoder layer (d_model 64, 4 heads, FFN 256 ReLU, no dropout) on
 *   x[16, 32, 64], MSE against a fixed random target, SGD (lr 0.01).
 * - lenet: conv 5×5 1→32 pad 2 · relu · maxpool 2 · conv 5×5 32→64 pad 2 · relu · maxpool 2 ·
 *   flatten 3136 → 128 · relu → 10, cross-entropy, Adam (lr 1e-3), batch 64.
 */
import { constant, labels, uniform, type HostTensor } from '../harness/data.js';

export type ModelName = 'mlp' | 'transformer' | 'lenet';

export interface Optimizer {
  readonly kind: 'sgd' | 'adam';
  readonly lr: number;
}

export interface StepCase {
  readonly kind: 'step';
  readonly id: string;
  readonly model: ModelName;
  readonly optimizer: Optimizer;
}

export const stepCases: readonly StepCase[] = [
  { kind: 'step', id: 'MLP 784-256-10, batch 64, SGD', model: 'mlp', optimizer: { kind: 'sgd', lr: 0.01 } },
  { kind: 'step', id: 'Transformer encoder layer, 16×32×64, SGD', model: 'transformer', optimizer: { kind: 'sgd', lr: 0.01 } },
  { kind: 'step', id: 'LeNet 32/64 ch, batch 64, Adam', model: 'lenet', optimizer: { kind: 'adam', lr: 1e-3 } },
];

/** Sizes of the networks above. */
export const MLP = { batch: 64, input: 784, hidden: 256, classes: 10 } as const;
export const TRANSFORMER = { batch: 16, seq: 32, dModel: 64, heads: 4, ff: 256, eps: 1e-5 } as const;
export const LENET = { batch: 64, c1: 32, c2: 64, hidden: 128, classes: 10 } as const;

/**
 * Parameters (PyTorch layouts: Linear `[out, in]`, conv OIHW) under neutral names, the input `x`
 * and the target `y`: int32 class labels for the classifiers, a float tensor for the transformer.
 */
export interface StepData {
  readonly params: Readonly<Record<string, HostTensor>>;
  readonly x: HostTensor;
  readonly y: HostTensor;
}

/**
 * State-dict keys of each network built the PyTorch way (`nn.Sequential` indices, the encoder
 * layer's own names), for the neutral parameter names above. Profundo and PyTorch share them.
 */
export const STATE_DICT_KEYS: Readonly<Record<ModelName, Readonly<Record<string, string>>>> = {
  mlp: { 'fc1.weight': '0.weight', 'fc1.bias': '0.bias', 'fc2.weight': '2.weight', 'fc2.bias': '2.bias' },
  transformer: {
    in_proj_weight: 'self_attn.in_proj_weight',
    in_proj_bias: 'self_attn.in_proj_bias',
    'out_proj.weight': 'self_attn.out_proj.weight',
    'out_proj.bias': 'self_attn.out_proj.bias',
    ...Object.fromEntries(
      ['linear1', 'linear2', 'norm1', 'norm2'].flatMap((m) => [`${m}.weight`, `${m}.bias`].map((k) => [k, k])),
    ),
  },
  lenet: {
    'conv1.weight': '0.weight',
    'conv1.bias': '0.bias',
    'conv2.weight': '3.weight',
    'conv2.bias': '3.bias',
    'fc1.weight': '7.weight',
    'fc1.bias': '7.bias',
    'fc2.weight': '9.weight',
    'fc2.bias': '9.bias',
  },
};

/** PyTorch's default init for Linear and Conv2d: U(-1/√fan_in, 1/√fan_in). */
function kaiming(shape: readonly number[], fanIn: number, seed: number): HostTensor {
  const b = 1 / Math.sqrt(fanIn);
  return uniform(shape, seed, -b, b);
}

function linear(params: Record<string, HostTensor>, name: string, out: number, inp: number, seed: number): void {
  params[`${name}.weight`] = kaiming([out, inp], inp, seed);
  params[`${name}.bias`] = kaiming([out], inp, seed + 1);
}

export function stepData(model: ModelName): StepData {
  const params: Record<string, HostTensor> = {};
  switch (model) {
    case 'mlp': {
      const { batch, input, hidden, classes } = MLP;
      linear(params, 'fc1', hidden, input, 10);
      linear(params, 'fc2', classes, hidden, 20);
      return { params, x: uniform([batch, input], 30, 0, 1), y: labels(batch, classes, 31) };
    }
    case 'transformer': {
      const { batch, seq, dModel: d, ff } = TRANSFORMER;
      const xavier = Math.sqrt(6 / (d + 3 * d));
      params['in_proj_weight'] = uniform([3 * d, d], 40, -xavier, xavier);
      params['in_proj_bias'] = constant([3 * d], 0);
      linear(params, 'out_proj', d, d, 42);
      linear(params, 'linear1', ff, d, 44);
      linear(params, 'linear2', d, ff, 46);
      for (const norm of ['norm1', 'norm2']) {
        params[`${norm}.weight`] = constant([d], 1);
        params[`${norm}.bias`] = constant([d], 0);
      }
      return { params, x: uniform([batch, seq, d], 50, -1, 1), y: uniform([batch, seq, d], 51, -1, 1) };
    }
    case 'lenet': {
      const { batch, c1, c2, hidden, classes } = LENET;
      params['conv1.weight'] = kaiming([c1, 1, 5, 5], 25, 60);
      params['conv1.bias'] = kaiming([c1], 25, 61);
      params['conv2.weight'] = kaiming([c2, c1, 5, 5], c1 * 25, 62);
      params['conv2.bias'] = kaiming([c2], c1 * 25, 63);
      linear(params, 'fc1', hidden, c2 * 7 * 7, 64);
      linear(params, 'fc2', classes, hidden, 66);
      return { params, x: uniform([batch, 1, 28, 28], 70, 0, 1), y: labels(batch, classes, 71) };
    }
  }
}
