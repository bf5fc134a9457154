/**
 * The multi-layer recurrent layers: RNN (tanh / ReLU), LSTM and GRU.
 *
 * @module
 */
import {
  DTypeError,
  ShapeError,
  ValueError,
  add,
  cat,
  matmul,
  nn,
  reshape,
  stack,
  tidy,
  transpose,
  zeros,
  zerosLike,
  type Tensor,
} from '@profundo/core';
import { gateCount, stepCell, type CellMode } from './step.js';

/** Options of {@link RNN}, {@link LSTM} and {@link GRU}; defaults as in PyTorch. */
export interface RecurrentOptions {
  /** Stacked recurrent layers, each one reading the previous one's output (default 1). */
  numLayers?: number;
  /** Whether the layers learn the biases `bias_ih_l{k}` and `bias_hh_l{k}` (default true). */
  bias?: boolean;
  /** Input and output are `[N, L, ·]` instead of `[L, N, ·]` (default false). The states stay `[D·numLayers, N, H]`. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Runs a second set of layers from the last step to the first and concatenates both outputs (default false). */
  bidirectional?: boolean;
}

/** Options of {@link RNN}: {@link RecurrentOptions} plus the nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Checks a positive integer size. */
function positive(layer: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(layer, `${what} must be a positive integer, got ${n}`);
}

/** The parameter `name` of `m` (a dynamically named property). */
function param(m: object, name: string): nn.Parameter {
  return (m as Record<string, nn.Parameter>)[name]!;
}

/**
 * What the three recurrent layers share: PyTorch's parameters (`weight_ih_l{k}[_reverse]`
 * `[G·H, in]`, `weight_hh_l{k}[_reverse]` `[G·H, H]`, `bias_ih_l{k}[_reverse]`,
 * `bias_hh_l{k}[_reverse]` `[G·H]`, G = 1 / 4 / 3 gates, registered in PyTorch's order), its
 * init U(−1/√H, 1/√H), and the unrolled loop over layers, directions and steps, composed of
 * core ops so that autograd backpropagates through time.
 */
abstract class RecurrentBase extends nn.Module {
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether input and output are batch-first. */
  readonly batchFirst: boolean;
  /** Dropout between layers (training mode only). */
  readonly dropout: number;
  /** Whether each layer also runs backwards. */
  readonly bidirectional: boolean;
  /** @internal The cell each step runs. */
  protected readonly mode: CellMode;
  /** @internal The layer's name in errors. */
  protected readonly layerName: string;

