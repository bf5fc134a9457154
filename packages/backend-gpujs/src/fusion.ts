/**
 * Element-wise fusion: `unary`, `binary`, `where` and `cast` do not run a kernel. Each returns a
 * storage holding the expression that computes it, over the storages it reads (its leaves), and
 * an element-wise op on a same-sized pending operand folds that operand's expression into its
 * own. The expression runs as one kernel when something needs the values: another kernel reads
 * the storage, or it is read back. A chain such as bias + relu, the relu gradient's mask and
 * product, or an optimizer's update (`μ·b + g`, then `θ − γ·b`) is then one pass instead of one
 * per op, and an intermediate nobody reads is never computed.
 *
 * Every op is a gpu.js helper function holding the same statements as a one-op kernel, so the
 * NaN rules hold unchanged; each fused value is rounded to float32 where the separate kernels
 * stored it, up to the compiler contracting `a·b + c` into one rounding (as GPU compilers may).
 * Subexpressions shared by object identity are computed once per thread.
 *
 * Bounds keep kernels small and memory predictable: at most {@link MAX_OPS} ops and
 * {@link MAX_LEAVES} distinct input storages per expression; an operand that would exceed them
 * (or is broadcast, so its own index differs) is computed first and read as a leaf. So is one made
 * before the last other kernel ran (an older generation): a value kept across training steps,
 * such as a momentum buffer, is computed once when next used rather than folded into every later
 * step's expression, which would grow and hold each step's inputs.
 *
 * @internal
 * @module
 */
import { broadcastStrides, kernelSource, linear, sizeOf, unravel } from './codegen.js';
import type { GpuStorage } from './device.js';

/** Most ops one fused kernel computes. */
export const MAX_OPS = 24;
/** Most distinct storages one fused kernel reads (WebGL 1 guarantees 8 texture units). */
export const MAX_LEAVES = 6;

/** An element-wise op as a gpu.js helper function of float arguments returning a float. */
export interface ElementwiseFn {
  /** The function's name, unique per statements. */
  readonly name: string;
  /** `{ source, settings }` as gpu.js's `functions` setting takes it. */
  readonly fn: { readonly source: string; readonly settings: { readonly argumentTypes: string[]; readonly returnType: 'Number' } };
}

/** A helper function named `name` of float `args` with `body` (which returns a float). */
export function elementwiseFn(name: string, args: readonly string[], body: string): ElementwiseFn {
  return {
    name,
    fn: {
      source: `function ${name}(${args.join(', ')}) {\n${body}}`,
      settings: { argumentTypes: args.map(() => 'Number'), returnType: 'Number' },
    },
  };
}

/** A computed storage read at the broadcast position of `shape` within `frame` (same rank rules as `binary`). */
export interface Leaf {
  readonly kind: 'leaf';
  readonly storage: GpuStorage;
  readonly shape: readonly number[];
  /** The shape of the op that reads it (its output's). */
  readonly frame: readonly number[];
}

/** An op applied to its arguments. */
export interface Op {
  readonly kind: 'op';
  readonly fn: ElementwiseFn;
  readonly args: readonly Expr[];
}

export type Expr = Leaf | Op;

/** A pending value: its expression, and the storages and ops that expression holds. */
export interface Pending {
  /** The device's generation when it was made (see {@link Device.generation}). */
  readonly generation: number;
  readonly expr: Op;
  readonly leaves: ReadonlySet<GpuStorage>;
  readonly ops: ReadonlySet<Op>;
}

/** A leaf for `storage` (of `shape`) read by an op of output shape `frame`. */
export function leaf(storage: GpuStorage, shape: readonly number[], frame: readonly number[]): Leaf {
  return { kind: 'leaf', storage, shape, frame };
}

/**
 * The pending value of `fn` over `args`, each either a leaf or a pending operand's value to fold
 * in; `null` when the result would exceed {@link MAX_OPS} or {@link MAX_LEAVES}.
 */
export function combine(fn: ElementwiseFn, args: readonly (Leaf | Pending)[], generation: number): Pending | null {
  const expr: Op = { kind: 'op', fn, args: args.map((a) => ('kind' in a ? a : a.expr)) };
  const leaves = new Set<GpuStorage>();
  const ops = new Set<Op>([expr]);
  for (const a of args) {
    if ('kind' in a) {
      leaves.add(a.storage);
      continue;
    }
    for (const l of a.leaves) leaves.add(l);
    for (const o of a.ops) ops.add(o);
  }
  return ops.size > MAX_OPS || leaves.size > MAX_LEAVES ? null : { generation, expr, leaves, ops };
}

/** The kernel that computes `p` for `n` elements: its source, helper functions and inputs in argument order. */
export function fusedKernel(p: Pending, n: number): { source: string; functions: ElementwiseFn['fn'][]; inputs: GpuStorage[] } {
  const inputs = [...p.leaves];
  const argOf = new Map(inputs.map((s, k) => [s, `x${k}`]));
  const functions = new Map<string, ElementwiseFn['fn']>();
  const frames = new Map<string, string[]>();
  const names = new Map<Expr, string>();
  let code = '';
  let body = '';
  const coordsOf = (frame: readonly number[]): string[] => {
    const key = frame.join(',');
    let coords = frames.get(key);
    if (!coords) {
      const u = unravel(frame, 'i', `f${frames.size}_`);
      code += u.code;
      coords = u.coords;
      frames.set(key, coords);
    }
    return coords;
  };
  const visit = (e: Expr): string => {
    const known = names.get(e);
    if (known) return known;
    let value: string;
    if (e.kind === 'leaf') {
      // An input as large as the frame repeats nothing: its flat layout is the frame's.
      const index = sizeOf(e.shape) === n ? 'i' : linear(coordsOf(e.frame), broadcastStrides(e.shape, e.frame));
      value = `${argOf.get(e.storage)!}[${index}]`;
    } else {
      const args = e.args.map(visit);
      functions.set(e.fn.name, e.fn.fn);
      value = `${e.fn.name}(${args.join(', ')})`;
    }
    const v = `v${names.size}`;
    body += `let ${v} = ${value};\n`;
    names.set(e, v);
    return v;
  };
  const root = visit(p.expr);
  return { source: kernelSource([...argOf.values()], `${code}${body}return ${root};\n`), functions: [...functions.values()], inputs };
}
