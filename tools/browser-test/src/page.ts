/**
 * The in-page half, bundled into a test page's module: runs conformance-kit cases one at a time
 * (the Node side makes one test per case) and exposes the page's API to the Node side.
 *
 * It imports nothing at run time, so the page's bundle holds no second copy of core.
 */

/** The name of the global through which the Node side calls the page. */
export const PAGE_GLOBAL = 'profundo';

/** A conformance case, as `conformanceCases` of `@profundo/core/testing` makes them. */
export interface KitCase {
  name: string;
  /** Why the case does not apply to the backend (it is then skipped, not run). */
  skip?: string;
  run(): unknown;
}

/**
 * The outcome of one case: a failure carries the error's name, message and stack; a case that
 * does not apply to the backend (an optional kernel it lacks) carries `skipped`, the reason,
 * which the Node side reports as a skipped test.
 */
export interface CaseOutcome {
  ok: boolean;
  message?: string;
  skipped?: string;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
}

/** Runs the case named `name` of `cases`; resolves to its outcome instead of rejecting. */
export async function runKitCase(cases: readonly KitCase[], name: string): Promise<CaseOutcome> {
  const c = cases.find((x) => x.name === name);
  if (!c) return { ok: false, message: `no case named ${name}` };
  if (c.skip !== undefined) return { ok: true, skipped: c.skip };
  try {
    await c.run();
    return { ok: true };
  } catch (e) {
    return { ok: false, message: describeError(e) };
  }
}

/** The kit's half of a page's API, for the cases `casesFor(key)` gives (a backend's, say). */
export function kitRunner<K>(casesFor: (key: K) => readonly KitCase[] | Promise<readonly KitCase[]>) {
  return {
    /** The conformance case names, in order. */
    async caseNames(key: K): Promise<string[]> {
      return (await casesFor(key)).map((c) => c.name);
    },
    /** Runs one case; resolves to its outcome instead of rejecting. */
    async runCase(key: K, name: string): Promise<CaseOutcome> {
      return runKitCase(await casesFor(key), name);
    },
  };
}

/** Makes `api` the page's API: the Node side waits for it, then calls it through playwright. */
export function exposePageApi(api: object): void {
  (globalThis as Record<string, unknown>)[PAGE_GLOBAL] = api;
}
