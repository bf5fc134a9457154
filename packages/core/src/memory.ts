/**
 * Memory: storage shared by views, scopes that free what a block made, and live counts.
 *
 * CPU arrays would be collected by the GC anyway, but GPU textures are not, so every backend
 * is driven the same way: a tensor's storage is freed when the last tensor using it is
 * disposed, and `tidy` disposes every tensor made inside it that it does not return.
 *
 * @module
 */
import type { Backend, DataArray, DataHandle, DType } from './backend/backend.js';
import { backendLabel } from './backend/registry.js';
import { ValueError } from './errors.js';

/** Bytes per element of each dtype as core accounts for them. */
export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** @internal Backend storage shared by a tensor and its views (reshape etc.). */
export class Storage {
  refs = 0;
  /** The name the backend was registered under: what `memory().backends` is keyed by. */
  readonly label: string;
  /** What `memory().bytes` counts for this storage: the backend's own figure when it reports one. */
  readonly bytes: number;
  /**
   * The values core wrote, kept for int32 tensors so that index values are validated before a
   * kernel uses them without reading the device (a stall on a GPU, impossible without
   * `readSync`). Storage is never written in place, so the copy stays true.
   */
  readonly host: DataArray | null;
  constructor(
    readonly backend: Backend,
    readonly handle: DataHandle,
    defaultBytes: number,
    host: DataArray | null = null,
  ) {
    this.label = backendLabel(backend);
    this.bytes = backend.byteSize ? backend.byteSize(handle) : defaultBytes;
    this.host = host;
    statsFor(this.label).bytes += this.bytes;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) {
      statsFor(this.label).bytes -= this.bytes;
      this.backend.dispose(this.handle);
    }
  }
}

/**
 * The part of a tensor the memory system manages.
 *
 * @example
 * ```ts
 * const parts: Disposable[] = [zeros([2]), ones([3])];
 * for (const p of parts) p.dispose(); // safe to call twice
 * ```
 */
