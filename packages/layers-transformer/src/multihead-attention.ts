/**
 * Multi-head attention.
 *
 * @module
 */
import { DTypeError, DisposedError, ShapeError, ValueError, add, matmul, mean, narrow, nn, permute, reshape, tidy, zeros, type Tensor } from '@profundo/core';
import { expectOneBackend } from './check.js';
import { attention } from './attention.js';

/** Options of {@link MultiheadAttention}; defaults as in PyTorch's `nn.MultiheadAttention`. */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights (default 0). */
  dropout?: number;
  /** Whether the input and output projections have biases (default true). */
  bias?: boolean;
}

/** Masks of {@link MultiheadAttention.forwardWithWeights} (the positional mask arguments of {@link MultiheadAttention.forward}). */
export interface MultiheadAttentionForwardOptions {
  /**
   * `[L, S]` or `[N·numHeads, L, S]`: bool (true = masked, PyTorch's convention) or float
   * (added to the scores). See {@link causalMask}.
   */
  attnMask?: Tensor;
  /** `[N, S]`: bool (true = this key is padding, ignore it) or float (added to the scores). */
  keyPaddingMask?: Tensor;
}

/** Options of {@link MultiheadAttention.forwardWithWeights}. */
export interface MultiheadAttentionWeightsOptions extends MultiheadAttentionForwardOptions {
  /** Average the weights over heads, `[N, L, S]` (default true), or keep them per head, `[N, numHeads, L, S]`. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention, as PyTorch's `nn.MultiheadAttention` with `batch_first=True`:
 * `query` `[N, L, E]`, `key` `[N, S, E]`, `value` `[N, S, E]` are projected by the packed
 * `in_proj_weight` `[3E, E]` (rows: query, key, value) and `in_proj_bias` `[3E]`, split into
 * `numHeads` heads of `E / numHeads`, attended with `softmax(QKᵀ/√d_head + mask) V`, merged
 * and projected by `out_proj` (a `Linear(E, E)`).
 *
 * State-dict keys and initialization match PyTorch's: `in_proj_weight` (Xavier uniform),
 * `in_proj_bias` (zeros), `out_proj.weight` (U(-1/√E, 1/√E)), `out_proj.bias` (zeros). The
 * packed parameters are the snake_case properties `in_proj_weight` / `in_proj_bias`
 * (aliased as `inProjWeight` / `inProjBias`) because state-dict keys are property names.
 *
 * @example
 * ```ts
 * const mha = new MultiheadAttention(64, 8);
 * const x = randn([2, 10, 64]);
 * mha.forward(x, x, x, causalMask(10)).shape;               // [2, 10, 64]
 * const [out, weights] = mha.forwardWithWeights(x, x, x);   // weights [2, 10, 10]
 * Object.keys(mha.stateDict()); // ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
 * ```
 */
export class MultiheadAttention extends nn.Module {
  /** Packed query/key/value projection weight `[3E, E]`. State-dict key `in_proj_weight`. */
  readonly in_proj_weight: nn.Parameter;
  /** Packed projection bias `[3E]`, or null without `bias`. State-dict key `in_proj_bias`. */
  readonly in_proj_bias: nn.Parameter | null;
  /** The output projection `Linear(E, E)`. State-dict keys `out_proj.weight`, `out_proj.bias`. */
  readonly out_proj: nn.Linear;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  /** Size of each head, `embedDim / numHeads`. */
  readonly headDim: number;

  /**
   * @param embedDim model width `E`.
   * @param numHeads number of heads; must divide `embedDim`.
   */
  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    if (!Number.isInteger(embedDim) || !Number.isInteger(numHeads) || numHeads <= 0 || embedDim <= 0 || embedDim % numHeads !== 0) {
      throw new ValueError('MultiheadAttention', `embedDim (${embedDim}) must be a positive multiple of numHeads (${numHeads})`);
    }
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError('MultiheadAttention', `dropout must be in [0, 1], got ${this.dropout}`);
    const bias = options.bias ?? true;
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    this.in_proj_weight = tidy(() => new nn.Parameter(nn.init.xavierUniform(zeros([3 * embedDim, embedDim]))));
    this.in_proj_bias = bias ? tidy(() => new nn.Parameter(zeros([3 * embedDim]))) : null;
    this.out_proj = new nn.Linear(embedDim, embedDim, { bias });
    const outBias = this.out_proj.bias;
    if (outBias) tidy(() => void nn.init.constant(outBias, 0));
  }

  /** Alias of `in_proj_weight`. */
  get inProjWeight(): nn.Parameter {
    return this.in_proj_weight;
  }

  /** Alias of `in_proj_bias`. */
  get inProjBias(): nn.Parameter | null {
    return this.in_proj_bias;
  }

  /** Alias of `out_proj`. */
  get outProj(): nn.Linear {
    return this.out_proj;
  }

