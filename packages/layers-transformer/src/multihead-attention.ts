/**
 * Multi-head attention.
 *
 * @module
 */
import { DTypeError, DisposedError, ShapeError, ValueError, add, cat, expand, matmul, mean, narrow, nn, pad, permute, reshape, tidy, transpose, zeros, type Tensor } from '@profundo/core';
import { attention } from './attention.js';

/** Options of {@link MultiheadAttention}; defaults as in PyTorch's `nn.MultiheadAttention`. */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights (default 0). */
  dropout?: number;
  /** Whether the input and output projections have biases (default true). */
  bias?: boolean;
  /** Features of `key` (default `embedDim`); another size gives separate projection weights. */
  kdim?: number;
  /** Features of `value` (default `embedDim`); another size gives separate projection weights. */
  vdim?: number;
  /** Append a learned key and value position (`bias_k`, `bias_v`, `[1, 1, E]`) after the projections (default false). */
  addBiasKv?: boolean;
  /** Append an all-zero key and value position to every head after the projections (default false). */
  addZeroAttn?: boolean;
  /**
   * Inputs and output `[N, L, E]` (default true) or sequence-first `[L, N, E]` (false). Note
   * that PyTorch's default is `batch_first=False`; Profundo's is batch-first.
   */
  batchFirst?: boolean;
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
 * PyTorch's other options: `kdim` / `vdim` (keys and values of other widths, projected by
 * separate `q_proj_weight` `[E, E]`, `k_proj_weight` `[E, kdim]`, `v_proj_weight` `[E, vdim]`
 * instead of the packed weight), `addBiasKv` (learned `bias_k` / `bias_v` appended as one more
 * key / value position), `addZeroAttn` (an all-zero position appended to each head) and
 * `batchFirst: false` for sequence-first `[L, N, E]` inputs and output.
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
 * const cross = new MultiheadAttention(64, 8, { kdim: 32, vdim: 16, batchFirst: false });
 * cross.forward(randn([10, 2, 64]), randn([7, 2, 32]), randn([7, 2, 16])).shape; // [10, 2, 64]
 * ```
 */
export class MultiheadAttention extends nn.Module {
  /** Packed query/key/value projection weight `[3E, E]`, or null when `kdim` / `vdim` differ from `E`. State-dict key `in_proj_weight`. */
  readonly in_proj_weight: nn.Parameter | null;
  /** Query projection `[E, E]` when `kdim` / `vdim` differ from `E` (else null). State-dict key `q_proj_weight`. */
  readonly q_proj_weight: nn.Parameter | null;
  /** Key projection `[E, kdim]` when `kdim` / `vdim` differ from `E` (else null). State-dict key `k_proj_weight`. */
  readonly k_proj_weight: nn.Parameter | null;
  /** Value projection `[E, vdim]` when `kdim` / `vdim` differ from `E` (else null). State-dict key `v_proj_weight`. */
  readonly v_proj_weight: nn.Parameter | null;
  /** Packed projection bias `[3E]`, or null without `bias`. State-dict key `in_proj_bias`. */
  readonly in_proj_bias: nn.Parameter | null;
  /** The output projection `Linear(E, E)`. State-dict keys `out_proj.weight`, `out_proj.bias`. */
  readonly out_proj: nn.Linear;
  /** The appended key `[1, 1, E]` with `addBiasKv` (Xavier normal), else null. State-dict key `bias_k`. */
  readonly bias_k: nn.Parameter | null;
  /** The appended value `[1, 1, E]` with `addBiasKv` (Xavier normal), else null. State-dict key `bias_v`. */
  readonly bias_v: nn.Parameter | null;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  /** Size of each head, `embedDim / numHeads`. */
  readonly headDim: number;
  /** Features of `key`. */
  readonly kdim: number;
  /** Features of `value`. */
  readonly vdim: number;
  /** Whether an all-zero key and value position is appended. */
  readonly addZeroAttn: boolean;
  /** Whether inputs are `[N, L, E]` (true) or `[L, N, E]`. */
  readonly batchFirst: boolean;

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
    const op = 'MultiheadAttention';
    if (!Number.isInteger(embedDim) || !Number.isInteger(numHeads) || numHeads <= 0 || embedDim <= 0 || embedDim % numHeads !== 0) {
      throw new ValueError(op, `embedDim (${embedDim}) must be a positive multiple of numHeads (${numHeads})`);
    }
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError(op, `dropout must be in [0, 1], got ${this.dropout}`);
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    for (const [name, d] of [['kdim', this.kdim], ['vdim', this.vdim]] as const) {
      if (!Number.isInteger(d) || d <= 0) throw new ValueError(op, `${name} must be a positive integer, got ${d}`);
    }
    const flags = { addBiasKv: options.addBiasKv ?? false, addZeroAttn: options.addZeroAttn ?? false, batchFirst: options.batchFirst ?? true };
    for (const [name, v] of Object.entries(flags)) {
      if (typeof v !== 'boolean') throw new ValueError(op, `${name} must be a boolean, got ${String(v)}`);
    }
    this.addZeroAttn = flags.addZeroAttn;
    this.batchFirst = flags.batchFirst;
    const bias = options.bias ?? true;
    const same = this.kdim === embedDim && this.vdim === embedDim;
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    const xavier = (shape: number[]) => tidy(() => new nn.Parameter(nn.init.xavierUniform(zeros(shape))));
    this.in_proj_weight = same ? xavier([3 * embedDim, embedDim]) : null;
    this.q_proj_weight = same ? null : xavier([embedDim, embedDim]);
    this.k_proj_weight = same ? null : xavier([embedDim, this.kdim]);
    this.v_proj_weight = same ? null : xavier([embedDim, this.vdim]);
    this.in_proj_bias = bias ? tidy(() => new nn.Parameter(zeros([3 * embedDim]))) : null;
    this.out_proj = new nn.Linear(embedDim, embedDim, { bias });
    const outBias = this.out_proj.bias;
    if (outBias) tidy(() => void nn.init.constant(outBias, 0));
    const xavierNormal = () => tidy(() => new nn.Parameter(nn.init.xavierNormal(zeros([1, 1, embedDim]))));
    this.bias_k = flags.addBiasKv ? xavierNormal() : null;
    this.bias_v = flags.addBiasKv ? xavierNormal() : null;
  }

  /** Alias of `in_proj_weight`. */
  get inProjWeight(): nn.Parameter | null {
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
    if (!this.batchFirst) {
      query = transpose(query, 0, 1);
      key = transpose(key, 0, 1);
      value = transpose(value, 0, 1);
    }
    const weightOf = (i: number): Tensor =>
      this.in_proj_weight ? narrow(this.in_proj_weight, 0, i * E, E) : [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][i]!;
    const projectFlat = (x: Tensor, i: number): Tensor => {
      const y = matmul(x, weightOf(i), { transposeB: true });
      return this.in_proj_bias ? add(y, narrow(this.in_proj_bias, 0, i * E, E)) : y; // [N, len, E]
    };
    const heads = (y: Tensor, len: number): Tensor => permute(reshape(y, [N, len, H, this.headDim]), [0, 2, 1, 3]); // [N, H, len, d]
    let kFlat = projectFlat(key, 1);
    let vFlat = projectFlat(value, 2);
    let { attnMask, keyPaddingMask } = options;
    let s = S;
    // Appended positions are never masked: the masks grow by a column of false (bool) or 0 (float).
    const widen = (): void => {
      if (attnMask) attnMask = pad(attnMask, attnMask.shape.map((_, i): [number, number] => (i === attnMask!.rank - 1 ? [0, 1] : [0, 0])));
      if (keyPaddingMask) keyPaddingMask = pad(keyPaddingMask, [[0, 0], [0, 1]]);
      s++;
    };
    if (this.bias_k && this.bias_v) {
      kFlat = cat([kFlat, expand(this.bias_k, [N, 1, E])], 1);
      vFlat = cat([vFlat, expand(this.bias_v, [N, 1, E])], 1);
      widen();
    }
    const q = heads(projectFlat(query, 0), L);
    let k = heads(kFlat, s);
    let v = heads(vFlat, s);
    if (this.addZeroAttn) {
      const zeroPosition: [number, number][] = [[0, 0], [0, 0], [0, 1], [0, 0]];
      k = pad(k, zeroPosition);
      v = pad(v, zeroPosition);
      widen();
    }
    const mask = attnMask && attnMask.rank === 3 ? reshape(attnMask, [N, H, L, s]) : attnMask;
    // Both masks apply (bool: either one masks; float: they add), as in PyTorch.
    const masks = [mask, keyPaddingMask && reshape(keyPaddingMask, [N, 1, 1, s])].filter((m): m is Tensor => m !== undefined);
    const { output, weights } = attention(q, k, v, { masks, dropout: this.dropout, training: this.training });
    const merged = reshape(permute(output, [0, 2, 1, 3]), [N, L, E]);
    const out = this.out_proj.forward(merged);
    return { output: this.batchFirst ? out : transpose(out, 0, 1), weights };
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
  nn.expectOneBackend(op, [['the parameters', mha.out_proj.weight], ...named]);
  const [Kd, Vd] = [mha.kdim, mha.vdim];
  if (query.rank !== 3 || key.rank !== 3 || value.rank !== 3 || query.shape[2] !== E || key.shape[2] !== Kd || value.shape[2] !== Vd) {
    const [b, l, s] = mha.batchFirst ? ['N, L', 'N, S', 'N, S'] : ['L, N', 'S, N', 'S, N'];
    throw new ShapeError(op, `expected query [${b}, ${E}], key [${l}, ${Kd}], value [${s}, ${Vd}], got [${query.shape}], [${key.shape}], [${value.shape}]`);
  }
  for (const [name, t] of named.slice(0, 3)) {
    if (t!.dtype !== 'float32') throw new DTypeError(op, `${name} must be float32, got ${t!.dtype}`);
  }
  const [bi, si] = mha.batchFirst ? [0, 1] : [1, 0];
  const N = query.shape[bi]!;
  const L = query.shape[si]!;
  const S = key.shape[si]!;
  if (key.shape[bi] !== N || value.shape[bi] !== N || value.shape[si] !== S) {
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
