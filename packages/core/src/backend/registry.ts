/**
 * The backend registry: backends register a factory under a name; one of them is current and
 * runs every op. Nothing registers itself on import.
 *
 * @module
 */
import { BackendError, ValueError } from '../errors.js';
import type { Backend } from './backend.js';

/** Makes a backend; may be async (GPU backends compile and probe devices). */
export type BackendFactory = () => Backend | Promise<Backend>;

interface Entry {
  factory: BackendFactory;
  priority: number;
  instance: Backend | null;
}

const entries = new Map<string, Entry>();
let current: { name: string; backend: Backend } | null = null;
/** Each backend instance a factory made → the name it was registered under. */
const registeredNames = new WeakMap<Backend, string>();

/**
 * @internal The name `backend` was registered under, for messages: two instances of one
 * backend class registered as 'cpu-a' and 'cpu-b' are told apart. Falls back to its `name`.
 */
export function backendLabel(backend: Backend): string {
  return registeredNames.get(backend) ?? backend.name;
}

function made(name: string, backend: Backend): Backend {
  if (!registeredNames.has(backend)) registeredNames.set(backend, name);
  return backend;
}

/**
 * Registers a backend factory under `name`. When no backend was chosen with
 * {@link setBackend}, the first op initializes the registered backend of highest priority
 * (its factory must then be synchronous).
 *
 * @example
 * ```ts
 * import { getBackendName, registerBackend, tensor } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 *
 * registerBackend('cpu', createCpuBackend, { priority: 1 });
 * tensor([1, 2]);   // the first op initializes the highest-priority backend
 * getBackendName(); // 'cpu'
 * ```
 */
export function registerBackend(
  name: string,
  factory: BackendFactory,
  options: { priority?: number } = {},
): void {
  if (typeof name !== 'string' || name === '') {
    throw new ValueError('registerBackend', `name must be a non-empty string, got ${typeof name === 'string' ? "''" : String(name)}`);
  }
  if (typeof factory !== 'function') {
    throw new ValueError('registerBackend', `factory must be a function that makes the backend, got ${factory === null ? 'null' : typeof factory}`);
  }
  const priority = options.priority ?? 0;
  if (typeof priority !== 'number' || Number.isNaN(priority)) {
    throw new ValueError('registerBackend', `priority must be a number, got ${String(priority)}`);
  }
  if (entries.has(name)) {
    throw new BackendError('registerBackend', `a backend named '${name}' is already registered`);
  }
  entries.set(name, { factory, priority, instance: null });
}

/**
 * Removes a registered backend (and stops using it if it is current).
 *
 * @example
 * ```ts
 * registerBackend('scratch', () => createCpuBackend({ threads: 1 }));
 * removeBackend('scratch');
 * listBackends().includes('scratch'); // false
 * ```
 */
export function removeBackend(name: string): void {
  entries.delete(name);
  if (current?.name === name) current = null;
}

/**
 * Names of the registered backends, highest priority first.
 *
 * @example
 * ```ts
 * import { listBackends, registerBackend } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 * import { createGpujsBackend } from '@profundo/backend-gpujs';
 *
 * registerBackend('cpu', createCpuBackend);
 * registerBackend('gpujs', () => createGpujsBackend({ mode: 'webgl2' }), { priority: 1 }); // not made until used
 * listBackends(); // ['gpujs', 'cpu']
 * ```
 */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

/**
 * Makes `name` the current backend, initializing it on first use. New tensors live there.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 *
 * registerBackend('cpu', createCpuBackend);
 * const backend = await setBackend('cpu'); // awaits the factory (GPU backends' are async)
 * backend.name; // 'cpu'
 * ```
 */
export async function setBackend(name: string): Promise<Backend> {
  const entry = lookup('setBackend', name);
  entry.instance ??= made(name, await entry.factory());
  current = { name, backend: entry.instance };
  return entry.instance;
}

/**
 * The current backend; initializes the highest-priority one if none was chosen yet.
 *
 * @example
 * ```ts
 * getBackend().name; // 'cpu' (here the CPU backend is the current one)
 * ```
 */
export function getBackend(): Backend {
  if (current) return current.backend;
  const [best] = listBackends();
  if (best === undefined) {
    throw new BackendError(
      'getBackend',
      "no backend is registered; import and register one, e.g. registerBackend('cpu', createCpuBackend)",
    );
  }
  const entry = lookup('getBackend', best);
  if (!entry.instance) {
    const instance = entry.factory();
    if (instance instanceof Promise) {
      throw new BackendError('getBackend', `backend '${best}' initializes asynchronously; call await setBackend('${best}') first`);
    }
    entry.instance = made(best, instance);
  }
  current = { name: best, backend: entry.instance };
  return entry.instance;
}

/**
 * The name of the current backend, or `null` when none was initialized yet.
 *
 * @example
 * ```ts
 * getBackendName(); // 'cpu' (here the CPU backend is the current one)
 * ```
 */
export function getBackendName(): string | null {
  return current?.name ?? null;
}

function lookup(op: string, name: string): Entry {
  const entry = entries.get(name);
  if (!entry) {
    const known = listBackends();
    throw new BackendError(op, `no backend named '${name}' (registered: ${known.length ? known.join(', ') : 'none'})`);
  }
  return entry;
}
