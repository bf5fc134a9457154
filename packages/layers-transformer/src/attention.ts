/**
 * Functional scaled dot-product attention and attention masks.
 *
 * @module
 */
import { DTypeError, DisposedError, ShapeError, ValueError, add, matmul, mul, nn, softmax, tensor, where, type Tensor } from '@profundo/core';

/**
 * A causal ("square subsequent") mask: bool `[length, keyLength]`, true where key position
 * `j > i` (masked), so position `i` attends to positions `0 … i` only. Pass it as an
 * `attnMask` / `tgtMask` (true = masked, PyTorch's bool convention).
 *
 * @example
 * ```ts
 * causalMask(3).tolist(); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]] (bool; 1 = masked)
 * ```
 */
export function causalMask(length: number, keyLength = length): Tensor {
  if (!Number.isInteger(length) || length < 0 || !Number.isInteger(keyLength) || keyLength < 0) {
    throw new ValueError('causalMask', `lengths must be non-negative integers, got ${length} and ${keyLength}`);
  }
  const m = new Uint8Array(length * keyLength);
  for (let i = 0; i < length; i++) for (let j = i + 1; j < keyLength; j++) m[i * keyLength + j] = 1;
  return tensor(m, { shape: [length, keyLength], dtype: 'bool' });
}

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /**
   * Broadcastable to the scores `[..., L, S]`: bool (true = masked: the key gets zero weight)
   * or float (added to the scores, e.g. `-Infinity` to mask).
   */
  mask?: Tensor;
  /** Dropout probability on the attention weights (default 0). */
  dropout?: number;
  /** Whether dropout is active (default true; it only acts when `dropout > 0`). */
  training?: boolean;
  /** Scale of the scores (default `1 / √d`). */
  scale?: number;
}

/**
 * Attention `softmax(Q Kᵀ · scale + mask) V` over the last two dims, with any leading batch
 * dims (broadcast): `q` `[..., L, d]`, `k` `[..., S, d]`, `v` `[..., S, dv]` → `[..., L, dv]`.
 * A query whose keys are all masked gets NaN weights, as in PyTorch.
 *
 * @example
 * ```ts
 * const q = randn([2, 4, 5, 8]), k = randn([2, 4, 6, 8]), v = randn([2, 4, 6, 8]);
 * scaledDotProductAttention(q, k, v, { mask: causalMask(5, 6) }).shape; // [2, 4, 5, 8]
 * ```
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const { mask, ...rest } = options;
  return attention(q, k, v, { ...rest, masks: mask ? [mask] : [] }).output;
}

/** @internal Attention returning the (post-softmax, pre-dropout) weights too. */
export function attention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: Omit<AttentionOptions, 'mask'> & { masks?: readonly Tensor[] } = {},
): { output: Tensor; weights: Tensor } {
  const op = 'scaledDotProductAttention';
  const masks = options.masks ?? [];
  for (const [name, t] of [['q', q], ['k', k], ['v', v], ...masks.map((m) => ['mask', m] as const)] as const) {
    if (t.isDisposed) throw new DisposedError(op, `${name} (shape [${t.shape}]) was already disposed`);
  }
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (t.dtype !== 'float32') throw new DTypeError(op, `${name} must be float32, got ${t.dtype}`);
  }
  nn.expectOneBackend(op, [['q', q], ['k', k], ['v', v], ...masks.map((m) => ['a mask', m] as const)]);
  const p = options.dropout ?? 0;
  if (!(p >= 0 && p <= 1)) throw new ValueError(op, `dropout must be in [0, 1], got ${p}`);
  if (options.scale !== undefined && !Number.isFinite(options.scale)) throw new ValueError(op, `scale must be a finite number, got ${options.scale}`);
  if (q.rank < 2 || k.rank < 2 || v.rank < 2) {
    throw new ShapeError(op, `q, k and v need rank >= 2, got [${q.shape}], [${k.shape}], [${v.shape}]`);
  }
  const d = q.shape[q.rank - 1]!;
  if (k.shape[k.rank - 1] !== d || k.shape[k.rank - 2] !== v.shape[v.rank - 2]) {
    throw new ShapeError(op, `expected q [..., L, d], k [..., S, d], v [..., S, dv], got [${q.shape}], [${k.shape}], [${v.shape}]`);
  }
  // Every shape and dtype is checked before anything is computed, so a bad call leaves nothing behind.
  const batch = (t: Tensor): readonly number[] => t.shape.slice(0, -2);
  const scoreBatch = broadcast(batch(q), batch(k));
  if (!scoreBatch || !broadcast(scoreBatch, batch(v))) {
    throw new ShapeError(op, `the batch dims of q [${q.shape}], k [${k.shape}] and v [${v.shape}] do not broadcast together`);
  }
  let scoreShape: readonly number[] = [...scoreBatch, q.shape[q.rank - 2]!, k.shape[k.rank - 2]!];
  for (const m of masks) {
    if (m.dtype !== 'bool' && m.dtype !== 'float32') {
      throw new DTypeError(op, `a mask must be bool (true = masked) or float32 (additive), got ${m.dtype}`);
    }
    const next = broadcast(scoreShape, m.shape);
    if (!next) throw new ShapeError(op, `mask [${m.shape}] does not broadcast to the attention scores [${scoreShape}]`);
    scoreShape = next;
  }
  if (!broadcast(scoreShape.slice(0, -2), batch(v))) {
    throw new ShapeError(op, `the batch dims of the masked scores [${scoreShape}] and v [${v.shape}] do not broadcast together`);
  }
  let scores = mul(matmul(q, k, { transposeB: true }), options.scale ?? 1 / Math.sqrt(d));
  for (const m of masks) scores = applyMask(op, scores, m);
  const weights = softmax(scores, -1);
  const dropped = nn.dropout(weights, p, options.training ?? true);
  return { output: matmul(dropped, v), weights };
}

/** @internal Applies a bool (true = masked) or additive float mask to attention scores. */
export function applyMask(op: string, scores: Tensor, mask: Tensor): Tensor {
  if (mask.dtype === 'bool') return where(mask, -Infinity, scores);
  if (mask.dtype === 'float32') return add(scores, mask);
  throw new DTypeError(op, `a mask must be bool (true = masked) or float32 (additive), got ${mask.dtype}`);
}

/** NumPy broadcasting of two shapes, or null when they do not broadcast. */
function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}
