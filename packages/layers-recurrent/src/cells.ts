/**
 * The single-step recurrent cells: RNNCell, LSTMCell, GRUCell.
 *
 * @module
 */
import { DTypeError, ShapeError, ValueError, add, matmul, nn, reshape, tidy, transpose, zeros, zerosLike, type Tensor } from '@profundo/core';
import { gateCount, stepCell, type CellMode } from './step.js';

/** Options of {@link RNNCell}, {@link LSTMCell} and {@link GRUCell}. */
export interface CellOptions {
  /** Whether the cell learns `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
}

/** Options of {@link RNNCell}: {@link CellOptions} plus the nonlinearity. */
export interface RNNCellOptions extends CellOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * What the cells share: PyTorch's parameters `weight_ih` `[G·H, inputSize]`, `weight_hh`
 * `[G·H, H]`, `bias_ih`, `bias_hh` `[G·H]`, init U(−1/√H, 1/√H), and the checked step.
 */
abstract class CellBase extends nn.Module {
  /** Features of the input. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Input-to-hidden weight `[G·H, inputSize]`. */
  readonly weight_ih: nn.Parameter;
  /** Hidden-to-hidden weight `[G·H, H]`. */
  readonly weight_hh: nn.Parameter;
  /** Input-to-hidden bias `[G·H]`, or null without bias. */
  readonly bias_ih: nn.Parameter | null;
  /** Hidden-to-hidden bias `[G·H]`, or null without bias. */
  readonly bias_hh: nn.Parameter | null;
  /** @internal */
  protected readonly mode: CellMode;
  /** @internal */
  protected readonly layerName: string;

