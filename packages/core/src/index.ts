export type {
  Backend,
  BinaryOp,
  DataArray,
  DataHandle,
  DType,
  FusedKernels,
  ReduceOp,
  TensorInfo,
  TypedArrayFor,
  UnaryOp,
} from './backend/backend.js';
