/**
 * `@profundo/layers-cnn`: convolution, pooling, batch-normalization and flattening layers for
 * Profundo, with PyTorch's NCHW layout, OIHW weights, defaults, initialization and state-dict
 * keys.
 *
 * @example
 * ```ts
 * import { nn, randn, registerBackend, setBackend } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 * import { Conv2d, MaxPool2d, Flatten } from '@profundo/layers-cnn';
 *
 * registerBackend('cpu', createCpuBackend);
 * await setBackend('cpu');
 * const lenet = new nn.Sequential(
 *   new Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new MaxPool2d(2),
 *   new Conv2d(6, 16, 5), new nn.ReLU(), new MaxPool2d(2),
 *   new Flatten(),
 *   new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
 * );
 * lenet.forward(randn([64, 1, 28, 28])).shape; // [64, 10]
 * lenet.namedParameters()[0]![0];              // '0.weight'
 * ```
 *
 * @packageDocumentation
 */
export { Conv2d, type Conv2dLayerOptions } from './conv2d.js';
export { MaxPool2d, type MaxPool2dLayerOptions } from './max-pool2d.js';
export { AvgPool2d, type AvgPool2dLayerOptions } from './avg-pool2d.js';
export { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm2d.js';
export { Flatten } from './flatten.js';