  /** @internal */
  protected constructor(layer: string, mode: CellMode, inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super();
    positive(layer, 'inputSize', inputSize);
    positive(layer, 'hiddenSize', hiddenSize);
    const numLayers = options.numLayers ?? 1;
    positive(layer, 'numLayers', numLayers);
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) throw new ValueError(layer, `dropout must be in [0, 1], got ${dropout}`);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    this.mode = mode;
    this.layerName = layer;
    const g = gateCount(mode) * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const dirs = this.bidirectional ? 2 : 1;
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    const make = (shape: number[]): nn.Parameter => tidy(() => new nn.Parameter(nn.init.uniform(zeros(shape), -bound, bound)));
    for (let l = 0; l < numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const self = this as unknown as Record<string, nn.Parameter>;
        self[`weight_ih${sfx}`] = make([g, inSize]);
        self[`weight_hh${sfx}`] = make([g, hiddenSize]);
        if (this.bias) {
          self[`bias_ih${sfx}`] = make([g]);
          self[`bias_hh${sfx}`] = make([g]);
        }
      }
    }
  }


  /**
   * @internal Runs every layer and direction. `x` is `[L, N, in]`, `[N, L, in]` (batch-first)
   * or unbatched `[L, in]`; the states are `[D·numLayers, N, H]` (or `[D·numLayers, H]`).
   */
  protected run(x: Tensor, h0: Tensor | undefined, c0: Tensor | undefined): [Tensor, Tensor, Tensor | null] {
    const layer = this.layerName;
    const isLstm = this.mode === 'LSTM';
    nn.expectLive(layer, x);
    if (h0) nn.expectLive(layer, h0, isLstm ? 'h0' : 'hx');
    if (c0) nn.expectLive(layer, c0, 'c0');
    nn.expectFloat(layer, x);
    if (x.rank !== 2 && x.rank !== 3) {
      throw new ShapeError(layer, `expected a 3-d input ${this.batchFirst ? '[N, L, inputSize]' : '[L, N, inputSize]'} or a 2-d unbatched [L, inputSize], got [${x.shape}]`);
    }
    if (x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeError(layer, `input's last dim must be inputSize = ${this.inputSize}, got [${x.shape}]`);
    }
    const batched = x.rank === 3;
    const steps = batched ? x.shape[this.batchFirst ? 1 : 0]! : x.shape[0]!;
    const n = batched ? x.shape[this.batchFirst ? 0 : 1]! : 1;
    if (steps === 0) throw new ShapeError(layer, `the input has no time steps: [${x.shape}]`);
    const dirs = this.bidirectional ? 2 : 1;
    const stateShape = batched ? [dirs * this.numLayers, n, this.hiddenSize] : [dirs * this.numLayers, this.hiddenSize];
    for (const [what, s] of [[isLstm ? 'h0' : 'hx', h0], ['c0', c0]] as const) {
      if (!s) continue;
      if (s.dtype !== 'float32') throw new DTypeError(layer, `${what} must be float32, got ${s.dtype} [${s.shape}]`);
      if (s.shape.join() !== stateShape.join()) {
        throw new ShapeError(layer, `${what} must be [${stateShape}] (D·numLayers, ${batched ? 'N, ' : ''}hiddenSize) for input [${x.shape}], got [${s.shape}]`);
      }
    }
    nn.expectOneBackend(layer, [['the input', x], [isLstm ? 'h0' : 'hx', h0], ['c0', c0], ...this.namedParameters()]);

    // Time-major, batched: [L, N, in].
    let seq = batched ? (this.batchFirst ? transpose(x, 0, 1) : x) : reshape(x, [steps, 1, this.inputSize]);
    const h0b = h0 && !batched ? reshape(h0, [dirs * this.numLayers, 1, this.hiddenSize]) : h0;
    const c0b = c0 && !batched ? reshape(c0, [dirs * this.numLayers, 1, this.hiddenSize]) : c0;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const k = l * dirs + d;
        const wih = param(this, `weight_ih${sfx}`);
        const whh = param(this, `weight_hh${sfx}`);
        const bih = this.bias ? param(this, `bias_ih${sfx}`) : null;
        const bhh = this.bias ? param(this, `bias_hh${sfx}`) : null;
        const inSize = seq.shape[2]!;
        // The input projections of all steps in one matmul: [L·N, in] · [in, G·H].
        let xw = matmul(reshape(seq, [steps * n, inSize]), transpose(wih, 0, 1));
        if (bih) xw = add(xw, bih);
        xw = reshape(xw, [steps, n, xw.shape[1]!]);
        const whhT = transpose(whh, 0, 1);
        // Zero states on the input's backend (which may not be the current one).
        const zero = (): Tensor => zerosLike(xw.narrow(0, 0, 1).narrow(2, 0, this.hiddenSize).reshape([n, this.hiddenSize]));
        let h = h0b ? h0b.narrow(0, k, 1).reshape([n, this.hiddenSize]) : zero();
        let c = isLstm ? (c0b ? c0b.narrow(0, k, 1).reshape([n, this.hiddenSize]) : zero()) : null;
        const out: Tensor[] = new Array<Tensor>(steps);
        for (let i = 0; i < steps; i++) {
          const t = d === 0 ? i : steps - 1 - i;
          const xt = xw.narrow(0, t, 1).reshape([n, xw.shape[2]!]);
          [h, c] = stepCell(this.mode, xt, h, c, whhT, bhh, this.hiddenSize);
          out[t] = h;
        }
        outs.push(stack(out, 0));
        hN.push(h);
        if (c) cN.push(c);
      }
      seq = dirs === 2 ? cat(outs, 2) : outs[0]!;
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) seq = nn.dropout(seq, this.dropout, true);
    }
    const output = batched ? (this.batchFirst ? transpose(seq, 0, 1) : seq) : reshape(seq, [steps, seq.shape[2]!]);
    let hOut = stack(hN, 0);
    let cOut = isLstm ? stack(cN, 0) : null;
    if (!batched) {
      hOut = reshape(hOut, [dirs * this.numLayers, this.hiddenSize]);
      if (cOut) cOut = reshape(cOut, [dirs * this.numLayers, this.hiddenSize]);
    }
    return [output, hOut, cOut];
  }
}

