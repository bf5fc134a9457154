/**
 * Neural-network building blocks: modules, layers, activations, dropout, losses and
 * initializers, with PyTorch's names.
 *
 * @module
 */
export { Module } from './module.js';
export { expectFloat, expectLive, expectOneBackend } from './input-checks.js';
export { Parameter } from './parameter.js';
export { Linear } from './linear.js';
export { Sequential } from './sequential.js';
export { ReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, Identity } from './activations.js';
export { Dropout, dropout } from './dropout.js';
export {
  crossEntropy,
  nllLoss,
  mseLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  klDiv,
  type Reduction,
  type KLDivReduction,
  type ClassLossOptions,
  type CrossEntropyOptions,
  type BCEWithLogitsOptions,
  type KLDivOptions,
} from './losses.js';
export {
  CrossEntropyLoss,
  NLLLoss,
  BCEWithLogitsLoss,
  BCELoss,
  MSELoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  KLDivLoss,
} from './loss-modules.js';
export * as init from './init.js';
