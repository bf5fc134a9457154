/**
 * Saving and loading module weights as safetensors (Hugging Face's format), so a state dict
 * moves between Profundo and PyTorch unchanged. Works on bytes, in Node and in browsers.
 *
 * @module
 */
import { OutOfMemoryError, ProfundoError, ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { tensor } from '../ops/creation.js';
import { Tensor } from '../tensor.js';
import type { SafetensorsTensor } from './safetensors-format.js';
import { parseSafetensors } from './safetensors-parse.js';
import { serializeSafetensors } from './safetensors-write.js';

export { parseSafetensors } from './safetensors-parse.js';
export { serializeSafetensors } from './safetensors-write.js';
export type { ParsedSafetensors, SafetensorsTensor } from './safetensors-format.js';

/**
 * Options of {@link loadSafetensors}.
 *
 * @example
 * ```ts
 * const options: LoadSafetensorsOptions = { strict: false }; // load a backbone into a bigger model
 * ```
 */
export interface LoadSafetensorsOptions {
  /**
   * Whether the file's tensor names must match the module's parameters and buffers exactly
   * (default `true`). Shapes and dtypes must match either way.
   */
  strict?: boolean;
}

/**
 * Serializes a module's state dict (or any record of tensors) to the bytes of a safetensors
 * file, in the layout PyTorch's `safetensors.torch.save_file` writes: the file loads in
 * PyTorch with `load_file` and back here with {@link loadSafetensors}. Values are read with
 * `await t.data()`, so it works on every backend, including async-only ones.
 *
 * @param source - A module (its `stateDict()` is saved) or a record of tensors by name.
 * @param metadata - Optional string-to-string entries for the header's `__metadata__`.
 * @returns The file's bytes.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const bytes = await saveSafetensors(model, { format: 'pt' }); // a Uint8Array
 * // Node: await writeFile('model.safetensors', bytes) (node:fs/promises); a browser: new Blob([bytes])
 * ```
 */
export async function saveSafetensors(
  source: Module | Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<Uint8Array<ArrayBuffer>> {
  const op = 'saveSafetensors';
  const state = source instanceof Module ? source.stateDict() : source;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new ValueError(op, `expected a Module or a record of tensors, got ${state === null ? 'null' : typeof state}`);
  }
  const entries = Object.entries(state);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new ValueError(op, `'${name}' is not a Tensor`);
    t.info(op); // throws DisposedError for a disposed tensor
  }
  const arrays: Record<string, SafetensorsTensor> = {};
  const values = await Promise.all(entries.map(([, t]) => t.data()));
  entries.forEach(([name, t], k) => {
    Object.defineProperty(arrays, name, {
      value: { dtype: t.dtype, shape: t.shape, data: values[k]! },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return asOp(op, () => serializeSafetensors(arrays, metadata));
}

/**
 * Loads the weights in a safetensors file's bytes into `module`: parses and validates the
 * whole file with {@link parseSafetensors}, makes tensors on the current backend and hands
 * them to `module.loadStateDict` (names must match exactly unless `strict: false`; shapes
 * and dtypes must always match). A malformed file or a mismatch throws before any parameter
 * changes. The temporary tensors are disposed afterwards.
 *
 * @param module - The module to fill.
 * @param bytes - The whole file.
 * @param options - `strict` (default `true`).
 * @returns The file's `__metadata__` (`{}` when absent).
 *
 * @example
 * ```ts
 * const makeModel = () => new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const bytes = await saveSafetensors(makeModel()); // in Node, a file: await readFile('model.safetensors')
 * const model = makeModel();
 * await loadSafetensors(model, bytes);
 * // a file saved by PyTorch from the same architecture (names like '0.weight') loads too
 * ```
 */
export async function loadSafetensors(
  module: Module,
  bytes: Uint8Array,
  options: LoadSafetensorsOptions = {},
): Promise<Record<string, string>> {
  const op = 'loadSafetensors';
  if (!(module instanceof Module)) throw new ValueError(op, 'the first argument must be an nn.Module');
  const strict = options.strict ?? true;
  if (typeof strict !== 'boolean') throw new ValueError(op, `strict must be a boolean, got ${typeof strict}`);
  const { tensors, metadata } = asOp(op, () => parseSafetensors(bytes));
  const state: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const [name, t] of Object.entries(tensors)) {
      const value = tensor(t.data, { shape: t.shape, dtype: t.dtype });
      made.push(value);
      Object.defineProperty(state, name, { value, enumerable: true, writable: true, configurable: true });
    }
    asOp(op, () => module.loadStateDict(state, { strict }));
  } finally {
    // Parameters that took these values hold their own reference to the storage.
    for (const t of made) t.dispose();
  }
  return metadata;
}

/**
 * Runs `fn`, renaming a typed error it throws after `op`, the function the user called (its
 * class and message stay): `loadSafetensors: ...` rather than `parseSafetensors: ...` or
 * `loadStateDict: ...`.
 */
function asOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ProfundoError) || e.op === op || e instanceof OutOfMemoryError) throw e;
    const Type = e.constructor as new (op: string, message: string) => ProfundoError;
    throw new Type(op, e.message.slice(e.op.length + 2));
  }
}
