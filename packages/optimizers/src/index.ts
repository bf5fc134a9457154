/**
 * `@profundo/optimizers`: optimizers with PyTorch's update rules and options.
 *
 * @example
 * ```ts
 * import { SGD } from '@profundo/optimizers';
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 *
 * @packageDocumentation
 */
export { Optimizer, type BaseOptions, type ParamGroup, type ParamGroupInput, type ParamState, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
