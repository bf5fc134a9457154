/**
 * The two backends every package's bad-input suite runs against: the package's own (the CPU
 * backend, passed in so that this package depends on no backend) as the current one, and core's
 * reference backend registered again as 'other', so that a case can make a tensor that lives
 * elsewhere and check the error for mixing backends.
 */
import { beforeAll } from 'vitest';
import { listBackends, registerBackend, setBackend, type Backend } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';

/** The name the second backend is registered under. */
export const OTHER = 'other';

/**
 * Registers 'other' and `name` (from `factory`, unless registered already) before the suite's
 * tests, leaving `name` current. Returns {@link onOther} bound to `name`.
 */
export function useBackends(name: string, factory: () => Backend | Promise<Backend>): <T>(fn: () => T) => Promise<T> {
  beforeAll(async () => {
    if (!listBackends().includes(OTHER)) registerBackend(OTHER, () => ({ ...createReferenceBackend(), name: OTHER }));
    await setBackend(OTHER); // created once, before any case measures memory()
    if (!listBackends().includes(name)) registerBackend(name, factory);
    await setBackend(name);
  });
  return (fn) => onOther(name, fn);
}

/** Runs `fn` (which makes tensors) with 'other' current, then makes `back` current again. */
export async function onOther<T>(back: string, fn: () => T): Promise<T> {
  await setBackend(OTHER);
  try {
    return fn();
  } finally {
    await setBackend(back);
  }
}
