/**
 * `Module`: the base of every layer and model, with PyTorch's traversal and state API.
 *
 * @module
 */
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError } from '../errors.js';
import { keep } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { Tensor as TensorClass, fromArray } from '../tensor.js';
import { sameShape } from '../shape.js';
import { Parameter } from './parameter.js';

/**
 * Base class of layers and models. Parameters, buffers and sub-modules are found by walking
 * the instance's own properties in definition order (arrays too), so names follow PyTorch:
 * `features.0.weight`.
 *
 * @example
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(784, 128);
 *   fc2 = new nn.Linear(128, 10);
 *   forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const model = new MLP();
 * model.namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (affects Dropout, BatchNorm). */
  training = true;
  /** State-dict key of each buffer → the property holding it. */
  private readonly bufferNames = new Map<string, string>();

  /** Computes the module's output. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Direct sub-modules with their names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) value.forEach((v, i) => v instanceof Module && out.push([`${key}.${i}`, v]));
    }
    return out;
  }

  /** This module and every descendant, with dotted names (`''` for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Every parameter of this module and its descendants, with dotted names. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [mname, m] of this.namedModules(prefix)) out.push(...ownParameters(m, mname, seen));
    return out;
  }

  /** Every parameter, in the order of {@link Module.namedParameters}. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Declares a non-learned tensor (e.g. running statistics) that belongs in the state dict.
   * It is kept out of `tidy` and stored as a property under `name`; its state-dict key is
   * `key`, which defaults to `name` (pass PyTorch's snake_case name, e.g. `running_mean`, to
   * keep files interchangeable with PyTorch while the property stays camelCase).
   *
   * @example
   * ```ts
   * class Center extends nn.Module {
   *   declare runningMean: Tensor;
   *   constructor(c: number) {
   *     super();
   *     this.registerBuffer('runningMean', zeros([c]), 'running_mean'); // this.runningMean, key 'running_mean'
   *   }
   *   forward(x: Tensor) { return x.sub(this.runningMean); }
   * }
   * Object.keys(new Center(3).stateDict()); // ['running_mean']
   * ```
   */
  protected registerBuffer(name: string, value: Tensor, key = name): void {
    for (const [k, n] of this.bufferNames) if (n === name && k !== key) this.bufferNames.delete(k);
    this.bufferNames.set(key, name);
    (this as unknown as Record<string, Tensor>)[name] = keep(value);
  }

  /** Every buffer of this module and its descendants, with dotted state-dict keys. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [mname, m] of this.namedModules(prefix)) {
      for (const [key, name] of m.bufferNames) {
        out.push([join(mname, key), (m as unknown as Record<string, Tensor>)[name]!]);
      }
    }
    return out;
  }

  /** Sets training mode here and in every descendant. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Disposes and clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by dotted name (the live tensors, not copies), the layout and key
   * order of PyTorch's `state_dict()`: module by module (this one, then each child depth-first),
   * each module's own parameters followed by its own buffers.
   *
   * @example
   * ```ts
   * class Block extends nn.Module {
   *   declare runningMean: Tensor;
   *   fc = new nn.Linear(2, 2);
   *   constructor() {
   *     super();
   *     this.registerBuffer('runningMean', zeros([2]), 'running_mean');
   *   }
   *   forward(x: Tensor) { return this.fc.forward(x).sub(this.runningMean); }
   * }
   * const model = new nn.Sequential(new Block(), new Block());
   * Object.keys(model.stateDict());
   * // ['0.running_mean', '0.fc.weight', '0.fc.bias', '1.running_mean', '1.fc.weight', '1.fc.bias']
   * ```
   */
  stateDict(): Record<string, Tensor> {
    // PyTorch's order: module by module (this one first, then its descendants depth-first),
    // each module's own parameters, then its own buffers.
    const out: [string, Tensor][] = [];
    const seen = new Set<Parameter>();
    for (const [mname, m] of this.namedModules()) {
      out.push(...ownParameters(m, mname, seen));
      for (const [key, name] of m.bufferNames) out.push([join(mname, key), (m as unknown as Record<string, Tensor>)[name]!]);
    }
    return Object.fromEntries(out);
  }

  /**
   * Copies values into parameters and buffers by name. Shapes and dtypes must match; with
   * `strict` (default) the names must match exactly too.
   *
   * Atomic: every entry is checked (name, live tensor, shape, dtype, backend) before anything
   * is assigned, so on an error every parameter and buffer keeps its values, and `memory()` is
   * unchanged. A tensor held by another backend is copied into the backend of the parameter it
   * loads into, as PyTorch's `load_state_dict` copies into the parameter's device: parameters
   * never move between backends. The copy reads the tensor synchronously, so a tensor of an
   * async-only backend (WebGPU) is rejected with a BackendError; read it with `await t.data()`
   * and make a tensor on the parameter's backend first.
   *
   * @example
   * ```ts
   * const makeModel = () => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * const trained = makeModel();
   * const model = makeModel();
   * model.loadStateDict(trained.stateDict());                         // every key, every shape
   * model.loadStateDict({ '2.bias': zeros([2]) }, { strict: false }); // only some keys
   * ```
   */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): void {
    const op = 'loadStateDict';
    if (state === null || typeof state !== 'object') {
      throw new ValueError(op, `needs an object of tensors by name, got ${state === null ? 'null' : typeof state}`);
    }
    const strict = options.strict ?? true;
    const own = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    if (strict) {
      const missing = [...own.keys()].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !own.has(k));
      if (missing.length || unexpected.length) {
        throw new ValueError(op, `missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
      }
    }
    // Check everything first.
    const pairs: [Tensor, Tensor][] = [];
    for (const [name, value] of Object.entries(state)) {
      const target = own.get(name);
      if (!target) continue;
      if (!(value instanceof TensorClass)) {
        throw new ValueError(op, `'${name}' needs a Tensor, got ${value === null ? 'null' : typeof value}`);
      }
      if (value.isDisposed) {
        throw new DisposedError(op, `'${name}' (tensor #${value.id}, shape [${value.shape}]) was already disposed`);
      }
      if (target.isDisposed) {
        throw new DisposedError(op, `the module's '${name}' (shape [${target.shape}]) was already disposed`);
      }
      if (value.dtype !== target.dtype) {
        throw new DTypeError(op, `'${name}' needs ${target.dtype} [${target.shape}], got ${value.dtype} [${value.shape}]`);
      }
      if (!sameShape(value.shape, target.shape)) {
        throw new ShapeError(op, `'${name}' needs shape [${target.shape}], got [${value.shape}]`);
      }
      const from = value.backend(op);
      const to = target.backend(op);
      if (from !== to && !from.readSync) {
        throw new BackendError(
          op,
          `'${name}' lives on backend '${from.name}', which can only read asynchronously, and the module on '${to.name}'; ` +
            `make it on '${to.name}' from await data() first`,
        );
      }
      pairs.push([target, value]);
    }
    // Copy what lives on another backend into the target's, then assign (which cannot fail now).
    const copies: Tensor[] = [];
    try {
      for (const pair of pairs) {
        const [target, value] = pair;
        const from = value.backend(op);
        const to = target.backend(op);
        if (from === to) continue;
        const copy = fromArray(from.readSync!(value.info(op)), value.shape, value.dtype, to);
        copies.push(copy);
        pair[1] = copy;
      }
    } catch (e) {
      for (const c of copies) c.dispose();
      throw e;
    }
    for (const [target, value] of pairs) target.assign(value);
    for (const c of copies) c.dispose();
  }
}

/** The parameters held directly by `m` (its properties, arrays too), named under `mname`, skipping those in `seen`. */
function ownParameters(m: Module, mname: string, seen: Set<Parameter>): [string, Parameter][] {
  const out: [string, Parameter][] = [];
  for (const [key, value] of Object.entries(m)) {
    const add = (name: string, p: unknown): void => {
      if (p instanceof Parameter && !seen.has(p)) {
        seen.add(p);
        out.push([join(mname, name), p]);
      }
    };
    if (Array.isArray(value)) value.forEach((v, i) => add(`${key}.${i}`, v));
    else add(key, value);
  }
  return out;
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}
