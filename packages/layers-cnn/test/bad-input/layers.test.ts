/**
 * Bad input to the CNN layers: constructor options (zero, fractional, NaN, negative, mismatched
 * groups), inputs of the wrong rank, channels, dtype or size, disposed inputs, inputs of another
 * backend, and state dicts that do not fit. A failed call leaves the layer's parameters and
 * buffers (BatchNorm2d's running statistics and batch counter), its input and `memory()`
 * unchanged. Errors from the functional op a layer hands its input to name that op (conv2d,
 * maxPool2d, batchNorm), as the errors of Transformer layers name the attention they use.
 */
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, nn, tensor, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Flatten, MaxPool2d } from '@profundo/layers-cnn';
import { runCases, useBackends, type BadInputCase } from './runner.js';

const onOther = useBackends('cpu', createCpuBackend);

const f32 = (shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => ((i * 7) % 11) / 10 - 0.5), { shape });
};
const i32 = (shape: number[]): Tensor => tensor(new Int32Array(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'int32' });
const bool = (shape: number[]): Tensor => tensor(new Uint8Array(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'bool' });
const disposed = (t: Tensor): Tensor => {
  t.dispose();
  return t;
};
const none = (): [] => [];
const layer = <L>(m: () => L, x: () => Tensor) => () => ({ m: m(), x: x() });
type Forward = { m: nn.Module; x: Tensor };
const fwd = ({ m, x }: Forward) => m.forward(x);

const conv: BadInputCase[] = [
  { name: 'Conv2d: inChannels 0', make: none, call: () => new Conv2d(0, 4, 3), error: ValueError, op: 'Conv2d', mentions: ['inChannels', 'got 0'] },
  { name: 'Conv2d: a fractional outChannels', make: none, call: () => new Conv2d(3, 2.5, 3), error: ValueError, op: 'Conv2d', mentions: ['outChannels', '2.5'] },
  { name: 'Conv2d: kernel size 0', make: none, call: () => new Conv2d(3, 4, 0), error: ValueError, op: 'Conv2d', mentions: ['kernelSize', 'got 0'] },
  { name: 'Conv2d: a kernel size of one number in an array', make: none, call: () => new Conv2d(3, 4, [3] as never), error: ValueError, op: 'Conv2d', mentions: ['kernelSize', '[3]'] },
  { name: 'Conv2d: stride 0', make: none, call: () => new Conv2d(3, 4, 3, { stride: 0 }), error: ValueError, op: 'Conv2d', mentions: ['stride', 'got 0'] },
  { name: 'Conv2d: dilation NaN', make: none, call: () => new Conv2d(3, 4, 3, { dilation: NaN }), error: ValueError, op: 'Conv2d', mentions: ['dilation', 'NaN'] },
  { name: 'Conv2d: groups 0', make: none, call: () => new Conv2d(4, 4, 3, { groups: 0 }), error: ValueError, op: 'Conv2d', mentions: ['groups', 'got 0'] },
  { name: 'Conv2d: groups that do not divide the channels', make: none, call: () => new Conv2d(3, 4, 3, { groups: 2 }), error: ValueError, op: 'Conv2d', mentions: ['inChannels 3', 'groups 2'] },
  { name: "Conv2d: padding 'same' with stride 2", make: none, call: () => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 }), error: ValueError, op: 'Conv2d', mentions: ['[2,2]'] },
  { name: 'Conv2d: a negative padding', make: none, call: () => new Conv2d(3, 4, 3, { padding: -1 }), error: ValueError, op: 'Conv2d', mentions: ['padding', '-1'] },
  { name: "Conv2d: padding 'full'", make: none, call: () => new Conv2d(3, 4, 3, { padding: 'full' as never }), error: ValueError, op: 'Conv2d', mentions: ["'full'"] },
  { name: 'Conv2d: a bool input', make: layer(() => new Conv2d(2, 3, 3), () => bool([1, 2, 5, 5])), call: fwd, error: DTypeError, op: 'Conv2d', mentions: ['bool', '[1,2,5,5]'] },
  { name: 'Conv2d: a rank-2 input', make: layer(() => new Conv2d(2, 3, 3), () => f32([5, 5])), call: fwd, error: ShapeError, op: 'conv2d', mentions: ['[5,5]'] },
  { name: 'Conv2d: an input with the wrong channels', make: layer(() => new Conv2d(2, 3, 3), () => f32([1, 3, 5, 5])), call: fwd, error: ShapeError, op: 'conv2d', mentions: ['3 channels'] },
  { name: 'Conv2d: an unbatched input with the wrong channels', make: layer(() => new Conv2d(2, 3, 3), () => f32([4, 5, 5])), call: fwd, error: ShapeError, op: 'conv2d', mentions: ['4 channels'] },
  { name: 'Conv2d: an input smaller than the kernel', make: layer(() => new Conv2d(2, 3, 3), () => f32([1, 2, 2, 5])), call: fwd, error: ShapeError, op: 'conv2d', mentions: ['[1,2,2,5]'] },
  { name: 'Conv2d: a disposed input', make: layer(() => new Conv2d(2, 3, 3), () => disposed(f32([1, 2, 5, 5]))), call: fwd, error: DisposedError, op: 'conv2d', mentions: ['[1,2,5,5]'] },
  { name: 'Conv2d: an input on another backend', make: async () => ({ m: new Conv2d(2, 3, 3), x: await onOther(() => f32([1, 2, 5, 5])) }), call: fwd, error: BackendError, op: 'conv2d', mentions: ["'other'"] },
  { name: 'Conv2d.loadStateDict: a weight of another kernel size', make: () => ({ m: new Conv2d(2, 3, 3), state: { weight: f32([3, 2, 5, 5]), bias: f32([3]) } }), call: ({ m, state }) => m.loadStateDict(state), error: ShapeError, op: 'loadStateDict', mentions: ['[3,2,5,5]'] },
];

