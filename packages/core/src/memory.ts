/**
 * Memory: storage shared by views, scopes that free what a block made, and live counts.
 *
 * CPU arrays would be collected by the GC anyway, but GPU textures are not, so every backend
 * is driven the same way: a tensor's storage is freed when the last tensor using it is
 * disposed, and `tidy` disposes every tensor made inside it that it does not return.
 *
 * @module
 */
import type { Backend, DataHandle, DType } from './backend/backend.js';
import { ProfundoError } from './errors.js';

/** Bytes per element of each dtype as core accounts for them. */
export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** @internal Backend storage shared by a tensor and its views (reshape etc.). */
export class Storage {
  refs = 0;
  constructor(
    readonly backend: Backend,
    readonly handle: DataHandle,
    readonly bytes: number,
  ) {
    const stats = statsFor(backend.name);
    stats.bytes += bytes;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) {
      statsFor(this.backend.name).bytes -= this.bytes;
      this.backend.dispose(this.handle);
    }
  }
}

/** The part of a tensor the memory system manages. */
export interface Disposable {
  /** Frees the tensor; safe to call twice. */
  dispose(): void;
  /** @internal */
  readonly isDisposed: boolean;
  /** @internal */
  readonly backendName: string;
}

interface Stats {
  tensors: number;
  bytes: number;
}

const stats = new Map<string, Stats>();
const scopes: Set<Disposable>[] = [];
const kept = new WeakSet<Disposable>();

function statsFor(name: string): Stats {
  let s = stats.get(name);
  if (!s) stats.set(name, (s = { tensors: 0, bytes: 0 }));
  return s;
}

/** @internal Called by every new tensor. */
export function trackTensor(t: Disposable): void {
  statsFor(t.backendName).tensors++;
  scopes[scopes.length - 1]?.add(t);
}

/** @internal Called once when a tensor is disposed. */
export function untrackTensor(t: Disposable): void {
  statsFor(t.backendName).tensors--;
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.delete(t)) break;
}

/** @internal Takes a tensor out of every scope so that no `tidy` disposes it. */
export function escapeScopes(t: Disposable): void {
  for (const s of scopes) s.delete(t);
}

/**
 * Runs `fn` and disposes every tensor created inside it, except the tensors it returns
 * (alone, or inside arrays and plain objects) and those passed to {@link keep}. Scopes nest;
 * returned tensors belong to the enclosing scope. `fn` must be synchronous.
 *
 * @example
 * ```ts
 * const y = tidy(() => x.mul(2).add(1)); // the intermediate x.mul(2) is freed
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    disposeScope(scope, new Set());
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    disposeScope(scope, new Set());
    throw new ProfundoError('tidy', 'the function returned a Promise; tidy only takes synchronous functions');
  }
  const keepers = new Set<Disposable>();
  collectTensors(result, keepers, 0);
  disposeScope(scope, keepers);
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of keepers) if (!t.isDisposed && !kept.has(t)) parent.add(t);
  return result;
}

function disposeScope(scope: Set<Disposable>, keepers: Set<Disposable>): void {
  for (const t of scope) if (!keepers.has(t) && !kept.has(t)) t.dispose();
}

function collectTensors(value: unknown, into: Set<Disposable>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (isDisposable(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    const values = value instanceof Map ? value.values() : Object.values(value);
    for (const v of values) collectTensors(v, into, depth + 1);
  }
}

function isDisposable(v: object): v is Disposable {
  return typeof (v as Disposable).dispose === 'function' && 'backendName' in v;
}

/**
 * Exempts a tensor from disposal by the enclosing `tidy` scopes; it lives until `dispose()`.
 *
 * @example
 * ```ts
 * let w: Tensor;
 * tidy(() => { w = keep(randn([3, 3])); });
 * ```
 */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  escapeScopes(t);
  return t;
}

/**
 * Disposes every tensor found in `value` (a tensor, or arrays / plain objects of them).
 *
 * @example
 * ```ts
 * dispose([a, b]);
 * ```
 */
export function dispose(value: unknown): void {
  const found = new Set<Disposable>();
  collectTensors(value, found, 0);
  for (const t of found) t.dispose();
}

/** Live tensors and storage bytes, in total and per backend. */
export interface MemoryInfo {
  /** Live (undisposed) tensors, views included. */
  tensors: number;
  /** Bytes of live backend storage (views share their base's bytes). */
  bytes: number;
  /** The same figures per backend name. */
  backends: Record<string, { tensors: number; bytes: number }>;
}

/**
 * Reports live tensors and bytes. A training step inside `tidy` leaves these unchanged.
 *
 * @example
 * ```ts
 * const before = memory().tensors;
 * tidy(() => step());
 * console.assert(memory().tensors === before);
 * ```
 */
export function memory(): MemoryInfo {
  const backends: MemoryInfo['backends'] = {};
  let tensors = 0;
  let bytes = 0;
  for (const [name, s] of stats) {
    backends[name] = { tensors: s.tensors, bytes: s.bytes };
    tensors += s.tensors;
    bytes += s.bytes;
  }
  return { tensors, bytes, backends };
}

/** @internal Puts a tensor into the innermost open scope (for results made outside it). */
export function adoptIntoScope(t: Disposable): void {
  scopes[scopes.length - 1]?.add(t);
}
