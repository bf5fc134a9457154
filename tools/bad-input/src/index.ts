/**
 * The case runner of the bad-input suites of every package: each case makes its inputs (tensors, modules), calls
 * one public API wrongly, and expects a typed error that names the API and what it got, while
 * nothing else changes: the inputs' values (and versions, grads, disposed state), the modules'
 * parameters, buffers and training flags, the backend registry and `memory()`.
 */
import { describe, expect, it } from 'vitest';
import {
  ProfundoError,
  Tensor,
  dispose,
  getBackendName,
  getCheckNumerics,
  isGradEnabled,
  listBackends,
  memory,
  nn,
} from '@profundo/core';

/** An error class the case expects (ProfundoError or a subclass). */
export type ErrorClass = abstract new (...args: never[]) => ProfundoError;

/** One bad call. */
export interface BadInputCase<C = any> {
  /** What is wrong, as the test's title. */
  name: string;
  /** Makes what the call needs (outside the measured region); may be async. */
  make: () => C | Promise<C>;
  /** The wrong call; may return a Promise (async APIs), which must reject. */
  call: (ctx: C) => unknown;
  /** The error class expected. */
  error: ErrorClass;
  /** The public name the user called, which the error must name (`e.op`, message prefix). */
  op: string;
  /** What the message must mention of what the call got (a shape, dtype, value or index). */
  mentions: readonly (string | RegExp)[];
  /** Extra state that must not change (e.g. a closure's counter). */
  state?: (ctx: C) => unknown;
}

const read = (t: Tensor): unknown => (t.isDisposed ? 'disposed' : Array.from(t.dataSync() as ArrayLike<number>));

/** A tensor's observable state: shape, dtype, values, version, grad, graph flags. */
function tensorState(t: Tensor): unknown {
  return {
    shape: [...t.shape],
    dtype: t.dtype,
    disposed: t.isDisposed,
    values: read(t),
    requiresGrad: t.requiresGrad,
    isLeaf: t.isLeaf,
    version: (t as unknown as { _version: number })._version,
    grad: t.grad ? { shape: [...t.grad.shape], values: read(t.grad) } : null,
  };
}

/**
 * Everything reachable from `root` (arrays, plain objects, class instances, Maps, Sets, typed
 * arrays), as a flat record from path to state: tensors by identity and state, modules by their
 * state dict and training flags.
 */
export function snapshot(root: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ids = new Map<object, string>();
  const walk = (v: unknown, path: string, depth: number): void => {
    if (typeof v === 'function' || v === null || typeof v !== 'object') {
      if (typeof v !== 'function') out[path] = v;
      return;
    }
    const seen = ids.get(v);
    if (seen !== undefined) {
      out[path] = `same as ${seen}`;
      return;
    }
    ids.set(v, path);
    if (v instanceof Tensor) {
      out[path] = tensorState(v);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      const a = v as unknown as ArrayLike<number>;
      out[path] = a.length <= 100_000 ? Array.from(a) : `${a.length} values`;
      return;
    }
    if (v instanceof ArrayBuffer || depth > 12) return;
    if (v instanceof nn.Module) {
      out[`${path}:training`] = v.namedModules().map(([n, m]) => `${n}=${m.training}`);
      out[`${path}:keys`] = Object.keys(v.stateDict());
    }
    if (v instanceof Map) {
      let k = 0;
      for (const [key, x] of v) {
        walk(key, `${path}<key ${k}>`, depth + 1);
        walk(x, `${path}<value ${k++}>`, depth + 1);
      }
      return;
    }
    if (v instanceof Set) {
      let k = 0;
      for (const x of v) walk(x, `${path}<${k++}>`, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, depth + 1);
  };
  walk(root, '$', 0);
  return out;
}

/** The global state: live tensors and bytes, the registry, the modes. */
export function globalState(): unknown {
  const m = memory();
  // A backend's first tensor adds its entry: entries at zero are left out of the comparison.
  const backends = Object.fromEntries(Object.entries(m.backends).filter(([, b]) => b.tensors !== 0 || b.bytes !== 0));
  return {
    memory: { ...m, backends },
    backends: listBackends(),
    current: getBackendName(),
    checkNumerics: getCheckNumerics(),
    gradEnabled: isGradEnabled(),
  };
}

/** Runs one case; `extra` adds package-specific state (optimizers' state dicts...). */
export async function runCase<C>(c: BadInputCase<C>, extra: (ctx: C) => unknown = () => null): Promise<void> {
  expect(c.mentions.length, 'a case names what the message must mention').toBeGreaterThan(0);
  const ctx = await c.make();
  const state = (): unknown => ({ objects: snapshot(ctx), extra: extra(ctx), own: c.state?.(ctx) });
  const memBefore = globalState();
  const before = state();
  let caught: unknown = undefined;
  let result: unknown = undefined;
  try {
    result = await c.call(ctx);
  } catch (e) {
    caught = e;
  }
  const memAfter = globalState();
  const after = state();
  try {
    if (caught === undefined) {
      expect.fail(`expected ${c.error.name} from ${c.op}, but the call returned ${result instanceof Tensor ? result.toString() : String(result)}`);
    }
    if (!(caught instanceof c.error)) {
      throw new Error(`expected ${c.error.name} from ${c.op}, got ${String(caught)}`, { cause: caught });
    }
    const e = caught as ProfundoError;
    expect(e.op, `the op named by: ${e.message}`).toBe(c.op);
    expect(e.message.startsWith(`${c.op}: `), e.message).toBe(true);
    for (const m of c.mentions) {
      if (typeof m === 'string') expect(e.message, 'the message mentions what the call got').toContain(m);
      else expect(e.message, 'the message mentions what the call got').toMatch(m);
    }
    expect(memAfter, 'memory() and the registry are unchanged').toEqual(memBefore);
    expect(after, 'inputs, modules and state are unchanged').toEqual(before);
  } finally {
    dispose(result);
    dispose(ctx);
  }
}

/** Declares one test per case. */
export function runCases<C>(title: string, cases: readonly BadInputCase<C>[], extra?: (ctx: C) => unknown): void {
  describe(title, () => {
    const names = new Set<string>();
    for (const c of cases) {
      if (names.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
      names.add(c.name);
      it(c.name, () => runCase(c, extra));
    }
  });
}
export * from './backends.js';