const pools: BadInputCase[] = [
  { name: 'MaxPool2d: kernel size 0', make: none, call: () => new MaxPool2d(0), error: ValueError, op: 'MaxPool2d', mentions: ['kernelSize', 'got 0'] },
  { name: 'MaxPool2d: stride NaN', make: none, call: () => new MaxPool2d(2, { stride: NaN }), error: ValueError, op: 'MaxPool2d', mentions: ['stride', 'NaN'] },
  { name: 'MaxPool2d: padding more than half the kernel', make: none, call: () => new MaxPool2d(2, { padding: 2 }), error: ValueError, op: 'MaxPool2d', mentions: ['padding', '[2, 2]'] },
  { name: 'MaxPool2d: an int32 input', make: layer(() => new MaxPool2d(2), () => i32([1, 2, 4, 4])), call: fwd, error: DTypeError, op: 'MaxPool2d', mentions: ['int32'] },
  { name: 'MaxPool2d: a rank-2 input', make: layer(() => new MaxPool2d(2), () => f32([4, 4])), call: fwd, error: ShapeError, op: 'maxPool2d', mentions: ['[4,4]'] },
  { name: 'MaxPool2d: an input smaller than the kernel', make: layer(() => new MaxPool2d(3), () => f32([1, 1, 2, 2])), call: fwd, error: ShapeError, op: 'maxPool2d', mentions: ['[1,1,2,2]'] },
  { name: 'AvgPool2d: a kernel of [2, 0]', make: none, call: () => new AvgPool2d([2, 0]), error: ValueError, op: 'AvgPool2d', mentions: ['kernelSize', '[2,0]'] },
  { name: 'AvgPool2d: stride -1', make: none, call: () => new AvgPool2d(2, { stride: -1 }), error: ValueError, op: 'AvgPool2d', mentions: ['stride', '-1'] },
  { name: 'AvgPool2d: countIncludePad as a string', make: none, call: () => new AvgPool2d(2, { countIncludePad: 'no' as never }), error: ValueError, op: 'AvgPool2d', mentions: ['countIncludePad', 'string'] },
  { name: 'AvgPool2d: a bool input', make: layer(() => new AvgPool2d(2), () => bool([1, 2, 4, 4])), call: fwd, error: DTypeError, op: 'AvgPool2d', mentions: ['bool'] },
  { name: 'AvgPool2d: a rank-5 input', make: layer(() => new AvgPool2d(2), () => f32([1, 1, 1, 4, 4])), call: fwd, error: ShapeError, op: 'avgPool2d', mentions: ['[1,1,1,4,4]'] },
  { name: 'AvgPool2d: a disposed input', make: layer(() => new AvgPool2d(2), () => disposed(f32([1, 2, 4, 4]))), call: fwd, error: DisposedError, op: 'avgPool2d', mentions: ['[1,2,4,4]'] },
  { name: 'AdaptiveAvgPool2d: output size 0', make: none, call: () => new AdaptiveAvgPool2d(0), error: ValueError, op: 'AdaptiveAvgPool2d', mentions: ['outputSize', 'got 0'] },
  { name: 'AdaptiveAvgPool2d: output size NaN', make: none, call: () => new AdaptiveAvgPool2d([2, NaN]), error: ValueError, op: 'AdaptiveAvgPool2d', mentions: ['NaN'] },
  { name: 'AdaptiveAvgPool2d: an int32 input', make: layer(() => new AdaptiveAvgPool2d(1), () => i32([1, 2, 4, 4])), call: fwd, error: DTypeError, op: 'AdaptiveAvgPool2d', mentions: ['int32'] },
  { name: 'AdaptiveAvgPool2d: an empty spatial dim', make: layer(() => new AdaptiveAvgPool2d(1), () => f32([1, 2, 0, 4])), call: fwd, error: ShapeError, op: 'adaptiveAvgPool2d', mentions: ['[1,2,0,4]'] },
  { name: 'Flatten: a fractional startDim', make: none, call: () => new Flatten(1.5), error: ValueError, op: 'Flatten', mentions: ['startDim', '1.5'] },
  { name: 'Flatten: startDim out of range for the input', make: layer(() => new Flatten(3), () => f32([2, 3, 4])), call: fwd, error: ShapeError, op: 'flatten', mentions: ['dim 3'] },
  { name: 'Flatten: startDim after endDim', make: layer(() => new Flatten(2, 1), () => f32([2, 3, 4])), call: fwd, error: ShapeError, op: 'flatten', mentions: ['startDim 2', 'endDim 1'] },
];

