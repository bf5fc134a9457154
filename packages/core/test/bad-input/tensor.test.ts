/**
 * Bad input to Tensor's own methods and to backward: reads of disposed tensors, assign of another
 * shape, dtype or backend, requiresGrad_ on int32 or non-leaves, backward without grad, with a
 * wrong gradient, through a disposed or changed saved tensor, or a second time.
 */
import { beforeAll } from 'vitest';
import * as pf from '@profundo/core';
import { BackendError, DTypeError, DisposedError, GradError, ShapeError, tidy, type Tensor } from '@profundo/core';
import { runCases, type BadInputCase } from './runner.js';
import { disposed, f32, i32, leaf, onOther, useBackends } from './fixtures.js';

beforeAll(useBackends);

/** A leaf w, and loss = sum(w * w) computed from it (the graph saves w). */
const graph = () => {
  const w = leaf([3]);
  const loss = w.mul(w).sum();
  return { w, loss };
};

const methods: BadInputCase[] = [
  { name: 'Tensor.item: two elements', make: () => [f32([2])], call: ([x]) => x.item(), error: ShapeError, op: 'item', mentions: ['[2]'] },
  { name: 'Tensor.item: a disposed tensor', make: () => [disposed(f32([1]))], call: ([x]) => x.item(), error: DisposedError, op: 'item', mentions: ['[1]'] },
  { name: 'Tensor.dataSync: a disposed tensor', make: () => [disposed(f32([2, 2]))], call: ([x]) => x.dataSync(), error: DisposedError, op: 'dataSync', mentions: ['[2,2]'] },
  { name: 'Tensor.data: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => x.data(), error: DisposedError, op: 'data', mentions: ['[3]'] },
  { name: 'Tensor.tolist: a disposed tensor', make: () => [disposed(f32([2, 1]))], call: ([x]) => x.tolist(), error: DisposedError, op: 'tolist', mentions: ['[2,1]'] },
  { name: 'Tensor.assign: another shape', make: () => [f32([3]), f32([4])], call: ([x, v]) => x.assign(v), error: ShapeError, op: 'assign', mentions: ['[3]', '[4]'] },
  { name: 'Tensor.assign: another dtype', make: () => [f32([3]), i32([3])], call: ([x, v]) => x.assign(v), error: DTypeError, op: 'assign', mentions: ['float32', 'int32'] },
  { name: 'Tensor.assign: a disposed value', make: () => [f32([3]), disposed(f32([3]))], call: ([x, v]) => x.assign(v), error: DisposedError, op: 'assign', mentions: ['[3]'] },
  { name: 'Tensor.assign: into a disposed tensor', make: () => [disposed(f32([3])), f32([3])], call: ([x, v]) => x.assign(v), error: DisposedError, op: 'assign', mentions: ['[3]'] },
  { name: 'Tensor.assign: a value of another backend', make: async () => [f32([3]), await onOther(() => f32([3]))], call: ([x, v]) => x.assign(v), error: BackendError, op: 'assign', mentions: ["'other'", "'ref'"] },
  { name: 'Tensor.detach: a disposed tensor', make: () => [disposed(f32([3]))], call: ([x]) => x.detach(), error: DisposedError, op: 'detach', mentions: ['[3]'] },
  { name: 'Tensor.requiresGrad_: an int32 tensor', make: () => [i32([3])], call: ([x]) => x.requiresGrad_(), error: DTypeError, op: 'requiresGrad_', mentions: ['int32'] },
  { name: 'Tensor.requiresGrad_: a non-leaf', make: () => { const w = leaf([2]); return [w, w.mul(2)]; }, call: ([, y]) => y.requiresGrad_(false), error: GradError, op: 'requiresGrad_', mentions: ['leaf'] },
];

const backwards: BadInputCase[] = [
  { name: 'backward: a tensor that does not require grad', make: () => [f32([3]).sum()], call: ([y]) => y.backward(), error: GradError, op: 'backward', mentions: ['does not require grad'] },
  { name: 'backward: a non-scalar without a gradient', make: () => { const w = leaf([3]); return [w, w.mul(2)]; }, call: ([, y]) => y.backward(), error: GradError, op: 'backward', mentions: ['[3]'] },
  { name: 'backward: a gradient of another shape', make: () => { const w = leaf([3]); return [w, w.mul(2), f32([2])]; }, call: ([, y, g]) => y.backward(g), error: ShapeError, op: 'backward', mentions: ['[3]', '[2]'] },
  { name: 'backward: an int32 gradient', make: () => { const w = leaf([3]); return [w, w.mul(2), i32([3])]; }, call: ([, y, g]) => y.backward(g), error: DTypeError, op: 'backward', mentions: ['int32'] },
  { name: 'backward: a disposed gradient', make: () => { const w = leaf([3]); return [w, w.mul(2), disposed(f32([3]))]; }, call: ([, y, g]) => y.backward(g), error: DisposedError, op: 'backward', mentions: ['[3]'] },
  { name: 'backward: a gradient of another backend', make: async () => { const w = leaf([3]); return [w, w.mul(2), await onOther(() => f32([3]))]; }, call: ([, y, g]) => y.backward(g), error: BackendError, op: 'backward', mentions: ["'other'"] },
  { name: 'backward: a disposed loss', make: () => { const { w, loss } = graph(); loss.dispose(); return { w, loss }; }, call: ({ loss }) => loss.backward(), error: DisposedError, op: 'backward', mentions: ['[]'] },
  {
    name: 'backward: a saved intermediate was disposed',
    make: () => { const w = leaf([3]); const h = w.mul(2); const loss = h.mul(h).sum(); h.dispose(); return { w, loss }; },
    call: ({ loss }) => loss.backward(), error: DisposedError, op: 'backward', mentions: ['[3]', "'mul'"],
  },
  {
    name: 'backward: a saved parameter was changed by assign',
    make: () => { const { w, loss } = graph(); pf.noGrad(() => w.assign(f32([3]).mul(3))); return { w, loss }; },
    call: ({ loss }) => loss.backward(), error: GradError, op: 'backward', mentions: ['[3]', 'assign'],
  },
  {
    name: 'backward: a second time through a graph returned from tidy',
    make: () => { const w = leaf([3]); const loss = tidy(() => w.mul(w).mul(2).sum()); loss.backward(); return { w, loss }; },
    call: ({ loss }) => loss.backward(), error: DisposedError, op: 'backward', mentions: ['retainGraph'],
  },
  {
    name: 'backward: a second time through a plain graph',
    make: () => { const w = leaf([3]); const loss = w.mul(w).mul(2).sum(); loss.backward(); return { w, loss }; },
    call: ({ loss }) => loss.backward(), error: GradError, op: 'backward', mentions: ['retainGraph'],
  },
];
void (null as unknown as Tensor);

runCases('Tensor methods', methods);
runCases('backward', backwards);
