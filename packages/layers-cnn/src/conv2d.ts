/**
 * The 2-D convolution layer.
 *
 * @module
 */
import { ValueError, conv2d, nn, pad, tidy, zeros, type Conv2dPadding, type Tensor } from '@profundo/core';
import { checkConvPadding, expectFloat, pairOption } from './check.js';

/** Options of {@link Conv2d}; defaults as in PyTorch's `nn.Conv2d`. */
export interface Conv2dLayerOptions {
  /** Step between output positions, `s` or `[sH, sW]` (default 1). */
  stride?: number | readonly [number, number];
  /** Zero padding: `p`, `[pH, pW]`, `'valid'` or `'same'` (stride 1 only) (default 0). */
  padding?: Conv2dPadding;
  /** Step between kernel taps, `d` or `[dH, dW]` (default 1). */
  dilation?: number | readonly [number, number];
  /** Channel groups; must divide both channel counts (default 1). */
  groups?: number;
  /** Whether to learn an additive bias per output channel (default true). */
  bias?: boolean;
  /**
   * What the padding holds: `'zeros'` (default), or the input `'reflect'`ed at its edges,
   * `'replicate'`d (the edge repeated) or wrapped `'circular'`ly, as PyTorch's `padding_mode`.
   */
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

function positive(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ValueError('Conv2d', `${what} must be a positive integer, got ${v}`);
}

/**
 * 2-D convolution over `[N, inChannels, H, W]` (or unbatched `[inChannels, H, W]`) inputs, with
 * PyTorch's layout and defaults: `weight` `[outChannels, inChannels / groups, kH, kW]` and
 * `bias` `[outChannels]`, both initialized from U(-1/√fanIn, 1/√fanIn) with
 * `fanIn = inChannels / groups · kH · kW` (PyTorch's Kaiming-uniform with `a = √5`).
 *
 * @example
 * ```ts
 * const conv = new Conv2d(3, 16, 3, { padding: 1 });
 * conv.forward(randn([8, 3, 32, 32])).shape; // [8, 16, 32, 32]
 * conv.namedParameters().map(([n]) => n);     // ['weight', 'bias']
 *
 * const depthwise = new Conv2d(16, 16, 3, { groups: 16, padding: 'same', bias: false });
 * const reflecting = new Conv2d(3, 8, 3, { padding: 1, paddingMode: 'reflect' }); // PyTorch's padding_mode
 * ```
 */
export class Conv2d extends nn.Module {
  /** Filters, `[outChannels, inChannels / groups, kH, kW]`. */
  readonly weight: nn.Parameter;
  /** Per-output-channel bias `[outChannels]`, or null when built with `bias: false`. */
  readonly bias: nn.Parameter | null;
  /** Kernel size `[kH, kW]`. */
  readonly kernelSize: [number, number];
  /** Stride `[sH, sW]`. */
  readonly stride: [number, number];
  /** Padding as given (a number, a pair, `'same'` or `'valid'`). */
  readonly padding: Conv2dPadding;
  /** Dilation `[dH, dW]`. */
  readonly dilation: [number, number];
  /** Number of channel groups. */
  readonly groups: number;
  /** What the padding holds (`'zeros'`, `'reflect'`, `'replicate'`, `'circular'`). */
  readonly paddingMode: 'zeros' | 'reflect' | 'replicate' | 'circular';

  /**
   * Creates the layer with freshly initialized parameters (drawn from the seeded generator:
   * weight first, then bias).
   *
   * @param inChannels channels of the input.
   * @param outChannels channels of the output (number of filters).
   * @param kernelSize `k` or `[kH, kW]`.
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super();
    positive('inChannels', inChannels);
    positive('outChannels', outChannels);
    this.kernelSize = pairOption('Conv2d', 'kernelSize', kernelSize, 1);
    this.stride = pairOption('Conv2d', 'stride', options.stride ?? 1, 1);
    this.dilation = pairOption('Conv2d', 'dilation', options.dilation ?? 1, 1);
    this.padding = options.padding ?? 0;
    checkConvPadding('Conv2d', this.padding);
    this.groups = options.groups ?? 1;
    positive('groups', this.groups);
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(this.paddingMode)) {
      throw new ValueError('Conv2d', `paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${String(this.paddingMode)}'`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError('Conv2d', `inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${this.groups}`);
    }
    if (this.padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new ValueError('Conv2d', `padding 'same' needs stride 1, got stride [${this.stride}]`);
    }
    const [kH, kW] = this.kernelSize;
    const perGroup = inChannels / this.groups;
    // tidy frees the initial tensors, so the parameters hold the only references to their storage.
    this.weight = tidy(() => new nn.Parameter(nn.init.kaimingUniform(zeros([outChannels, perGroup, kH, kW]), { a: Math.sqrt(5) })));
    const bound = 1 / Math.sqrt(perGroup * kH * kW);
    this.bias = options.bias === false ? null : tidy(() => new nn.Parameter(nn.init.uniform(zeros([outChannels]), -bound, bound)));
  }

  /** `[[top, bottom], [left, right]]` of the padding (`'same'`: PyTorch's split, the extra one after). */
  private paddingPairs(): [[number, number], [number, number]] {
    if (this.padding === 'same') {
      const split = (k: number, d: number): [number, number] => {
        const total = d * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      };
      return [split(this.kernelSize[0], this.dilation[0]), split(this.kernelSize[1], this.dilation[1])];
    }
    const [ph, pw] = typeof this.padding === 'number' ? [this.padding, this.padding] : (this.padding as readonly [number, number]);
    return [[ph, ph], [pw, pw]];
  }

  /** Convolves `x` `[N, inChannels, H, W]` (float32) into `[N, outChannels, OH, OW]`. */
  forward(x: Tensor): Tensor {
    expectFloat('Conv2d', x);
    if (this.paddingMode !== 'zeros' && this.padding !== 'valid' && this.padding !== 0 && (x.rank === 3 || x.rank === 4)) {
      // PyTorch pads in the mode first, then convolves without padding.
      const [[t, b], [l, r]] = this.paddingPairs();
      const lead = Array.from({ length: x.rank - 2 }, (): [number, number] => [0, 0]);
      const padded = pad(x, [...lead, [t, b], [l, r]], { mode: this.paddingMode });
      return conv2d(padded, this.weight, this.bias, { stride: this.stride, padding: 0, dilation: this.dilation, groups: this.groups });
    }
    return conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}
