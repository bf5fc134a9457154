/**
 * The optimizer base: parameter groups, per-parameter state, `zeroGrad`, `step`, and a state
 * dict that resumes training exactly.
 *
 * @module
 */
import { keep, noGrad, tidy, ValueError, type Tensor } from '@profundo/core';

/** Options every optimizer has. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
}

/** A parameter group as given to a constructor: its parameters and any option overrides. */
export type ParamGroupInput<O> = { params: readonly Tensor[] } & Partial<O>;

/** A parameter group as the optimizer holds it: parameters plus complete options. */
export type ParamGroup<O> = { params: Tensor[] } & O;

/** Per-parameter state: tensors (kept on the parameter's backend) and plain numbers. */
export type ParamState = Record<string, Tensor | number>;

/** What {@link Optimizer.stateDict} returns: per-parameter state by flat index, and options. */
export interface OptimizerStateDict<O> {
  /** State of parameter `i` (numbering runs across groups in order). */
  state: Record<number, ParamState>;
  /** Options of each group, without its parameters. */
  paramGroups: O[];
}

/**
 * Base class of optimizers, PyTorch-style. Subclasses implement {@link Optimizer.update}
 * for one parameter; the base runs it under `noGrad` inside `tidy`, so a step leaves no
 * temporaries behind and its state stays on the parameters' backend.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * tidy(() => {
 *   opt.zeroGrad();
 *   crossEntropy(model.forward(x), y).backward();
 *   opt.step();
 * });
 * ```
 */
export abstract class Optimizer<O extends BaseOptions> {
  /** Parameter groups with their options; options may be changed between steps. */
  readonly paramGroups: ParamGroup<O>[];
  private readonly states = new Map<Tensor, ParamState>();

  /** @param params parameters, or groups of parameters with their own options. */
  constructor(
    readonly name: string,
    params: readonly Tensor[] | readonly ParamGroupInput<O>[],
    defaults: O,
  ) {
    const groups: ParamGroupInput<O>[] = isGroupList(params) ? [...params] : [{ params } as ParamGroupInput<O>];
    if (groups.length === 0 || groups.every((g) => g.params.length === 0)) {
      throw new ValueError(name, 'got no parameters to optimize');
    }
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g) => {
      for (const p of g.params) {
        if (seen.has(p)) throw new ValueError(name, 'a parameter appears in more than one group');
        if (p.dtype !== 'float32') throw new ValueError(name, `parameters must be float32, got ${p.dtype}`);
        seen.add(p);
      }
      const options = { ...defaults, ...g, params: [...g.params] } as ParamGroup<O>;
      this.validate(options);
      return options;
    });
  }

  /** Checks a group's options; subclasses extend it. */
  protected validate(options: O): void {
    if (!(options.lr >= 0)) throw new ValueError(this.name, `lr must be >= 0, got ${options.lr}`);
  }

  /**
   * Computes the new value of `param` from its gradient and state. Runs without grad inside
   * `tidy`; store tensors that must outlive the step with {@link Optimizer.setState}.
   */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, options: O): Tensor;

  /** Applies one update to every parameter that has a gradient. */
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
   * Optimizer state (copies of its tensors) and group options, for checkpoints. Restoring
   * it with {@link Optimizer.loadStateDict} continues training bit for bit.
   */
  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, ParamState> = {};
    let i = 0;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const s = this.states.get(p);
        if (s) state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.detach())]));
        i++;
      }
    }
    const paramGroups = this.paramGroups.map(({ params: _params, ...options }) => ({ ...options }) as unknown as O);
    return { state, paramGroups };
  }

  /** Restores what {@link Optimizer.stateDict} returned (the dict keeps its own tensors). */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${this.name}.loadStateDict`, `expected ${this.paramGroups.length} groups, got ${dict.paramGroups.length}`);
    }
    const flat = this.paramGroups.flatMap((g) => g.params);
    for (const key of Object.keys(dict.state)) {
      const i = Number(key);
      if (!(i >= 0 && i < flat.length)) throw new ValueError(`${this.name}.loadStateDict`, `state for parameter ${key}, but there are ${flat.length}`);
      for (const v of Object.values(dict.state[i]!)) {
        if (typeof v !== 'number' && v.shape.join() !== flat[i]!.shape.join()) {
          throw new ValueError(`${this.name}.loadStateDict`, `state of parameter ${i} has shape [${v.shape}], parameter has [${flat[i]!.shape}]`);
        }
      }
    }
    for (const s of this.states.values()) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.states.clear();
    flat.forEach((p, i) => {
      const s = dict.state[i];
      if (s) this.states.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.detach())])));
    });
    dict.paramGroups.forEach((o, i) => Object.assign(this.paramGroups[i]!, o));
  }
}

function isGroupList<O>(params: readonly Tensor[] | readonly ParamGroupInput<O>[]): params is readonly ParamGroupInput<O>[] {
  return params.length > 0 && !('shape' in (params[0] as object));
}
