import { describe, it } from 'vitest';
import { conformanceCases } from '@profundo/core/testing';
import { createCpuBackend } from '@profundo/backend-cpu';

describe('cpu backend conformance', () => {
  for (const c of conformanceCases({ name: 'cpu', factory: createCpuBackend })) it(c.name, () => c.run());
});
