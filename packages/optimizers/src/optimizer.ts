/**
 * The optimizer base: parameter groups, per-parameter state, `zeroGrad`, `step`, and a state
 * dict that resumes training exactly.
 *
 * @module
 */
import {
  BackendError,
  DisposedError,
  DTypeError,
  keep,
  noGrad,
  ProfundoError,
  ShapeError,
  tidy,
  ValueError,
  type Tensor,
} from '@profundo/core';

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
 *
 * @example
 * ```ts
 * const w = tensor([1, 2], { requiresGrad: true });
 * const b = tensor([0], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1 });
 * opt.addParamGroup({ params: [b], lr: 0.01 });
 * const dict: OptimizerStateDict<SGDOptions> = opt.stateDict();
 * dict.paramGroups.map((g) => [g.lr, g.params]); // [[0.1, [0]], [0.01, [1]]]
 * ```
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
 * const model = new nn.Linear(2, 2);
 * const x = tensor([[0, 1], [1, 0]]);
 * const y = tensor([1, 0], { dtype: 'int32' });
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * for (let step = 0; step < 100; step++) {
 *   tidy(() => {
 *     opt.zeroGrad();
 *     nn.crossEntropy(model.forward(x), y).backward();
 *     opt.step();
 *   });
 * }
 * nn.crossEntropy(model.forward(x), y).item() < 0.05; // true
 * ```
 */
export abstract class Optimizer<O extends BaseOptions> {
  /** Parameter groups with their options; options may be changed between steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** The options a group gets for anything it does not set itself. */
  readonly defaults: O;
  private readonly states = new Map<Tensor, ParamState>();
  /** While a step computes its updates: the staged copies of the states it works on. */
  private staging: Set<ParamState> | null = null;

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
   * const backbone = new nn.Linear(8, 8);
   * const head = new nn.Linear(8, 2);
   * const opt = new SGD(head.parameters(), { lr: 0.1 });
   * opt.addParamGroup({ params: backbone.parameters(), lr: 1e-4 }); // fine-tune the backbone slowly
   * opt.paramGroups.map((g) => g.lr); // [0.1, 0.0001]
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (group === null || typeof group !== 'object' || !Array.isArray(group.params)) {
      throw new ValueError(this.name, `a parameter group needs a params array, got ${group === null ? 'null' : typeof group}`);
    }
    group.params.forEach((p, i) => {
      if (!isTensor(p)) throw new ValueError(this.name, `params[${i}] must be a Tensor, got ${p === null ? 'null' : typeof p}`);
      if (seen.has(p)) throw new ValueError(this.name, 'a parameter appears in more than one group');
      if (p.isDisposed) throw new DisposedError(this.name, `params[${i}] (shape [${p.shape}]) was already disposed`);
      if (p.dtype !== 'float32') throw new DTypeError(this.name, `parameters must be float32, got ${p.dtype} (params[${i}], shape [${p.shape}])`);
      seen.add(p);
    });
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

  /**
   * Applies one update to every parameter that has a gradient (others are skipped).
   *
   * Atomic: it first checks every group's options and every gradient (live, float32, the
   * parameter's shape and backend), then computes every parameter's update, and only then
   * writes the new values and state (step counters included). If anything fails, a typed
   * error names the parameter by its flat index and nothing has changed: parameters, state,
   * and `memory()`. The old state lives until the new one is committed, so a step briefly
   * holds both.
   *
   * @example
   * ```ts
   * const w = tensor([1, 2], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1 });
   * opt.zeroGrad();
   * const loss = w.square().sum(); // its gradient: 2w = [2, 4]
   * loss.backward();
   * opt.step();
   * w; // [0.8, 1.6]
   * ```
   */
  step(): void {
    const op = `${this.name}.step`;
    const work = this.checkStep(op);
    tidy(() =>
      noGrad(() => {
        const staged: [Tensor, Tensor, ParamState][] = [];
        this.staging = new Set();
        try {
          for (const [p, grad, group] of work) {
            const state: ParamState = { ...this.states.get(p) };
            this.staging.add(state);
            staged.push([p, this.update(p, grad, state, group), state]);
          }
        } finally {
          this.staging = null;
        }
        staged.forEach(([p, next], i) => {
          if (next.dtype !== p.dtype || next.shape.join() !== p.shape.join() || next.isDisposed) {
            throw new ShapeError(op, `the update of a parameter of shape [${p.shape}] (the ${i}-th updated) gave [${next.shape}] ${next.dtype}`);
          }
        });
        // Commit: nothing below can fail.
        for (const [p, next, state] of staged) {
          const prev = this.states.get(p);
          for (const v of Object.values(state)) if (typeof v !== 'number') keep(v);
          if (prev) for (const [k, v] of Object.entries(prev)) if (typeof v !== 'number' && state[k] !== v) v.dispose();
          this.states.set(p, state);
          p.assign(next);
        }
      }),
    );
  }

  /** Checks options and gradients before a step; returns the parameters to update. */
  private checkStep(op: string): [Tensor, Tensor, ParamGroup<O>][] {
    const work: [Tensor, Tensor, ParamGroup<O>][] = [];
    let i = 0;
    this.paramGroups.forEach((group, k) => {
      this.validateIn(op, k, group);
      for (const p of group.params) {
        const at = `parameter ${i++}`;
        const g = p.grad;
        if (!g) continue;
        if (p.isDisposed) throw new DisposedError(op, `${at} (shape [${p.shape}]) was disposed, but it has a gradient`);
        if (g.isDisposed) throw new DisposedError(op, `the gradient of ${at} (shape [${p.shape}]) was disposed`);
        if (g.dtype !== 'float32') throw new DTypeError(op, `the gradient of ${at} must be float32, got ${g.dtype}`);
        if (g.shape.join() !== p.shape.join() || g.rank !== p.rank) {
          throw new ShapeError(op, `the gradient of ${at} must have the parameter's shape [${p.shape}], got [${g.shape}]`);
        }
        if (g.backend(op) !== p.backend(op)) {
          throw new BackendError(op, `the gradient of ${at} lives on backend '${g.backendName}', the parameter on '${p.backendName}'`);
        }
        work.push([p, g, group]);
      }
    });
    return work;
  }

  /** {@link Optimizer.validate}, with the error renamed after `op` and group `k`. */
  private validateIn(op: string, k: number, options: O): void {
    try {
      this.validate(options);
    } catch (e) {
      if (!(e instanceof ProfundoError)) throw e;
      const Type = e.constructor as new (op: string, message: string) => ProfundoError;
      throw new Type(op, `group ${k}: ${e.message.slice(e.op.length + 2)}`);
    }
  }

  /**
   * Stores `value` under `key`, keeping it alive past the step and freeing the previous one.
   * During {@link Optimizer.step} both happen when the step commits, so a step that fails
   * leaves the state as it was.
   */
  protected setState(state: ParamState, key: string, value: Tensor | number): void {
    if (this.staging?.has(state)) {
      // A view, so the state owns its reference even when `value` is the gradient itself; kept
      // (and the previous value freed) by the commit, disposed by the step's tidy on failure.
      state[key] = typeof value === 'number' ? value : value.detach();
      return;
    }
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
   * const w = tensor([1, 2], { requiresGrad: true });
   * const adam = new Adam([w], { lr: 1e-3 });
   * adam.getState(w);           // undefined (no step yet)
   * w.square().sum().backward();
   * adam.step();
   * adam.getState(w)!['step'];  // 1
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
   *
   * Atomic: the whole dict is checked first — each group's options as the constructor checks
   * them, and each state entry (a number, or a live float32 tensor of the parameter's shape on
   * its backend; `step` a non-negative integer) — and nothing changes unless all of it passes.
   *
   * @example
   * ```ts
   * const model = new nn.Linear(4, 2);
   * const opt = new Adam(model.parameters(), { lr: 1e-3 });
   * tidy(() => model.forward(randn([3, 4])).sum().backward());
   * opt.step();
   * const saved = opt.stateDict();
   * // ... later, or in a fresh optimizer over the same parameters:
   * const resumed = new Adam(model.parameters(), { lr: 1e-3 });
   * resumed.loadStateDict(saved);
   * resumed.getState(model.weight)!['step']; // 1
   * ```
   */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    const op = `${this.name}.loadStateDict`;
    if (dict === null || typeof dict !== 'object' || !Array.isArray(dict.paramGroups) || dict.state === null || typeof dict.state !== 'object') {
      throw new ValueError(op, `needs { state, paramGroups } as stateDict() returns, got ${dict === null ? 'null' : typeof dict !== 'object' ? typeof dict : 'an object without them'}`);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(op, `expected ${this.paramGroups.length} parameter groups, got ${dict.paramGroups.length}`);
    }
    // Each group's options as they will be once loaded, checked like the constructor's.
    const options = dict.paramGroups.map((g, k) => {
      const n = this.paramGroups[k]!.params.length;
      if (g === null || typeof g !== 'object') throw new ValueError(op, `group ${k} must be an object of options, got ${String(g)}`);
      if (g.params && g.params.length !== n) {
        throw new ValueError(op, `group ${k} has ${n} parameters, the state dict's has ${g.params.length}`);
      }
      const { params: _params, ...rest } = g;
      const loaded = structuredClone(rest) as unknown as O;
      const { params: _own, ...current } = this.paramGroups[k]!;
      this.validateIn(op, k, { ...current, ...loaded } as unknown as O);
      return loaded;
    });
    const flat = this.paramGroups.flatMap((g) => g.params);
    for (const key of Object.keys(dict.state)) {
      const i = Number(key);
      if (!(Number.isInteger(i) && i >= 0 && i < flat.length)) {
        throw new ValueError(op, `state for parameter ${key}, but there are ${flat.length}`);
      }
      const p = flat[i]!;
      const entries = dict.state[i];
      if (entries === null || typeof entries !== 'object') throw new ValueError(op, `the state of parameter ${i} must be an object, got ${String(entries)}`);
      for (const [name, v] of Object.entries(entries)) {
        const at = `state '${name}' of parameter ${i}`;
        if (typeof v === 'number') {
          if (name === 'step' && !(Number.isInteger(v) && v >= 0)) throw new ValueError(op, `${at} must be a non-negative integer, got ${v}`);
          continue;
        }
        if (!isTensor(v)) throw new ValueError(op, `${at} must be a number or a Tensor, got ${v === null ? 'null' : typeof v}`);
        if (name === 'step') throw new ValueError(op, `${at} must be a number (a count of steps), got a tensor`);
        if (v.isDisposed) throw new DisposedError(op, `${at} was disposed`);
        if (v.dtype !== p.dtype) throw new DTypeError(op, `${at} must be ${p.dtype}, got ${v.dtype}`);
        if (v.shape.join() !== p.shape.join() || v.rank !== p.rank) {
          throw new ValueError(op, `${at} has shape [${v.shape}], the parameter has [${p.shape}]`);
        }
        if (v.backend(op) !== p.backend(op)) {
          throw new BackendError(op, `${at} lives on backend '${v.backendName}', the parameter on '${p.backendName}'`);
        }
      }
    }
    // Everything checked: replace.
    for (const s of this.states.values()) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.states.clear();
    flat.forEach((p, i) => {
      const s = dict.state[i];
      if (s) this.states.set(p, copyState(s));
    });
    options.forEach((o, k) => Object.assign(this.paramGroups[k]!, o));
  }
}

/** @internal `defaults` overridden by the options that are set (an `undefined` keeps the default). */
export function mergeOptions<O>(defaults: O, options: Partial<O>): O {
  const out = structuredClone(defaults);
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && typeof (v as Tensor).detach === 'function';
}

function copyState(s: ParamState): ParamState {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : keep(v.detach())]));
}

function isGroupList<O>(params: readonly Tensor[] | readonly ParamGroupInput<O>[]): params is readonly ParamGroupInput<O>[] {
  return params.length > 0 && !('shape' in (params[0] as object));
}