  /** @internal */
  protected constructor(layer: string, mode: CellMode, inputSize: number, hiddenSize: number, options: CellOptions) {
    super();
    for (const [what, n] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new ValueError(layer, `${what} must be a positive integer, got ${n}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.mode = mode;
    this.layerName = layer;
    const g = gateCount(mode) * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const make = (shape: number[]): nn.Parameter => tidy(() => new nn.Parameter(nn.init.uniform(zeros(shape), -bound, bound)));
    this.weight_ih = make([g, inputSize]);
    this.weight_hh = make([g, hiddenSize]);
    this.bias_ih = options.bias === false ? null : make([g]);
    this.bias_hh = options.bias === false ? null : make([g]);
  }

  /** Input-to-hidden weight (alias of `weight_ih`). */
  get weightIh(): nn.Parameter {
    return this.weight_ih;
  }
  /** Hidden-to-hidden weight (alias of `weight_hh`). */
  get weightHh(): nn.Parameter {
    return this.weight_hh;
  }
  /** Input-to-hidden bias (alias of `bias_ih`). */
  get biasIh(): nn.Parameter | null {
    return this.bias_ih;
  }
  /** Hidden-to-hidden bias (alias of `bias_hh`). */
  get biasHh(): nn.Parameter | null {
    return this.bias_hh;
  }

  /** @internal Checks and runs one step on `x` `[N, in]` or `[in]`, states `[N, H]` or `[H]`. */
  protected step(x: Tensor, hx: Tensor | undefined, cx: Tensor | undefined): [Tensor, Tensor | null] {
    const layer = this.layerName;
    const isLstm = this.mode === 'LSTM';
    nn.expectLive(layer, x);
    if (hx) nn.expectLive(layer, hx, 'hx');
    if (cx) nn.expectLive(layer, cx, 'cx');
    nn.expectFloat(layer, x);
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeError(layer, `expected input [N, ${this.inputSize}] or [${this.inputSize}], got [${x.shape}]`);
    }
    const batched = x.rank === 2;
    const n = batched ? x.shape[0]! : 1;
    const want = batched ? [n, this.hiddenSize] : [this.hiddenSize];
    for (const [what, s] of [['hx', hx], ['cx', cx]] as const) {
      if (!s) continue;
      if (s.dtype !== 'float32') throw new DTypeError(layer, `${what} must be float32, got ${s.dtype} [${s.shape}]`);
      if (s.shape.join() !== want.join()) throw new ShapeError(layer, `${what} must be [${want}] for input [${x.shape}], got [${s.shape}]`);
    }
    nn.expectOneBackend(layer, [['the input', x], ['hx', hx], ['cx', cx], ...this.namedParameters()]);
    const x2 = batched ? x : reshape(x, [1, this.inputSize]);
    let xw = matmul(x2, transpose(this.weight_ih, 0, 1));
    if (this.bias_ih) xw = add(xw, this.bias_ih);
    // Zero states on the input's backend (which may not be the current one).
    const zero = (): Tensor => zerosLike(xw.narrow(1, 0, this.hiddenSize));
    const h = hx ? reshape(hx, [n, this.hiddenSize]) : zero();
    const c = isLstm ? (cx ? reshape(cx, [n, this.hiddenSize]) : zero()) : null;
    const [h2, c2] = stepCell(this.mode, xw, h, c, transpose(this.weight_hh, 0, 1), this.bias_hh, this.hiddenSize);
    return batched ? [h2, c2] : [reshape(h2, [this.hiddenSize]), c2 ? reshape(c2, [this.hiddenSize]) : null];
  }
}

/**
 * One step of an Elman RNN, as PyTorch's `nn.RNNCell`:
 * `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (or ReLU). Input `[N, inputSize]` or
 * `[inputSize]`, state `[N, H]` or `[H]` (default zeros). State-dict keys `weight_ih`,
 * `weight_hh`, `bias_ih`, `bias_hh`.
 *
 * @example
 * ```ts
 * const cell = new RNNCell(4, 8);
 * let h = zeros([2, 8]);
 * for (const x of [randn([2, 4]), randn([2, 4])]) h = cell.forward(x, h);
 * h.shape; // [2, 8]
 * ```
 */
export class RNNCell extends CellBase {
  /** `'tanh'` or `'relu'`. */
  readonly nonlinearity: 'tanh' | 'relu';

  /** Creates the cell with parameters drawn from U(−1/√hiddenSize, 1/√hiddenSize). */
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError('RNNCell', `nonlinearity must be 'tanh' or 'relu', got ${String(nl)}`);
    super('RNNCell', nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }

  /** The next hidden state. */
  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.step(input, hx, undefined)[0];
  }
}

/**
 * One LSTM step, as PyTorch's `nn.LSTMCell` (gates i, f, g, o; see {@link LSTM}), with
 * `4·H`-row parameters. `forwardWithState(input, [hx, cx]?)` returns `[h', c']`;
 * `forward(input, hx?, cx?)` returns `h'` alone.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(4, 8);
 * let state: [Tensor, Tensor] = [zeros([2, 8]), zeros([2, 8])];
 * for (const x of [randn([2, 4]), randn([2, 4])]) state = cell.forwardWithState(x, state);
 * state[1].shape; // [2, 8]
 * ```
 */
export class LSTMCell extends CellBase {
  /** Creates the cell with parameters drawn from U(−1/√hiddenSize, 1/√hiddenSize). */
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, options);
  }

  /** The next hidden state h' (give both `hx` and `cx`, or neither for zeros). */
  forward(input: Tensor, hx?: Tensor, cx?: Tensor): Tensor {
    return this.forwardWithState(input, hx || cx ? [hx!, cx!] : undefined)[0];
  }

  /** `[h', c']`, as PyTorch's `cell(input, (hx, cx))`. */
  forwardWithState(input: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, Tensor] {
    if (state && (!state[0] || !state[1])) {
      throw new ValueError('LSTMCell', `the state needs both hx and cx, got ${state[0] ? 'hx' : 'cx'} only`);
    }
    const [h, c] = this.step(input, state?.[0], state?.[1]);
    return [h, c!];
  }
}

/**
 * One GRU step, as PyTorch's `nn.GRUCell` (gates r, z, n; see {@link GRU}), with `3·H`-row
 * parameters.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(3, 5);
 * cell.forward(randn([3])).shape; // [5]
 * ```
 */
export class GRUCell extends CellBase {
  /** Creates the cell with parameters drawn from U(−1/√hiddenSize, 1/√hiddenSize). */
  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super('GRUCell', 'GRU', inputSize, hiddenSize, options);
  }

  /** The next hidden state. */
  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.step(input, hx, undefined)[0];
  }
}
