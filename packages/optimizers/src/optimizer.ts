/**
 * The optimizer base: parameter groups, per-parameter state, `zeroGrad`, `step`, and a state
 * dict that resumes training exactly.
 *
 * @module
 */
import { keep, noGrad, tidy, ValueError, type Tensor } from '@profundo/core';

/** Options every optimizer has. */
export interface BaseOptions {
  /** Learning rate. Learning-rate schedulers rewrite it between steps. */
  lr: number;
  /**
   * The group's learning rate before any scheduler touched it; set by the first
   * {@link LRScheduler} attached to the optimizer (PyTorch's `initial_lr`) and saved in the
   * state dict, so that several schedulers on one optimizer share one base.
   */
  initialLr?: number;
}

/** A parameter group as given to a constructor: its parameters and any option overrides. */
export type ParamGroupInput<O> = { params: readonly Tensor[] } & Partial<O>;

/** A parameter group as the optimizer holds it: parameters plus complete options. */
export type ParamGroup<O> = { params: Tensor[] } & O;

/**
 * Per-parameter state: tensors (kept on the parameter's backend) and plain numbers (such as
 * the step counter `step`, kept in JavaScript so that no step reads the device).
 */
export type ParamState = Record<string, Tensor | number>;

/**
 * What {@link Optimizer.stateDict} returns, laid out like PyTorch's: per-parameter state by
 * flat index (numbering runs across groups in order), and each group's options with the
 * indices of its parameters.
 */
export interface OptimizerStateDict<O> {
  /** State of parameter `i`. Parameters that never took a step have none. */
  state: Record<number, ParamState>;
  /** Options of each group, and the flat indices of its parameters. */
  paramGroups: (O & { params: number[] })[];
}

/**
 * Base class of optimizers, PyTorch-style. Subclasses implement {@link Optimizer.update}
 * for one parameter; the base runs it under `noGrad` inside `tidy`, so a step leaves no
 * temporaries behind, and its state stays on the parameters' backend. Nothing in a step
 * reads a tensor back to the CPU: per-step scalars (bias corrections, decayed learning rates)
 * are computed in JavaScript from the step counter each parameter's state keeps as a number.
 *
 * Options live in {@link Optimizer.paramGroups} and may be changed between steps (that is
 * what learning-rate schedulers do).
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * for (const [x, y] of batches) {
 *   tidy(() => {
 *     opt.zeroGrad();
 *     crossEntropy(model.forward(x), y).backward();
 *     opt.step();
 *   });
 * }
 * ```
 */
export abstract class Optimizer<O extends BaseOptions> {
  /** Parameter groups with their options; options may be changed between steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** The options a group gets for anything it does not set itself. */
  readonly defaults: O;
  private readonly states = new Map<Tensor, ParamState>();

