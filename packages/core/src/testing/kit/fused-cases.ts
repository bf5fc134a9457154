/**
 * Cases of the optional fused kernels, called directly (so a backend that offers a forward
 * kernel without its backprops is checked too): random inputs against core's composite on the
 * reference backend (backprops against the composite's autograd gradient for the upstream
 * `dy`), literal NaN / ±Inf / tie cases with hand-derived expectations, and `N = 0`. A backend
 * without a kernel gets that kernel's cases reported as skipped.
 *
 * @internal
 * @module
 */
import type { Conv2dParams, DataHandle, FusedKernels, Pool2dParams, TensorInfo } from '../../backend/backend.js';
import { setBackend } from '../../backend/registry.js';
import { tidy } from '../../memory.js';
import * as ops from '../../ops/index.js';
import { tensor } from '../../ops/creation.js';
import type { Tensor } from '../../tensor.js';
import { big, callKernel, expectClose, expectValues, f32, normal, randomInput, rngFor, type Input, type KitCase, type KitContext, type RandomInput } from './harness.js';

type FusedName = keyof FusedKernels;

const N = NaN;
const I = Infinity;

function absent(kernel: FusedName) {
  return (ctx: KitContext): string | undefined =>
    typeof ctx.backend.fused?.[kernel] === 'function' ? undefined : `the optional kernel fused.${kernel} is absent`;
}

const convGeom: Conv2dParams = { stride: [2, 1], padding: [1, 1, 2, 2], dilation: [1, 2], groups: 2 };
const convOpts = { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };
// 'same' with a 2×3 kernel pads [0, 1, 1, 1]: the asymmetric case of the [top, bottom, left, right] layout.
const sameGeom: Conv2dParams = { stride: [1, 1], padding: [0, 1, 1, 1], dilation: [1, 1], groups: 1 };
const unitConv: Conv2dParams = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
const poolGeom: Pool2dParams = { kernelSize: [3, 2], stride: [2, 1], padding: [1, 1, 0, 0] };
const poolOpts = { kernelSize: [3, 2] as [number, number], stride: [2, 1] as [number, number], padding: [1, 0] as [number, number] };
const pool2: Pool2dParams = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] };

/** The gradient `dy` pulls back to `leaf` through `f`. */
function pullback(leaf: Tensor, dy: Tensor, f: (t: Tensor) => Tensor): Tensor {
  const x = tensor(leaf.dataSync(), { shape: leaf.shape, requiresGrad: true });
  f(x).backward(dy);
  return x.grad!;
}

interface CompositeSpec {
  label: string;
  kernel: FusedName;
  /** `x` (NCHW), the weight (convs), then `dy` of the output's shape. */
  inputs: readonly RandomInput[];
  call: (f: FusedKernels, xs: TensorInfo[]) => DataHandle;
  /** The expected result on the reference backend, from ops and autograd. */
  expected: (xs: Tensor[]) => Tensor;
}

