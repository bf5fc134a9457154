/**
 * What each benchmarked library provides: a column of the report, and for each workload a
 * prepared runner whose `run()` is one timed call.
 */
import type { ConvCase } from '../workloads/conv.js';
import type { DispatchCase } from '../workloads/dispatch.js';
import type { MatmulCase } from '../workloads/matmul.js';
import type { StepCase } from '../workloads/steps.js';

export type Workload = MatmulCase | ConvCase | StepCase | DispatchCase;

/** One prepared workload on one library. */
export interface Runner {
  /**
   * One timed call. It must leave the work done (a lazy library waits for its result here).
   * Training-step runners return the step's loss (before the update).
   */
  run(): unknown;
  /** Frees what the runner made. */
  dispose?(): void;
  /**
   * For a runner that may be far too slow: a much cheaper call (the same work on fewer images)
   * whose time multiplied by `scale` estimates `run()`'s, so the harness can skip a call that
   * would run for minutes past its limit instead of waiting it out.
   */
  readonly probe?: { run(): unknown; readonly scale: number };
}

/** A library benchmarked in this process. */
export interface Library {
  /** Column header, e.g. `pf simd 2t` or `tfjs-wasm`. */
  readonly column: string;
  /** Whether this is one of Profundo's paths (ratios are taken against the best of them). */
  readonly profundo: boolean;
  /**
   * The workload kinds this column is for: it appears only in groups holding one of them
   * (jax-js's `jit` column of the per-op overhead group). Absent: every group.
   */
  readonly kinds?: readonly Workload['kind'][];
  /** Makes this library the current one (global backends); called before each of its turns. */
  activate?(): void | Promise<void>;
  /** Builds the workload's inputs (untimed); throws {@link NotAvailable} when it cannot run it. */
  prepare(w: Workload): Runner | Promise<Runner>;
}

/** Thrown by `prepare` for a workload a library lacks (its cell reads "n/a"). */
export class NotAvailable extends Error {}

/** A cell of the results: a median, or why there is none. */
export type Cell =
  | { readonly ms: number; readonly runs: number; readonly first?: number }
  | { readonly na: string; readonly detail?: string };

export function isTimed(c: Cell | undefined): c is Extract<Cell, { ms: number }> {
  return c !== undefined && 'ms' in c;
}
