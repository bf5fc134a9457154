/**
 * The conformance kit on every path of the CPU backend: pure TypeScript, WebAssembly SIMD and
 * relaxed SIMD, each on one and two threads. `parallelMin: 0` makes the two-thread backends
 * split even the kit's small inputs, so the threaded code is what runs; each suite first checks
 * that the backend reports the path it was asked for (feature detection must not fall back).
 * The CPU backend has every optional part (all fused kernels, readSync, the full int32 range),
 * so no case may be skipped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceCases } from '@profundo/core/testing';
import { createCpuBackend, type CpuBackend, type KernelPath } from '@profundo/backend-cpu';

const PATHS: { kernels: KernelPath; threads: number }[] = [
  { kernels: 'js', threads: 1 },
  { kernels: 'simd', threads: 1 },
  { kernels: 'simd', threads: 2 },
  { kernels: 'relaxed-simd', threads: 1 },
  { kernels: 'relaxed-simd', threads: 2 },
];

for (const { kernels, threads } of PATHS) {
  describe(`cpu backend conformance: ${kernels}, ${threads} thread(s)`, async () => {
    const backend: CpuBackend = createCpuBackend({ kernels, threads, parallelMin: 0 });
    beforeAll(() => backend.ready);
    const cases = await conformanceCases({ name: `cpu-${kernels}-${threads}`, factory: () => backend });

    it('runs on the requested path', () => {
      expect(backend.path).toEqual({ kernels, threads, wasmHeap: kernels !== 'js' });
    });

    it('skips no case', () => {
      expect(cases.filter((c) => c.skip !== undefined).map((c) => `${c.name}: ${c.skip}`)).toEqual([]);
    });

    for (const c of cases) {
      it.skipIf(c.skip !== undefined)(c.name, async () => {
        await c.run();
      });
    }
  });
}
