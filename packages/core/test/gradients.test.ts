import { describe, it } from 'vitest';
import { conformanceCases, createReferenceBackend } from '@profundo/core/testing';

// The kit against its own oracle: forward comparisons are trivially equal here, but every
// op's backward rule is checked by finite differences, independent of any backend.
describe('every op passes gradcheck (reference backend)', () => {
  for (const c of conformanceCases({ name: 'ref-kit', factory: createReferenceBackend })) {
    if (c.name.startsWith('op:')) it(c.name, () => c.run());
  }
});