const bn = (x: () => Tensor, train = true) => () => {
  const m = new BatchNorm2d(2);
  m.forward(f32([2, 2, 3, 3])); // running statistics and the counter move off their initial values
  m.train(train);
  return { m, x: x() };
};
const norms: BadInputCase[] = [
  { name: 'BatchNorm2d: numFeatures 0', make: none, call: () => new BatchNorm2d(0), error: ValueError, op: 'BatchNorm2d', mentions: ['numFeatures', 'got 0'] },
  { name: 'BatchNorm2d: eps -1', make: none, call: () => new BatchNorm2d(2, { eps: -1 }), error: ValueError, op: 'BatchNorm2d', mentions: ['eps', '-1'] },
  { name: 'BatchNorm2d: momentum 2', make: none, call: () => new BatchNorm2d(2, { momentum: 2 }), error: ValueError, op: 'BatchNorm2d', mentions: ['momentum', 'got 2'] },
  { name: 'BatchNorm2d: momentum NaN', make: none, call: () => new BatchNorm2d(2, { momentum: NaN }), error: ValueError, op: 'BatchNorm2d', mentions: ['NaN'] },
  { name: 'BatchNorm2d: a rank-3 input', make: bn(() => f32([2, 3, 3])), call: fwd, error: ShapeError, op: 'BatchNorm2d', mentions: ['[2,3,3]'] },
  { name: 'BatchNorm2d: the wrong channels', make: bn(() => f32([2, 3, 3, 3])), call: fwd, error: ShapeError, op: 'BatchNorm2d', mentions: ['[2,3,3,3]'] },
  { name: 'BatchNorm2d: an int32 input in evaluation', make: bn(() => i32([2, 2, 3, 3]), false), call: fwd, error: DTypeError, op: 'BatchNorm2d', mentions: ['int32'] },
  { name: 'BatchNorm2d: one value per channel in training', make: bn(() => f32([1, 2, 1, 1])), call: fwd, error: ValueError, op: 'BatchNorm2d', mentions: ['[1,2,1,1]'] },
  { name: 'BatchNorm2d: a disposed input in training', make: bn(() => disposed(f32([2, 2, 3, 3]))), call: fwd, error: DisposedError, op: 'batchNorm', mentions: ['[2,2,3,3]'] },
  { name: 'BatchNorm2d: an input on another backend in training', make: async () => { const c = bn(() => f32([1]))(); c.x.dispose(); return { ...c, x: await onOther(() => f32([2, 2, 3, 3])) }; }, call: fwd, error: BackendError, op: 'batchNorm', mentions: ["'other'"] },
  { name: 'BatchNorm2d.loadStateDict: an int32 running mean', make: () => { const m = new BatchNorm2d(2); const s = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, k === 'running_mean' ? i32([2]) : f32([...v.shape]).cast(v.dtype)])); return { m, s }; }, call: ({ m, s }) => m.loadStateDict(s), error: DTypeError, op: 'loadStateDict', mentions: ['running_mean', 'int32'] },
];

