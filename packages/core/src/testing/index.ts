/**
 * `@profundo/core/testing`: the backend conformance kit, finite-difference gradient checks
 * and the naive reference backend they compare against.
 *
 * @module @profundo/core/testing
 */
export {
  conformanceCaseNames,
  conformanceCases,
  ConformanceError,
  type ConformanceCase,
  type ConformanceOptions,
  type ConformanceResult,
  type Tolerance,
} from './conformance.js';
export { gradcheck, GradcheckError, type GradcheckOptions } from './gradcheck.js';
export { createReferenceBackend } from './reference-backend.js';
