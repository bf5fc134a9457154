// The conformance kit of @profundo/core, run on the plain backend: every primitive kernel called
// directly and every op (forward and gradient) compared with core's reference backend, plus
// finite-difference gradient checks and leak checks.
import { describe, it } from 'vitest';
import { conformanceCases } from '@profundo/core/testing';
import { createPlainBackend } from '../src/index.js';

describe('plain backend: conformance', () => {
  for (const c of conformanceCases({ name: 'plain', factory: createPlainBackend })) it(c.name, () => c.run());
});