const compositeSpecs: CompositeSpec[] = [
  {
    label: 'conv2d stride [2,1], padding [1,1,2,2], dilation [1,2], groups 2',
    kernel: 'conv2d',
    inputs: [normal(2, 4, 6, 5), normal(6, 2, 3, 2)],
    call: (f, [x, w]) => f.conv2d!(x!, w!, convGeom),
    expected: ([x, w]) => ops.conv2d(x!, w!, null, convOpts),
  },
  {
    label: "conv2d 'same' 2×3 (padding [0,1,1,1])",
    kernel: 'conv2d',
    inputs: [normal(1, 3, 4, 5), normal(2, 3, 2, 3)],
    call: (f, [x, w]) => f.conv2d!(x!, w!, sameGeom),
    expected: ([x, w]) => ops.conv2d(x!, w!, null, { padding: 'same' }),
  },
  {
    label: 'conv2dBackpropInput',
    kernel: 'conv2dBackpropInput',
    inputs: [normal(2, 4, 6, 5), normal(6, 2, 3, 2), normal(2, 6, 3, 7)],
    call: (f, [x, w, dy]) => f.conv2dBackpropInput!(dy!, w!, x!.shape, convGeom),
    expected: ([x, w, dy]) => pullback(x!, dy!, (t) => ops.conv2d(t, w!, null, convOpts)),
  },
  {
    label: 'conv2dBackpropFilter',
    kernel: 'conv2dBackpropFilter',
    inputs: [normal(2, 4, 6, 5), normal(6, 2, 3, 2), normal(2, 6, 3, 7)],
    call: (f, [x, w, dy]) => f.conv2dBackpropFilter!(x!, dy!, w!.shape, convGeom),
    expected: ([x, w, dy]) => pullback(w!, dy!, (t) => ops.conv2d(x!, t, null, convOpts)),
  },
  {
    label: 'maxPool2d 3×2 stride [2,1] padding [1,1,0,0]',
    kernel: 'maxPool2d',
    inputs: [big(2, 3, 5, 4)],
    call: (f, [x]) => f.maxPool2d!(x!, poolGeom),
    expected: ([x]) => ops.maxPool2d(x!, poolOpts),
  },
  {
    label: 'maxPool2dBackprop',
    kernel: 'maxPool2dBackprop',
    inputs: [big(2, 3, 5, 4), normal(2, 3, 3, 3)],
    call: (f, [x, dy]) => f.maxPool2dBackprop!(dy!, x!, poolGeom),
    expected: ([x, dy]) => pullback(x!, dy!, (t) => ops.maxPool2d(t, poolOpts)),
  },
  ...[true, false].flatMap((include): CompositeSpec[] => [
    {
      label: `avgPool2d countIncludePad ${include}`,
      kernel: 'avgPool2d',
      inputs: [normal(2, 3, 5, 4)],
      call: (f, [x]) => f.avgPool2d!(x!, poolGeom, include),
      expected: ([x]) => ops.avgPool2d(x!, { ...poolOpts, countIncludePad: include }),
    },
    {
      label: `avgPool2dBackprop countIncludePad ${include}`,
      kernel: 'avgPool2dBackprop',
      inputs: [normal(2, 3, 5, 4), normal(2, 3, 3, 3)],
      call: (f, [x, dy]) => f.avgPool2dBackprop!(dy!, x!.shape, poolGeom, include),
      expected: ([x, dy]) => pullback(x!, dy!, (t) => ops.avgPool2d(t, { ...poolOpts, countIncludePad: include })),
    },
  ]),
  {
    label: 'softmax',
    kernel: 'softmax',
    inputs: [big(3, 7)],
    call: (f, [x]) => f.softmax!(x!),
    expected: ([x]) => ops.softmax(x!),
  },
  {
    label: 'logSoftmax',
    kernel: 'logSoftmax',
    inputs: [big(3, 7)],
    call: (f, [x]) => f.logSoftmax!(x!),
    expected: ([x]) => ops.logSoftmax(x!),
  },
];

const compositeCases: KitCase[] = compositeSpecs.map((k) => {
  const name = `fused: ${k.label}`;
  return {
    name,
    skip: absent(k.kernel),
    async run(ctx) {
      const rng = rngFor(name);
      const inputs = k.inputs.map((s) => randomInput(s, rng));
      await setBackend(ctx.referenceName);
      const expected = tidy(() => {
        const e = k.expected(inputs.map((i) => tensor(i.values, { shape: i.shape })));
        return { shape: e.shape, values: e.dataSync() };
      });
      const values = await callKernel(ctx, ctx.backend, `fused ${k.label}`, inputs, (be, xs) => k.call(be.fused!, xs), { shape: expected.shape, dtype: 'float32' });
      expectClose(ctx, `fused ${k.kernel}`, values, expected.values, 'float32', k.kernel.includes('Backprop') ? ctx.gradTol : ctx.tol, "matches core's composite on the reference backend");
    },
  };
});

interface LiteralSpec {
  kernel: FusedName;
  rule: string;
  inputs: Input[];
  call: (f: FusedKernels, xs: TensorInfo[]) => DataHandle;
  outShape: readonly number[];
  expected: readonly number[];
}

