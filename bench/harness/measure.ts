/**
 * Interleaved timing. For one workload every library is prepared and warmed up, then timed in
 * rounds: each round gives every library its turn (the order rotates from round to round) for
 * a few calls, so slow drifts of the machine (another process, thermal state) spread over all
 * libraries instead of landing on one. Each cell is the median of all its timed calls.
 */
import { performance } from 'node:perf_hooks';
import type { Cell, Library, Runner, Workload } from '../libs/types.js';
import { NotAvailable } from '../libs/types.js';

export interface MeasureOptions {
  /** Rounds of turns. */
  readonly rounds: number;
  /** Time each library spends per turn (at least one call). */
  readonly turnMs: number;
  /** At most this many calls per turn. */
  readonly maxCallsPerTurn: number;
  /** Warmup: calls until this much time has passed (at least two calls for fast workloads). */
  readonly warmupMs: number;
  /** A call slower than this is warmed up once and timed in only `slowRounds` rounds. */
  readonly slowCallMs: number;
  readonly slowRounds: number;
  /** A call slower than this is timed once, after the warmup call. */
  readonly verySlowCallMs: number;
  /**
   * A first call slower than this skips the library: its cell says "n/a (>N s)". So does a
   * runner whose probe estimates more than this, without making the call (the note says so).
   */
  readonly giveUpMs: number;
}

export const FULL: MeasureOptions = {
  rounds: 7,
  turnMs: 400,
  maxCallsPerTurn: 25,
  warmupMs: 400,
  slowCallMs: 1500,
  slowRounds: 3,
  verySlowCallMs: 10_000,
  giveUpMs: 60_000,
};

export const QUICK: MeasureOptions = {
  rounds: 2,
  turnMs: 50,
  maxCallsPerTurn: 3,
  warmupMs: 30,
  slowCallMs: 300,
  slowRounds: 1,
  verySlowCallMs: 10_000,
  giveUpMs: 60_000,
};

interface Entry {
  lib: Library;
  runner: Runner;
  calls: number;
  rounds: number;
  times: number[];
  first?: number;
}

/** Times one call; awaits only when the runner returns a promise. */
async function timeCall(runner: Runner): Promise<{ ms: number; value: unknown }> {
  const t0 = performance.now();
  let value = runner.run();
  if (value instanceof Promise) value = await value;
  return { ms: performance.now() - t0, value };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function describe(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}

/**
 * Measures `workload` on every library; returns a cell per column. A library that throws gets
 * "err" (the message goes to `log`) and the others go on.
 */
export async function measureWorkload(
  libs: readonly Library[],
  workload: Workload,
  opts: MeasureOptions,
  log: (line: string) => void,
): Promise<Map<string, Cell>> {
  const cells = new Map<string, Cell>();
  const entries: Entry[] = [];
  const fail = (lib: Library, e: unknown, runner?: Runner): void => {
    if (e instanceof NotAvailable) {
      cells.set(lib.column, { na: 'n/a', detail: e.message });
    } else {
      cells.set(lib.column, { na: 'err', detail: describe(e) });
      log(`  ${lib.column} failed on ${workload.id}: ${describe(e)}`);
    }
    try {
      runner?.dispose?.();
    } catch {
      // already failing; keep the first error
    }
  };

  // Prepare and warm up, one library after the other.
  for (const lib of libs) {
    let runner: Runner | undefined;
    try {
      await lib.activate?.();
      runner = await lib.prepare(workload);
      const tooSlow = `n/a (>${Math.round(opts.giveUpMs / 1000)} s)`;
      if (runner.probe) {
        const { probe } = runner;
        const estimate = (await timeCall({ run: () => probe.run() })).ms * probe.scale;
        if (estimate > opts.giveUpMs) {
          runner.dispose?.();
          cells.set(lib.column, { na: tooSlow, detail: `not run: a call on 1/${probe.scale} of the batch took ${((estimate / probe.scale) / 1000).toFixed(2)} s, so about ${(estimate / 1000).toFixed(0)} s for all of it` });
          continue;
        }
      }
      const first = await timeCall(runner);
      if (first.ms > opts.giveUpMs) {
        runner.dispose?.();
        cells.set(lib.column, { na: tooSlow, detail: `first call took ${(first.ms / 1000).toFixed(1)} s` });
        continue;
      }
      let last = first.ms;
      if (first.ms < opts.slowCallMs) {
        const until = performance.now() + opts.warmupMs;
        let n = 1;
        while (n < 2 || performance.now() < until) {
          last = (await timeCall(runner)).ms;
          n++;
        }
      }
      const slow = last >= opts.slowCallMs;
      entries.push({
        lib,
        runner,
        calls: Math.max(1, Math.min(opts.maxCallsPerTurn, Math.round(opts.turnMs / Math.max(last, 1e-3)))),
        rounds: last >= opts.verySlowCallMs ? 1 : slow ? Math.min(opts.slowRounds, opts.rounds) : opts.rounds,
        times: [],
        first: typeof first.value === 'number' ? first.value : undefined,
      });
    } catch (e) {
      fail(lib, e, runner);
    }
  }

  // Timed rounds, interleaved.
  let live = entries;
  for (let r = 0; live.length > 0; r++) {
    live = live.filter((e) => e.rounds > r);
    const order = live.map((_, i) => live[(i + r) % live.length]!);
    for (const e of order) {
      try {
        await e.lib.activate?.();
        for (let c = 0; c < e.calls; c++) e.times.push((await timeCall(e.runner)).ms);
      } catch (err) {
        fail(e.lib, err, e.runner);
        e.rounds = 0;
        e.times = [];
      }
    }
  }

  for (const e of entries) {
    if (cells.has(e.lib.column)) continue; // failed during the rounds
    try {
      e.runner.dispose?.();
    } catch (err) {
      log(`  ${e.lib.column}: dispose failed on ${workload.id}: ${describe(err)}`);
    }
    cells.set(e.lib.column, { ms: median(e.times), runs: e.times.length, first: e.first });
  }
  return cells;
}