/**
 * A multi-layer Elman RNN, as PyTorch's `nn.RNN`: at each step
 * `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)` (or ReLU). Input `[L, N, inputSize]`
 * (`[N, L, inputSize]` with `batchFirst`, or unbatched `[L, inputSize]`); the hidden state
 * `[D·numLayers, N, hiddenSize]`, D = 2 when bidirectional. State-dict keys as PyTorch's:
 * `weight_ih_l0` `[H, inputSize]`, `weight_hh_l0` `[H, H]`, `bias_ih_l0`, `bias_hh_l0` `[H]`,
 * `…_reverse` for the backward direction, `…_l1` for the second layer, and so on.
 *
 * `forward(input, hx?)` returns the output, `[L, N, D·H]`; `forwardWithState(input, hx?)`
 * returns PyTorch's pair `[output, hN]`.
 *
 * @example
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forwardWithState(randn([5, 3, 10]), zeros([2, 3, 20]));
 * output.shape; // [5, 3, 20]
 * hN.shape;     // [2, 3, 20]
 * ```
 */
export class RNN extends RecurrentBase {
  /** `'tanh'` or `'relu'`. */
  readonly nonlinearity: 'tanh' | 'relu';

  /** Creates the layers with parameters drawn from U(−1/√hiddenSize, 1/√hiddenSize). */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError('RNN', `nonlinearity must be 'tanh' or 'relu', got ${String(nl)}`);
    super('RNN', nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }

  /** The output `[L, N, D·H]` (batch-first: `[N, L, D·H]`) for `input`, from `hx` (default zeros). */
  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.run(input, hx, undefined)[0];
  }

  /** `[output, hN]`, as PyTorch's `rnn(input, hx)`: hN is `[D·numLayers, N, H]`. */
  forwardWithState(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx, undefined);
    return [out, h];
  }
}

/**
 * A multi-layer LSTM, as PyTorch's `nn.LSTM`, gates in PyTorch's order (input, forget, cell,
 * output): `i, f, g, o = σ, σ, tanh, σ` of `x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh` split in
 * four, `c_t = f ⊙ c_{t−1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`. Parameters as {@link RNN}'s with
 * `4·H` rows (`weight_ih_l0` `[4H, inputSize]`, …).
 *
 * `forward(input, h0?, c0?)` returns the output; `forwardWithState(input, [h0, c0]?)` returns
 * PyTorch's `[output, [hN, cN]]`.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16, { batchFirst: true, bidirectional: true });
 * const [output, [hN, cN]] = lstm.forwardWithState(randn([4, 7, 8]));
 * output.shape; // [4, 7, 32]
 * hN.shape;     // [2, 4, 16]
 * cN.shape;     // [2, 4, 16]
 * ```
 */
export class LSTM extends RecurrentBase {
  /** Creates the layers with parameters drawn from U(−1/√hiddenSize, 1/√hiddenSize). */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, options);
  }

  /** The output for `input`, from `h0` and `c0` (default zeros; give both or neither). */
  forward(input: Tensor, h0?: Tensor, c0?: Tensor): Tensor {
    return this.forwardWithState(input, h0 || c0 ? [h0!, c0!] : undefined)[0];
  }

  /** `[output, [hN, cN]]`, as PyTorch's `lstm(input, (h0, c0))`. */
  forwardWithState(input: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    if (state && (!state[0] || !state[1])) {
      throw new ValueError('LSTM', `the initial state needs both h0 and c0, got ${state[0] ? 'h0' : 'c0'} only`);
    }
    const [out, h, c] = this.run(input, state?.[0], state?.[1]);
    return [out, [h, c!]];
  }
}

/**
 * A multi-layer GRU, as PyTorch's `nn.GRU`, gates in PyTorch's order (reset, update, new):
 * `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
 * `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`. Parameters as
 * {@link RNN}'s with `3·H` rows.
 *
 * `forward(input, hx?)` returns the output; `forwardWithState(input, hx?)` returns `[output, hN]`.
 *
 * @example
 * ```ts
 * const gru = new GRU(6, 12, { numLayers: 2, dropout: 0.1 });
 * gru.forward(randn([9, 2, 6])).shape; // [9, 2, 12]
 * gru.namedParameters().map(([name, p]) => `${name} ${p.shape}`)[0]; // 'weight_ih_l0 36,6'
 * ```
 */
export class GRU extends RecurrentBase {
  /** Creates the layers with parameters drawn from U(−1/√hiddenSize, 1/√hiddenSize). */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, options);
  }

  /** The output for `input`, from `hx` (default zeros). */
  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.run(input, hx, undefined)[0];
  }

  /** `[output, hN]`, as PyTorch's `gru(input, hx)`. */
  forwardWithState(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx, undefined);
    return [out, h];
  }
}