  /**
   * @param name the optimizer's name, used in error messages.
   * @param params parameters, or groups of parameters with their own options.
   * @param defaults complete options for whatever a group does not set.
   */
  constructor(
    readonly name: string,
    params: readonly Tensor[] | readonly ParamGroupInput<O>[],
    defaults: O,
  ) {
    const groups: ParamGroupInput<O>[] = isGroupList(params) ? [...params] : [{ params } as ParamGroupInput<O>];
    if (groups.length === 0 || groups.every((g) => g.params.length === 0)) {
      throw new ValueError(name, 'got no parameters to optimize');
    }
    this.defaults = defaults;
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own options (missing ones come from the
   * constructor's defaults), e.g. to unfreeze layers while fine-tuning.
   *
   * @example
   * ```ts
   * opt.addParamGroup({ params: backbone.parameters(), lr: 1e-4 });
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of group.params) {
      if (seen.has(p)) throw new ValueError(this.name, 'a parameter appears in more than one group');
      if (p.dtype !== 'float32') throw new ValueError(this.name, `parameters must be float32, got ${p.dtype}`);
      seen.add(p);
    }
    const { params, ...overrides } = group;
    const options = { ...mergeOptions(this.defaults, overrides as unknown as Partial<O>), params: [...params] } as ParamGroup<O>;
    this.validate(options);
    this.paramGroups.push(options);
  }

  /** Checks a group's options; subclasses extend it. */
  protected validate(options: O): void {
    if (!(options.lr >= 0)) throw new ValueError(this.name, `lr must be >= 0, got ${options.lr}`);
  }

  /**
   * Computes the new value of `param` from its gradient and state. Runs without grad inside
   * `tidy`; store tensors that must outlive the step with {@link Optimizer.setState}. State
   * starts empty (`{}`) at a parameter's first step.
   */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, options: O): Tensor;

  /** Applies one update to every parameter that has a gradient (others are skipped). */
  step(): void {
    tidy(() =>
      noGrad(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (!p.grad) continue;
            let state = this.states.get(p);
            if (!state) this.states.set(p, (state = {}));
            p.assign(this.update(p, p.grad, state, group));
          }
        }
      }),
    );
  }

  /** Stores `value` under `key`, keeping it alive past the step and freeing the previous one. */
  protected setState(state: ParamState, key: string, value: Tensor | number): void {
    const prev = state[key];
    if (typeof value !== 'number') {
      // A view, so the state owns its reference even when `value` is the gradient itself.
      state[key] = keep(value.detach());
    } else {
      state[key] = value;
    }
    if (prev && typeof prev !== 'number') prev.dispose();
  }

  /**
   * The state the optimizer keeps for `param` (read-only; `undefined` before its first step).
   * Its tensors live on the parameter's backend.
   *
   * @example
   * ```ts
   * const adam = new Adam([w], { lr: 1e-3 });
   * // ... after a step:
   * adam.getState(w)!['step']; // 1
   * ```
   */
  getState(param: Tensor): Readonly<ParamState> | undefined {
    return this.states.get(param);
  }

  /** Disposes and clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /**
   * Optimizer state and group options, for checkpoints. Its tensors are new references to
   * the state's values (tensors are immutable, so later steps do not change them); dispose
   * them with core's `dispose(dict)` when done. Restoring it with
   * {@link Optimizer.loadStateDict} continues training bit for bit.
   */
  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, ParamState> = {};
    const paramGroups: (O & { params: number[] })[] = [];
    let i = 0;
    for (const { params, ...options } of this.paramGroups) {
      const indices: number[] = [];
      for (const p of params) {
        const s = this.states.get(p);
        if (s) state[i] = copyState(s);
        indices.push(i++);
      }
      paramGroups.push({ ...(structuredClone(options) as unknown as O), params: indices });
    }
    return { state, paramGroups };
  }

  /**
   * Restores what {@link Optimizer.stateDict} returned, into an optimizer over parameters of
   * the same shapes in the same groups. The dict keeps its own tensors.
   */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    const op = `${this.name}.loadStateDict`;
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(op, `expected ${this.paramGroups.length} parameter groups, got ${dict.paramGroups.length}`);
    }
    dict.paramGroups.forEach((g, k) => {
      const n = this.paramGroups[k]!.params.length;
      if (g.params && g.params.length !== n) {
        throw new ValueError(op, `group ${k} has ${n} parameters, the state dict's has ${g.params.length}`);
      }
    });
    const flat = this.paramGroups.flatMap((g) => g.params);
    for (const key of Object.keys(dict.state)) {
      const i = Number(key);
      if (!(Number.isInteger(i) && i >= 0 && i < flat.length)) {
        throw new ValueError(op, `state for parameter ${key}, but there are ${flat.length}`);
      }
      const p = flat[i]!;
      for (const [name, v] of Object.entries(dict.state[i]!)) {
        if (typeof v === 'number') continue;
        if (v.isDisposed) throw new ValueError(op, `state '${name}' of parameter ${i} was disposed`);
        if (v.shape.join() !== p.shape.join()) {
          throw new ValueError(op, `state '${name}' of parameter ${i} has shape [${v.shape}], the parameter has [${p.shape}]`);
        }
        if (v.backendName !== p.backendName) {
          throw new ValueError(op, `state '${name}' of parameter ${i} lives on backend '${v.backendName}', the parameter on '${p.backendName}'`);
        }
      }
    }
    for (const s of this.states.values()) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.states.clear();
    flat.forEach((p, i) => {
      const s = dict.state[i];
      if (s) this.states.set(p, copyState(s));
    });
    dict.paramGroups.forEach(({ params: _params, ...options }, k) => Object.assign(this.paramGroups[k]!, structuredClone(options)));
  }
}

/** @internal `defaults` overridden by the options that are set (an `undefined` keeps the default). */
export function mergeOptions<O>(defaults: O, options: Partial<O>): O {
  const out = structuredClone(defaults);
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function copyState(s: ParamState): ParamState {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.detach())]));
}

function isGroupList<O>(params: readonly Tensor[] | readonly ParamGroupInput<O>[]): params is readonly ParamGroupInput<O>[] {
  return params.length > 0 && !('shape' in (params[0] as object));
}
