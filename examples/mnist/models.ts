/**
 * The two networks the main job can train: LeNet (the default) and a one-hidden-layer MLP.
 */
import { nn } from '@profundo/core';
import { Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';

/** Model names accepted by {@link makeModel}. */
export const modelNames = ['lenet', 'mlp'] as const;

/** Whether the model takes images `[N, 1, 28, 28]` (CNN) or flat vectors `[N, 784]`. */
export function takesImages(name: string): boolean {
  return name === 'lenet';
}

/**
 * LeNet-5 in its modern form: two convolution + max-pool stages learn local features with
 * shared weights, then three fully connected layers classify; dropout between them keeps
 * 8,000 training digits from being memorized.
 */
function lenet(): nn.Sequential {
  return new nn.Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new MaxPool2d(2), // 6 × 14 × 14
    new Conv2d(6, 16, 5), new nn.ReLU(), new MaxPool2d(2), // 16 × 5 × 5
    new Flatten(),
    new nn.Linear(400, 120), new nn.ReLU(), new nn.Dropout(0.25),
    new nn.Linear(120, 84), new nn.ReLU(), new nn.Dropout(0.25),
    new nn.Linear(84, 10),
  );
}

/**
 * The main job's training defaults (train.ts's command-line defaults), shared with the soak
 * test so both train the same way.
 */
export const trainDefaults = { optimizer: 'momentum', momentum: 0.9, batchSize: 64, epochs: 12, hidden: 256, seed: 0 } as const;

/** The main job's default weight decay for the model `name`: 5e-4 for LeNet, none for the MLP. */
export function defaultWeightDecay(name: string): number {
  return name === 'lenet' ? 5e-4 : 0;
}

/** Builds the model `name`; `hidden` is the MLP's width. */
export function makeModel(name: string, hidden: number): nn.Sequential {
  if (name === 'lenet') return lenet();
  if (name === 'mlp') return new nn.Sequential(new nn.Linear(784, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
  throw new Error(`unknown model '${name}'; choose one of: ${modelNames.join(', ')}`);
}
