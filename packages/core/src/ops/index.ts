/** @internal Every op, for code inside core that wants them under one name. */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './movement.js';
export * from './indexing.js';
export * from './activation.js';
export * from './cast.js';
export * from './conv.js';
export * from './pool.js';
export * from './norm.js';
export * from './sort.js';
