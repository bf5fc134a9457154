/**
 * Convolution workloads: x[64, 32, 14, 14] ⊛ w[64, 32, 5, 5], stride 1, padding 2 ('same'), each
 * pass alone: the forward conv, the gradient with respect to the input and the gradient with
 * respect to the filter. All three cost 2·N·O·OH·OW·C·kH·kW flops.
 */
import { uniform, type HostTensor } from '../harness/data.js';

export type ConvPass = 'forward' | 'input' | 'filter';

export interface ConvCase {
  readonly kind: 'conv';
  readonly id: string;
  readonly pass: ConvPass;
  /** Input `[n, c, h, w]` (NCHW), weight `[o, c, k, k]` (OIHW), output `[n, o, h, w]`. */
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly k: number;
  /** Zero padding on every side; with stride 1 and k = 2·pad + 1 the output is h × w. */
  readonly pad: number;
  readonly flops: number;
}

const GEOMETRY = { n: 64, c: 32, h: 14, w: 14, o: 64, k: 5, pad: 2 } as const;

function conv(pass: ConvPass, id: string): ConvCase {
  const g = GEOMETRY;
  return { kind: 'conv', id, pass, ...g, flops: 2 * g.n * g.o * g.h * g.w * g.c * g.k * g.k };
}

export const convCases: readonly ConvCase[] = [
  conv('forward', 'conv2d forward'),
  conv('input', 'conv2d ∂input'),
  conv('filter', 'conv2d ∂filter'),
];

/** x, w and dy in PyTorch layouts (NCHW, OIHW). */
export function convInputs(c: ConvCase): { x: HostTensor; w: HostTensor; dy: HostTensor } {
  return {
    x: uniform([c.n, c.c, c.h, c.w], 3),
    w: uniform([c.o, c.c, c.k, c.k], 4, -0.05, 0.05),
    dy: uniform([c.n, c.o, c.h, c.w], 5),
  };
}
