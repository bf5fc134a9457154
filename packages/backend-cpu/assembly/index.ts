// The kernels one WebAssembly module exports. Worker threads call them by their index in
// KERNELS (src/wasm/pool.ts keeps the same order).
export { sgemm, scratchBytes } from './gemm';
export { conv2dForward, conv2dBackpropInput, conv2dBackpropFilter, convScratchFloats } from './conv';
export { binaryF32, compareF32, unaryF32, boolToF32 } from './elementwise';
export { maxPool } from './pool';
export { sumRun, addRun } from './reduce';
