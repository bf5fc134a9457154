/**
 * `@profundo/core`: tensors, reverse-mode autograd, the backend contract and registry,
 * memory scopes, seeded randomness and the `nn` building blocks.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend, tensor } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 *
 * registerBackend('cpu', createCpuBackend);
 * await setBackend('cpu');
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * x.square().sum().backward();
 * await x.grad!.data(); // [2, 4, 6]
 * ```
 *
 * @packageDocumentation
 * @mergeModuleWith <project>
 */
export type {
  Backend,
  BinaryOp,
  Conv2dParams,
  DataArray,
  DataHandle,
  DType,
  FusedKernels,
  Pool2dParams,
  ReduceOp,
  TensorInfo,
  TypedArrayFor,
  UnaryOp,
} from './backend/backend.js';
export {
  registerBackend,
  removeBackend,
  setBackend,
  getBackend,
  getBackendName,
  listBackends,
  type BackendFactory,
} from './backend/registry.js';
export {
  ProfundoError,
  ShapeError,
  DTypeError,
  ValueError,
  DisposedError,
  BackendError,
  GradError,
  OutOfMemoryError,
  NumericsError,
} from './errors.js';
export { setCheckNumerics, getCheckNumerics } from './numerics.js';
export { tidy, keep, dispose, memory, type Disposable, type MemoryInfo } from './memory.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { Tensor, type TensorLike } from './tensor.js';
export { noGrad, isGradEnabled } from './autograd/graph.js';
export { grad, valueAndGrad } from './autograd/functional.js';
export {
  tensor,
  scalar,
  zeros,
  ones,
  full,
  arange,
  rand,
  randn,
  zerosLike,
  onesLike,
  fullLike,
  randLike,
  randnLike,
  type NestedArray,
  type TensorOptions,
  type RandomOptions,
} from './ops/creation.js';
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  neg,
  exp,
  log,
  sqrt,
  square,
  abs,
  sign,
  relu,
  sigmoid,
  tanh,
  erf,
  sin,
  cos,
  clamp,
  where,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
} from './ops/elementwise.js';
export { sum, mean, max, min, argmax, cumsum } from './ops/reduce.js';
export {
  maxWithIndices,
  minWithIndices,
  argmin,
  topk,
  sort,
  argsort,
  type ValuesIndices,
  type TopkOptions,
  type SortOptions,
} from './ops/sort.js';
export { matmul, type MatmulOptions } from './ops/matmul.js';
export {
  reshape,
  flatten,
  permute,
  transpose,
  squeeze,
  unsqueeze,
  expand,
  slice,
  narrow,
  pad,
  cat,
  stack,
  type PadMode,
  type PadOptions,
} from './ops/movement.js';
export { gather, indexSelect } from './ops/indexing.js';
export { softmax, logSoftmax, gelu, type GeluOptions } from './ops/activation.js';
export { cast } from './ops/cast.js';
export { conv2d, type Conv2dOptions, type Conv2dPadding } from './ops/conv.js';
export {
  maxPool2d,
  maxPool2dWithIndices,
  avgPool2d,
  adaptiveAvgPool2d,
  type Pool2dOptions,
  type MaxPool2dOptions,
  type AvgPool2dOptions,
} from './ops/pool.js';
export { batchNorm, layerNorm, type BatchNormOptions, type LayerNormFunctionOptions } from './ops/norm.js';
export { sizeOf } from './shape.js';
export * as nn from './nn/index.js';
export {
  saveSafetensors,
  loadSafetensors,
  parseSafetensors,
  serializeSafetensors,
  type LoadSafetensorsOptions,
  type ParsedSafetensors,
  type SafetensorsTensor,
} from './io/safetensors.js';
