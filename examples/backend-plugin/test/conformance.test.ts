// The conformance kit of @profundo/core, run on the plain backend: every primitive kernel called
// directly, edge values (NaN, ±Infinity, ties, int32 wrapping and division by zero, empty dims),
// every op (forward and gradient) compared with core's reference backend, finite-difference
// gradient checks and memory checks. The optional fused kernels this backend leaves out are
// reported as skipped.
import { describe, it } from 'vitest';
import { conformanceCases } from '@profundo/core/testing';
import { createPlainBackend } from '../src/index.js';

describe('plain backend: conformance', async () => {
  for (const c of await conformanceCases({ name: 'plain', factory: createPlainBackend })) {
    it.skipIf(c.skip !== undefined)(c.name, async () => {
      await c.run();
    });
  }
});
