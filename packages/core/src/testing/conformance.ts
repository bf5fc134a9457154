/**
 * The backend conformance kit. It checks a backend against the contract of
 * `@profundo/core`'s `Backend` interface:
 *
 * - `kernel:` every primitive kernel on random inputs of every dtype it accepts, with
 *   broadcasting, lower-rank operands, size-1 and empty dims, against a naive float64
 *   reference backend;
 * - `edge:` the contract's rules on literal inputs with hand-derived expectations: NaN and
 *   ±Infinity through every kernel, ties (argmax's first maximum), int32 truncation, division
 *   by zero, wrapping and negative exponents, cast saturation, bool logic, output dtypes;
 * - `fused:` the optional fused kernels against core's composites, with NaN / tie / empty
 *   cases (absent kernels are reported as skipped);
 * - `op:` every op of core, forward and gradient, against the reference, plus finite-difference
 *   gradient checks;
 * - `memory:` write / read round trips, read ownership, `memory()` accounting and leaks.
 *
 * Around every kernel call the kit reads each input back and fails, naming the kernel, if one
 * changed. Every failure is a {@link ConformanceError} naming the backend, the kernel and the
 * rule it broke. The kit is framework-neutral: it returns named async cases for any runner.
 *
 * @module
 */
import type { Backend } from '../backend/backend.js';
import { getBackendName, listBackends, registerBackend, setBackend, type BackendFactory } from '../backend/registry.js';
import { createReferenceBackend } from './reference-backend.js';
import { ConformanceError, FULL_INT32, type KitCase, type KitContext, type Tolerance } from './kit/harness.js';
import { kernelCases } from './kit/kernel-cases.js';
import { edgeCases } from './kit/edge-cases.js';
import { fusedCases } from './kit/fused-cases.js';
import { opCases } from './kit/op-cases.js';
import { memoryCases } from './kit/memory-cases.js';

export { ConformanceError, type Tolerance };

/** What running a case found: it passed, or it does not apply to this backend. */
export type ConformanceResult = { readonly status: 'passed' } | { readonly status: 'skipped'; readonly reason: string };

/** One named check of a backend. */
export interface ConformanceCase {
  /** A name suitable as a test title, e.g. `edge: argmax float32: ties give the index of the FIRST maximum (last axis)`. */
  readonly name: string;
  /**
   * Why the case does not apply to this backend (an optional fused kernel or `readSync` it
   * lacks, or int32 wrapping beyond its declared `maxExactInt`), or `undefined` when it does.
   * Known before anything runs: report such a case as skipped, not passed.
   */
  readonly skip?: string;
  /**
   * Runs the check: resolves to `{ status: 'passed' }` (or, for a case with {@link skip}, to
   * `{ status: 'skipped', reason }` without checking anything) and rejects with a
   * {@link ConformanceError} when the backend breaks the contract.
   */
  run(): Promise<ConformanceResult>;
}

/** Settings of {@link conformanceCases}. */
export interface ConformanceOptions {
  /** Name under which the backend under test is (or gets) registered. */
  name: string;
  /** Its factory; registered under `name` unless a backend of that name already is. */
  factory: BackendFactory;
  /** Forward-value tolerance (default atol 1e-5, rtol 1e-4). */
  tolerance?: Tolerance;
  /** Gradient tolerance (default atol 1e-4, rtol 1e-3). */
  gradTolerance?: Tolerance;
  /** Run finite-difference gradchecks on the backend under test (default true). */
  gradcheck?: boolean;
}

const REFERENCE = 'conformance-reference';

const ALL: readonly KitCase[] = [...kernelCases, ...edgeCases, ...fusedCases, ...opCases, ...memoryCases];

/**
 * The names of the kit's cases, in order, without creating any backend: every backend gets the
 * same list from {@link conformanceCases} (what differs is which are skipped). Useful to
 * register one test per case where the cases run elsewhere, e.g. in a browser page.
 */
export function conformanceCaseNames(): string[] {
  return ALL.map((c) => c.name);
}

/**
 * The conformance cases for a backend. Registers the backend under `options.name` (unless a
 * backend of that name is registered already) and the reference backend, creates the backend
 * to learn which optional parts it has, and resolves to one case per check, in the order of
 * {@link conformanceCaseNames}. The backend that was current before (or, if none was, the one
 * under test) is current once this resolves and after each case.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { conformanceCases } from '@profundo/core/testing';
 * import { createMyBackend } from './my-backend.js';
 *
 * describe('my backend conformance', async () => {
 *   for (const c of await conformanceCases({ name: 'mine', factory: createMyBackend })) {
 *     it.skipIf(c.skip !== undefined)(c.name, async () => {
 *       await c.run();
 *     });
 *   }
 * });
 * ```
 */
export async function conformanceCases(options: ConformanceOptions): Promise<ConformanceCase[]> {
  const names = listBackends();
  if (!names.includes(options.name)) registerBackend(options.name, options.factory);
  if (!names.includes(REFERENCE)) registerBackend(REFERENCE, createReferenceBackend, { priority: -100 });
  const before = getBackendName();
  let backend: Backend;
  try {
    backend = await setBackend(options.name);
  } finally {
    if (before !== null && before !== REFERENCE) await setBackend(before);
  }
  const ctx: KitContext = {
    name: options.name,
    backend,
    referenceName: REFERENCE,
    reference: createReferenceBackend(),
    tol: options.tolerance ?? { atol: 1e-5, rtol: 1e-4 },
    gradTol: options.gradTolerance ?? { atol: 1e-4, rtol: 1e-3 },
    gradcheck: options.gradcheck !== false,
    maxExactInt: backend.maxExactInt ?? FULL_INT32,
  };
  return ALL.map((c): ConformanceCase => {
    const skip = c.skip?.(ctx);
    return {
      name: c.name,
      ...(skip === undefined ? {} : { skip }),
      async run(): Promise<ConformanceResult> {
        if (skip !== undefined) return { status: 'skipped', reason: skip };
        const prev = getBackendName();
        try {
          await c.run(ctx);
        } finally {
          // Leave the backend that was current (or the one under test) current, whatever the case set.
          await setBackend(prev && prev !== REFERENCE ? prev : options.name);
        }
        return { status: 'passed' };
      },
    };
  });
}
