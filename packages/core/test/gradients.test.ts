import { describe, it } from 'vitest';
import { conformanceCases, createReferenceBackend } from '@profundo/core/testing';

// The kit against its own oracle: forward comparisons are trivially equal here, but every
// op's backward rule is checked by finite differences, independent of any backend.
describe('every op passes gradcheck (reference backend)', async () => {
  for (const c of await conformanceCases({ name: 'ref-kit', factory: createReferenceBackend })) {
    if (c.name.startsWith('op:')) it.skipIf(c.skip !== undefined)(c.name, async () => {
      await c.run();
    });
  }
});