const cnn = () => new nn.Sequential(new Conv2d(1, 2, 3), new nn.ReLU(), new MaxPool2d(2), new Flatten(), new nn.Linear(9, 3));
const chains: BadInputCase[] = [
  { name: 'Sequential CNN: an image of the wrong size reaches Linear (nothing left behind)', make: layer(cnn, () => f32([2, 1, 10, 10])), call: fwd, error: ShapeError, op: 'Linear', mentions: ['[2,32]'] },
  { name: 'Sequential CNN: two channels for one', make: layer(cnn, () => f32([2, 2, 8, 8])), call: fwd, error: ShapeError, op: 'conv2d', mentions: ['2 channels'] },
  { name: 'Sequential CNN with BatchNorm2d: the wrong channels after a conv (counter kept)', make: layer(() => new nn.Sequential(new Conv2d(1, 3, 3), new BatchNorm2d(2)), () => f32([2, 1, 5, 5])), call: fwd, error: ShapeError, op: 'BatchNorm2d', mentions: ['[2,3,3,3]'] },
];

const parity: BadInputCase[] = [
  { name: "Conv2d: paddingMode 'mirror'", make: none, call: () => new Conv2d(2, 3, 3, { paddingMode: 'mirror' as never }), error: ValueError, op: 'Conv2d', mentions: ["'mirror'"] },
  { name: "Conv2d: paddingMode 'reflect' with padding as large as the input", make: layer(() => new Conv2d(2, 3, 3, { padding: 4, paddingMode: 'reflect' }), () => f32([1, 2, 4, 4])), call: fwd, error: ValueError, op: 'pad', mentions: ["'reflect'", 'size 4'] },
  { name: "Conv2d: paddingMode 'circular' on an int32 input", make: layer(() => new Conv2d(2, 3, 3, { padding: 1, paddingMode: 'circular' }), () => i32([1, 2, 4, 4])), call: fwd, error: DTypeError, op: 'Conv2d', mentions: ['int32'] },
  { name: 'MaxPool2d: dilation 0', make: none, call: () => new MaxPool2d(2, { dilation: 0 }), error: ValueError, op: 'MaxPool2d', mentions: ['dilation', 'got 0'] },
  { name: 'MaxPool2d: ceilMode a number', make: none, call: () => new MaxPool2d(2, { ceilMode: 1 as never }), error: ValueError, op: 'MaxPool2d', mentions: ['ceilMode', '1'] },
  { name: 'MaxPool2d.forwardWithIndices: an int32 input', make: layer(() => new MaxPool2d(2), () => i32([1, 2, 4, 4])), call: ({ m, x }: Forward) => (m as MaxPool2d).forwardWithIndices(x), error: DTypeError, op: 'MaxPool2d', mentions: ['int32'] },
  { name: 'MaxPool2d.forwardWithIndices: a disposed input', make: layer(() => new MaxPool2d(2), () => disposed(f32([1, 2, 4, 4]))), call: ({ m, x }: Forward) => (m as MaxPool2d).forwardWithIndices(x), error: DisposedError, op: 'maxPool2dWithIndices', mentions: ['[1,2,4,4]'] },
  { name: 'MaxPool2d.forwardWithIndices: a dilated window larger than the input', make: layer(() => new MaxPool2d(3, { dilation: 3 }), () => f32([1, 2, 5, 5])), call: ({ m, x }: Forward) => (m as MaxPool2d).forwardWithIndices(x), error: ShapeError, op: 'maxPool2dWithIndices', mentions: ['[7,7]', '[1,2,5,5]'] },
  { name: 'AvgPool2d: divisorOverride 0', make: none, call: () => new AvgPool2d(2, { divisorOverride: 0 }), error: ValueError, op: 'AvgPool2d', mentions: ['divisorOverride', 'got 0'] },
  { name: 'AvgPool2d: ceilMode a string', make: none, call: () => new AvgPool2d(2, { ceilMode: 'yes' as never }), error: ValueError, op: 'AvgPool2d', mentions: ['ceilMode'] },
];

runCases('Conv2d', conv);
runCases('paddingMode, dilation, ceilMode, indices, divisorOverride', parity);
runCases('pooling and Flatten', pools);
runCases('BatchNorm2d', norms);
runCases('CNN layers in a Sequential', chains);
