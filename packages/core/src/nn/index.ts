/**
 * Neural-network building blocks: modules, layers, activations, dropout, losses and
 * initializers, with PyTorch's names.
 *
 * @module
 */
export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Linear } from './linear.js';
export { Sequential } from './sequential.js';
export { ReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, Identity } from './activations.js';
export { Dropout, dropout } from './dropout.js';
export { crossEntropy, nllLoss, mseLoss, binaryCrossEntropy, type Reduction } from './losses.js';
export * as init from './init.js';