// Windows of 2×2, stride 2, over one 4×6 plane: a NaN first, second and after a larger value,
// a NaN-free window, and one of ±Inf.
const POOL_NAN = f32(
  [
    1, N, 3, 4, 9, 1,
    5, 2, 0, 9, N, 3,
    N, 1, 2, 3, -I, -I,
    4, 5, 6, 1, -I, I,
  ],
  [1, 1, 4, 6],
);

const literalSpecs: LiteralSpec[] = [
  {
    kernel: 'maxPool2d',
    rule: 'a window holding a NaN gives NaN; ±Inf compare as numbers',
    inputs: [POOL_NAN],
    call: (f, [x]) => f.maxPool2d!(x!, pool2),
    outShape: [1, 1, 2, 3],
    expected: [N, 9, N, N, 6, I],
  },
  {
    kernel: 'maxPool2d',
    rule: 'padding counts as -Infinity and is never chosen',
    inputs: [f32([-5, -6, -7, -8, -I, -I, -I, -I], [1, 2, 2, 2])],
    call: (f, [x]) => f.maxPool2d!(x!, { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1] }),
    outShape: [1, 2, 2, 2],
    expected: [-5, -5, -5, -5, -I, -I, -I, -I],
  },
  {
    kernel: 'maxPool2dBackprop',
    rule: "ties route dy to the window's FIRST maximum in row-major order",
    inputs: [f32([10, 20], [1, 1, 1, 2]), f32([5, 5, 1, 2, 5, 1, 2, 2], [1, 1, 2, 4])],
    call: (f, [dy, x]) => f.maxPool2dBackprop!(dy!, x!, pool2),
    outShape: [1, 1, 2, 4],
    expected: [10, 0, 0, 20, 0, 0, 0, 0],
  },
  {
    kernel: 'maxPool2dBackprop',
    rule: 'a NaN counts as the maximum: the first NaN of a window gets dy',
    inputs: [f32([10, 20], [1, 1, 1, 2]), f32([1, N, 9, 1, N, 2, 1, N], [1, 1, 2, 4])],
    call: (f, [dy, x]) => f.maxPool2dBackprop!(dy!, x!, pool2),
    outShape: [1, 1, 2, 4],
    expected: [0, 10, 0, 0, 0, 0, 0, 20],
  },
  {
    kernel: 'maxPool2dBackprop',
    rule: 'overlapping windows add their dy at a shared first maximum',
    inputs: [f32([1, 2], [1, 1, 1, 2]), f32([4, 4, 4], [1, 1, 1, 3])],
    call: (f, [dy, x]) => f.maxPool2dBackprop!(dy!, x!, { kernelSize: [1, 2], stride: [1, 1], padding: [0, 0, 0, 0] }),
    outShape: [1, 1, 1, 3],
    expected: [1, 2, 0],
  },
  {
    kernel: 'avgPool2d',
    rule: 'window sums follow IEEE 754 (Inf + -Inf = NaN, NaN propagates)',
    inputs: [f32([I, 1, -I, 2, I, 1, 2, 3, N, 1, 2, 3], [1, 3, 2, 2])],
    call: (f, [x]) => f.avgPool2d!(x!, pool2, true),
    outShape: [1, 3, 1, 1],
    expected: [N, I, N],
  },
  {
    kernel: 'conv2d',
    rule: 'IEEE 754: a NaN input reaches every output whose window covers it, even through a zero weight',
    inputs: [f32([1, N, 2, 3], [1, 1, 1, 4]), f32([0, 1], [1, 1, 1, 2])],
    call: (f, [x, w]) => f.conv2d!(x!, w!, unitConv),
    outShape: [1, 1, 1, 3],
    expected: [N, N, 3],
  },
  {
    kernel: 'softmax',
    rule: '-Inf entries get 0; a row holding a NaN or +Inf, or only -Inf, is NaN',
    inputs: [f32([0, -I, 0, 1, N, 2, -I, 0, -I, I, 1, 2, -I, -I, -I], [5, 3])],
    call: (f, [x]) => f.softmax!(x!),
    outShape: [5, 3],
    expected: [0.5, 0, 0.5, N, N, N, 0, 1, 0, N, N, N, N, N, N],
  },
  {
    kernel: 'logSoftmax',
    rule: '-Inf entries get -Inf; a row holding a NaN or +Inf, or only -Inf, is NaN',
    inputs: [f32([0, -I, 0, 1, N, 2, -I, 0, -I, I, 1, 2, -I, -I, -I], [5, 3])],
    call: (f, [x]) => f.logSoftmax!(x!),
    outShape: [5, 3],
    expected: [-Math.LN2, -I, -Math.LN2, N, N, N, -I, 0, -I, N, N, N, N, N, N],
  },
  // N = 0: every kernel handles an empty batch.
  { kernel: 'conv2d', rule: 'an empty batch (N = 0)', inputs: [f32([], [0, 1, 3, 3]), f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2])], call: (f, [x, w]) => f.conv2d!(x!, w!, unitConv), outShape: [0, 2, 2, 2], expected: [] },
  { kernel: 'conv2dBackpropInput', rule: 'an empty batch (N = 0)', inputs: [f32([], [0, 2, 2, 2]), f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2])], call: (f, [dy, w]) => f.conv2dBackpropInput!(dy!, w!, [0, 1, 3, 3], unitConv), outShape: [0, 1, 3, 3], expected: [] },
  { kernel: 'conv2dBackpropFilter', rule: 'an empty batch (N = 0) gives a zero gradient', inputs: [f32([], [0, 1, 3, 3]), f32([], [0, 2, 2, 2])], call: (f, [x, dy]) => f.conv2dBackpropFilter!(x!, dy!, [2, 1, 2, 2], unitConv), outShape: [2, 1, 2, 2], expected: [0, 0, 0, 0, 0, 0, 0, 0] },
  { kernel: 'maxPool2d', rule: 'an empty batch (N = 0)', inputs: [f32([], [0, 2, 2, 2])], call: (f, [x]) => f.maxPool2d!(x!, pool2), outShape: [0, 2, 1, 1], expected: [] },
  { kernel: 'maxPool2dBackprop', rule: 'an empty batch (N = 0)', inputs: [f32([], [0, 2, 1, 1]), f32([], [0, 2, 2, 2])], call: (f, [dy, x]) => f.maxPool2dBackprop!(dy!, x!, pool2), outShape: [0, 2, 2, 2], expected: [] },
  { kernel: 'avgPool2d', rule: 'an empty batch (N = 0)', inputs: [f32([], [0, 2, 2, 2])], call: (f, [x]) => f.avgPool2d!(x!, pool2, false), outShape: [0, 2, 1, 1], expected: [] },
  { kernel: 'avgPool2dBackprop', rule: 'an empty batch (N = 0)', inputs: [f32([], [0, 2, 1, 1])], call: (f, [dy]) => f.avgPool2dBackprop!(dy!, [0, 2, 2, 2], pool2, true), outShape: [0, 2, 2, 2], expected: [] },
  { kernel: 'softmax', rule: 'no rows ([0, 4])', inputs: [f32([], [0, 4])], call: (f, [x]) => f.softmax!(x!), outShape: [0, 4], expected: [] },
  { kernel: 'logSoftmax', rule: 'no rows ([0, 4])', inputs: [f32([], [0, 4])], call: (f, [x]) => f.logSoftmax!(x!), outShape: [0, 4], expected: [] },
];

const literalCases: KitCase[] = literalSpecs.map((k) => ({
  name: `fused: ${k.kernel}: ${k.rule}`,
  skip: absent(k.kernel),
  async run(ctx) {
    const values = await callKernel(ctx, ctx.backend, `fused ${k.kernel}`, k.inputs, (be, xs) => k.call(be.fused!, xs), { shape: k.outShape, dtype: 'float32' });
    const tol = k.kernel.includes('Backprop') ? ctx.gradTol : ctx.tol;
    expectValues(ctx, `fused ${k.kernel}`, values, { values: k.expected, rule: k.rule }, 'float32', tol);
  },
}));

/** The fused-kernel cases. */
export const fusedCases: KitCase[] = [...compositeCases, ...literalCases];