  /**
   * Attends `query` `[N, L, E]` to `key` `[N, S, E]` / `value` `[N, S, E]`; returns `[N, L, E]`.
   * The masks are positional (a module's `forward` takes tensors only; `undefined` skips one):
   *
   * @param attnMask `[L, S]` or `[N·numHeads, L, S]`, bool (true = masked) or additive float.
   * @param keyPaddingMask `[N, S]`, bool (true = padding, ignored) or additive float.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, attnMask?: Tensor, keyPaddingMask?: Tensor): Tensor {
    return this.run(query, key, value, { attnMask, keyPaddingMask }).output;
  }

  /**
   * As {@link MultiheadAttention.forward}, also returning the attention weights (PyTorch's
   * `need_weights=True`): `[N, L, S]` averaged over heads, or `[N, numHeads, L, S]`.
   */
  forwardWithWeights(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionWeightsOptions = {},
  ): [output: Tensor, weights: Tensor] {
    const { output, weights } = this.run(query, key, value, options);
    return [output, options.averageAttnWeights === false ? weights : mean(weights, 1)];
  }

  private run(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions): { output: Tensor; weights: Tensor } {
    const E = this.embedDim;
    const H = this.numHeads;
    const { N, L, S } = checkAttentionInputs(this, query, key, value, options);
    const project = (x: Tensor, i: number, len: number): Tensor => {
      let y = matmul(x, narrow(this.in_proj_weight, 0, i * E, E), { transposeB: true });
      if (this.in_proj_bias) y = add(y, narrow(this.in_proj_bias, 0, i * E, E));
      return permute(reshape(y, [N, len, H, this.headDim]), [0, 2, 1, 3]); // [N, H, len, d]
    };
    const q = project(query, 0, L);
    const k = project(key, 1, S);
    const v = project(value, 2, S);

    const { attnMask, keyPaddingMask } = options;
    const mask = attnMask && attnMask.rank === 3 ? reshape(attnMask, [N, H, L, S]) : attnMask;
    // Both masks apply (bool: either one masks; float: they add), as in PyTorch.
    const masks = [mask, keyPaddingMask && reshape(keyPaddingMask, [N, 1, 1, S])].filter((m): m is Tensor => m !== undefined);
    const { output, weights } = attention(q, k, v, { masks, dropout: this.dropout, training: this.training });
    const merged = reshape(permute(output, [0, 2, 1, 3]), [N, L, E]);
    return { output: this.out_proj.forward(merged), weights };
  }
}

/**
 * @internal Checks the inputs and masks of `mha` by liveness, shape and dtype before anything
 * is computed, so that a rejected call leaves nothing behind; layers that run several
 * attentions check them all first. Returns the batch size and the query and key lengths.
 */
export function checkAttentionInputs(
  mha: MultiheadAttention,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  masks: MultiheadAttentionForwardOptions,
): { N: number; L: number; S: number } {
  const op = 'MultiheadAttention';
  const E = mha.embedDim;
  const H = mha.numHeads;
  const { attnMask, keyPaddingMask } = masks;
  const named: [string, Tensor | undefined][] = [['query', query], ['key', key], ['value', value], ['attnMask', attnMask], ['keyPaddingMask', keyPaddingMask]];
  for (const [name, t] of named) {
    if (t?.isDisposed) throw new DisposedError(op, `${name} (shape [${t.shape}]) was already disposed`);
  }
  expectOneBackend(op, [['the parameters', mha.in_proj_weight], ...named]);
  if (query.rank !== 3 || key.rank !== 3 || value.rank !== 3 || query.shape[2] !== E || key.shape[2] !== E || value.shape[2] !== E) {
    throw new ShapeError(op, `expected query [N, L, ${E}], key [N, S, ${E}], value [N, S, ${E}], got [${query.shape}], [${key.shape}], [${value.shape}]`);
  }
  for (const [name, t] of named.slice(0, 3)) {
    if (t!.dtype !== 'float32') throw new DTypeError(op, `${name} must be float32, got ${t!.dtype}`);
  }
  const [N, L] = query.shape as [number, number, number];
  const S = key.shape[1]!;
  if (key.shape[0] !== N || value.shape[0] !== N || value.shape[1] !== S) {
    throw new ShapeError(op, `batch and key lengths disagree: query [${query.shape}], key [${key.shape}], value [${value.shape}]`);
  }
  if (attnMask) {
    const ok = (attnMask.rank === 2 && attnMask.shape[0] === L && attnMask.shape[1] === S) || (attnMask.rank === 3 && attnMask.shape.join() === [N * H, L, S].join());
    if (!ok) throw new ShapeError(op, `attnMask must be [${L}, ${S}] or [${N * H}, ${L}, ${S}], got [${attnMask.shape}]`);
  }
  if (keyPaddingMask && keyPaddingMask.shape.join() !== [N, S].join()) {
    throw new ShapeError(op, `keyPaddingMask must be [${N}, ${S}], got [${keyPaddingMask.shape}]`);
  }
  for (const [name, m] of [['attnMask', attnMask], ['keyPaddingMask', keyPaddingMask]] as const) {
    if (m && m.dtype !== 'bool' && m.dtype !== 'float32') {
      throw new DTypeError(op, `${name} must be bool (true = masked) or float32 (additive), got ${m.dtype}`);
    }
  }
  return { N, L, S };
}