export interface Disposable {
  /** Frees the tensor; safe to call twice. */
  dispose(): void;
  /** @internal */
  readonly isDisposed: boolean;
  /** @internal */
  readonly backendName: string;
  /** @internal The tensors the op that made this one saved for backward. */
  _saved?(): readonly Disposable[];
  /** @internal Whether a backward pass has already run through this tensor's graph. */
  readonly _backwardDone?: boolean;
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
 * Runs `fn` and disposes every tensor created inside it, except the tensors it returns and
 * those passed to {@link keep}. Scopes nest; returned tensors belong to the enclosing scope.
 *
 * Returned tensors are found anywhere in the result: alone, in arrays, plain objects, `Map`
 * keys and values, `Set` values and the own enumerable properties of class instances, nested
 * to any depth (cycles are fine). Tensors that tidy cannot see — in private `#fields`, in
 * closures, behind getters of a prototype — are disposed like any other: `keep()` those.
 *
 * A returned tensor that has a graph (it was computed from tensors that require grad) keeps
 * the intermediates its backward needs alive, so `tidy(() => loss(...)).backward()` works;
 * they are freed when backward has run through it or when it is disposed. A tensor on which
 * backward already ran inside `fn` keeps nothing.
 *
 * `fn` must be synchronous: an `async` function, or one returning a Promise, is refused with
 * a `ValueError` (the Promise is marked handled, so no unhandled rejection follows). The
 * optional `name` (TensorFlow.js's `tidy(name, fn)` form) appears in such errors.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3]]);
 * const y = tidy(() => x.mul(2).add(1)); // [[3, 5, 7]] (the intermediate x.mul(2) is freed)
 *
 * const model = new nn.Linear(3, 1);
 * const loss = tidy('loss', () => model.forward(x).sub(tensor([[1]])).square().mean());
 * loss.backward(); // the forward's intermediates are freed here
 * loss.dispose();
 * ```
 */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  const named = typeof nameOrFn === 'string';
  const fn = named ? maybeFn : nameOrFn;
  const label = named ? `the function '${nameOrFn}'` : 'the function';
  if (typeof fn !== 'function') {
    throw new ValueError('tidy', `needs a function${named ? ` after the name '${nameOrFn}'` : ''}, got ${describe(fn)}`);
  }
  if (isAsyncFunction(fn)) {
    throw new ValueError(
      'tidy',
      `${label} is async; tidy only takes synchronous functions (await outside tidy, and tidy the synchronous parts)`,
    );
  }
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
  if (isThenable(result)) {
    // Mark it handled first: the caller gets our error, never an unhandled rejection later.
    result.then(undefined, () => undefined);
    disposeScope(scope, new Set());
    throw new ValueError('tidy', `${label} returned a Promise; tidy only takes synchronous functions`);
  }
  const keepers = new Set<Disposable>();
  collectTensors(result, keepers);
  const own = [...keepers].filter((t) => scope.has(t) && !t.isDisposed);
  for (const t of own) {
    holdGraph(t, (u) => !keepers.has(u) && !kept.has(u) && scope.delete(u));
  }
  disposeScope(scope, keepers);
  // Only results made in this scope move to the parent: one made outside stays where it was.
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of own) if (!kept.has(t)) parent.add(t);
  return result;
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
}

function isAsyncFunction(fn: unknown): boolean {
  const tag = Object.prototype.toString.call(fn);
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]';
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

function disposeScope(scope: Set<Disposable>, keepers: Set<Disposable>): void {
  for (const t of scope) if (!keepers.has(t) && !kept.has(t)) t.dispose();
}

/** Every tensor reachable from `value` through arrays, objects, Maps and Sets, at any depth. */
function collectTensors(value: unknown, into: Set<Disposable>): void {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (isDisposable(v)) {
      into.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
    } else if (v instanceof Set) {
      for (const x of v) stack.push(x);
    } else if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && !isThenable(v)) {
      for (const x of Object.values(v)) stack.push(x);
    }
  }
}

function isDisposable(v: object): v is Disposable {
  return typeof (v as Disposable).dispose === 'function' && 'backendName' in v;
}

// ----- graphs kept alive for tensors returned from (or kept inside) a tidy -----------------

/** Root → the intermediates of its graph it keeps alive. */
const held = new WeakMap<Disposable, Disposable[]>();
/** Intermediate → how many roots keep it alive. */
const holders = new WeakMap<Disposable, number>();
/** Intermediates freed because a backward pass ran through their graph. */
const freedByBackward = new WeakSet<Disposable>();
let releasingForBackward = false;

/**
 * @internal Walks the graph behind `root` and makes it keep alive every saved tensor that
 * `take` removes from a scope (so no `tidy` disposes it).
 */
function holdGraph(root: Disposable, take: (t: Disposable) => boolean): void {
  if (!root._saved || root._backwardDone) return;
  const first = root._saved();
  if (first.length === 0) return;
  const list = held.get(root) ?? [];
  const seen = new Set<Disposable>([root]);
  const stack = [...first];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (t.isDisposed) continue;
    if (take(t)) {
      list.push(t);
      holders.set(t, (holders.get(t) ?? 0) + 1);
    }
    const saved = t._saved?.();
    if (saved) for (const u of saved) stack.push(u);
  }
  if (list.length) held.set(root, list);
}

/**
 * @internal Lets go of the intermediates `root` keeps alive; those no other root keeps are
 * disposed. Called when `root` is disposed, and by backward (`afterBackward`) for every tensor
 * it ran through.
 */
export function releaseGraph(root: Disposable, afterBackward = false): void {
  const list = held.get(root);
  if (!list) return;
  held.delete(root);
  const outer = releasingForBackward;
  releasingForBackward = outer || afterBackward;
  try {
    for (const t of list) {
      const n = (holders.get(t) ?? 1) - 1;
      if (n > 0) {
        holders.set(t, n);
        continue;
      }
      holders.delete(t);
      if (releasingForBackward && !t.isDisposed) freedByBackward.add(t);
      t.dispose();
    }
  } finally {
    releasingForBackward = outer;
  }
}

/** @internal Whether `t` was freed because a backward pass ran through its graph. */
export function wasFreedByBackward(t: Disposable): boolean {
  return freedByBackward.has(t);
}

/**
 * Exempts a tensor from disposal by the enclosing `tidy` scopes; it lives until `dispose()`.
 *
 * @example
 * ```ts
 * let scaled: Tensor | undefined;
 * const total = tidy(() => {
 *   const w = randn([3, 3]);
 *   scaled = keep(w.mul(0.1)); // survives the tidy without being returned
 *   return w.sum();
 * });
 * scaled!.isDisposed; // false
 * ```
 */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  escapeScopes(t);
  if (scopes.length) holdGraph(t, (u) => !kept.has(u) && removeFromScopes(u));
  return t;
}

function removeFromScopes(t: Disposable): boolean {
  let found = false;
  for (const s of scopes) found = s.delete(t) || found;
  return found;
}

/**
 * Disposes every tensor found in `value`, searched as {@link tidy} searches its result: a
 * tensor, or arrays, plain objects, Maps, Sets and class instances holding them, at any depth.
 *
 * @example
 * ```ts
 * const a = tensor([1]);
 * const b = tensor([2]);
 * dispose([a, b]);
 * dispose(new Map([['w', zeros([3])]]));
 * a.isDisposed; // true
 * ```
 */
export function dispose(value: unknown): void {
  const found = new Set<Disposable>();
  collectTensors(value, found);
  for (const t of found) t.dispose();
}

/**
 * Live tensors and storage bytes, in total and per backend.
 *
 * @example
 * ```ts
 * const before: MemoryInfo = memory();
 * const x = zeros([256]);                    // 256 float32 values
 * memory().tensors - before.tensors;         // 1
 * memory().bytes - before.bytes;             // 1024
 * memory().backends['cpu']!.tensors >= 1;   // true
 * ```
 */
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
 * const x = randn([64, 64]);
 * const before = memory().tensors;
 * const total = tidy(() => x.matmul(x).relu().sum()); // only the result survives
 * memory().tensors - before; // 1
 * total.dispose();
 * memory().tensors - before; // 0
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
