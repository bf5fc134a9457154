/**
 * `@profundo/optimizers`: optimizers with PyTorch's update rules, options and names;
 * regularizers; gradient clipping; learning-rate schedules.
 *
 * - **Optimizers**: {@link SGD} (momentum, dampening, Nesterov), {@link Adagrad},
 *   {@link Adadelta}, {@link RMSprop} (centered, momentum), {@link Adam} (AMSGrad),
 *   {@link AdamW}. Each takes `weightDecay`, parameter groups with their own options,
 *   `zeroGrad()`, `step()`, and `stateDict()` / `loadStateDict()` to resume training bit for
 *   bit. State lives on the parameters' backend and a step reads nothing back to the CPU.
 * - **Regularization**: {@link l2Penalty} and {@link l1Penalty} (loss terms), the optimizers'
 *   `weightDecay` and {@link AdamW}'s decoupled decay, {@link clipGradNorm} and
 *   {@link clipGradValue}; dropout is in `@profundo/core` (`nn.Dropout`, `nn.dropout`).
 * - **Learning-rate schedules**: {@link StepLR}, {@link MultiStepLR}, {@link ExponentialLR},
 *   {@link CosineAnnealingLR}, {@link CosineAnnealingWarmRestarts}, {@link LinearLR} (linear
 *   warmup), {@link ConstantLR}, {@link PolynomialLR}, {@link LambdaLR}, {@link MultiplicativeLR},
 *   {@link CyclicLR}, {@link OneCycleLR}, {@link ReduceLROnPlateau}, composed with {@link SequentialLR} and
 *   {@link ChainedScheduler}; they work with any optimizer through its groups' `lr`.
 *
 * @example
 * ```ts
 * import { nn, randn, registerBackend, setBackend, tensor, tidy } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 * import { AdamW, clipGradNorm, CosineAnnealingLR, LinearLR, SequentialLR } from '@profundo/optimizers';
 *
 * registerBackend('cpu', createCpuBackend);
 * await setBackend('cpu');
 * const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 4));
 * const x = randn([64, 20]);
 * const y = tensor(Int32Array.from({ length: 64 }, (_, i) => i % 4), { dtype: 'int32' });
 *
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 * const sched = new SequentialLR(opt, [
 *   new LinearLR(opt, { startFactor: 0.01, totalIters: 100 }),
 *   new CosineAnnealingLR(opt, { tMax: 900 }),
 * ], [100]);
 * for (let step = 0; step < 1000; step++) {
 *   tidy(() => {
 *     opt.zeroGrad();
 *     nn.crossEntropy(model.forward(x), y).backward();
 *     clipGradNorm(model.parameters(), 1.0);
 *     opt.step();
 *   });
 *   sched.step();
 * }
 * ```
 *
 * @packageDocumentation
 */
export {
  Optimizer,
  type BaseOptions,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type OptimizerStateDict,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { l2Penalty, l1Penalty } from './penalties.js';
export { clipGradNorm, clipGradValue } from './clip-grad.js';
export { LRScheduler, type SchedulerTarget, type LRSchedulerState } from './schedulers/lr-scheduler.js';
export { StepLR, type StepLROptions } from './schedulers/step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './schedulers/multi-step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine-annealing-lr.js';
export { LinearLR, type LinearLROptions } from './schedulers/linear-lr.js';
export { LambdaLR, type LrLambda } from './schedulers/lambda-lr.js';
export { ConstantLR, type ConstantLROptions } from './schedulers/constant-lr.js';
export { MultiplicativeLR } from './schedulers/multiplicative-lr.js';
export { PolynomialLR, type PolynomialLROptions } from './schedulers/polynomial-lr.js';
export { CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from './schedulers/cosine-annealing-warm-restarts.js';
export { CyclicLR, type CyclicLROptions } from './schedulers/cyclic-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './schedulers/one-cycle-lr.js';
export { SequentialLR } from './schedulers/sequential-lr.js';
export { ChainedScheduler } from './schedulers/chained-scheduler.js';
export {
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type ReduceLROnPlateauState,
} from './schedulers/reduce-lr-on-plateau.js';
