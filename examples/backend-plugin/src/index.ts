/**
 * An example third-party backend for Profundo, written against `@profundo/core`'s public
 * contract alone: plain typed arrays, every primitive kernel, no fused kernels, async reads only.
 *
 * @packageDocumentation
 */
export { createPlainBackend } from './plain-backend.js';
