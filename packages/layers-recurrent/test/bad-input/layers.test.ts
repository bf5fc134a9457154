/**
 * Bad input to the recurrent layers, the cells and padSequence: constructor options, inputs of
 * the wrong rank, size or dtype, initial states that do not fit, half an LSTM state, disposed
 * inputs, inputs of another backend. Each error is typed and names the layer (or function)
 * that received the bad value and what it got; a failed call leaves the layer's parameters, its
 * inputs and `memory()` unchanged (the shared runner checks).
 */
import { BackendError, DTypeError, DisposedError, ShapeError, ValueError, tensor, type Tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, padSequence } from '@profundo/layers-recurrent';
import { runCases, useBackends, type BadInputCase } from './runner.js';

const onOther = useBackends('cpu', createCpuBackend);

const f32 = (shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => ((i * 7) % 11) / 10 - 0.5), { shape });
};
const i32 = (shape: number[]): Tensor => tensor(new Int32Array(shape.reduce((a, b) => a * b, 1)).fill(1), { shape, dtype: 'int32' });
const disposed = (t: Tensor): Tensor => {
  t.dispose();
  return t;
};
const none = (): [] => [];
type Forward = { m: { forward(...x: Tensor[]): Tensor }; x: Tensor[] };
const layer = (m: () => Forward['m'], ...x: (() => Tensor)[]) => (): Forward => ({ m: m(), x: x.map((f) => f()) });
const fwd = ({ m, x }: Forward) => m.forward(...x);

const rnn = () => new RNN(3, 4, { numLayers: 2 });
const lstm = () => new LSTM(3, 4, { bidirectional: true, batchFirst: true });
const gru = () => new GRU(3, 4);

const layers: BadInputCase[] = [
  { name: 'RNN: inputSize 0', make: none, call: () => new RNN(0, 4), error: ValueError, op: 'RNN', mentions: ['inputSize', 'got 0'] },
  { name: 'RNN: a fractional hiddenSize', make: none, call: () => new RNN(3, 2.5), error: ValueError, op: 'RNN', mentions: ['hiddenSize', '2.5'] },
  { name: "RNN: nonlinearity 'sigmoid'", make: none, call: () => new RNN(3, 4, { nonlinearity: 'sigmoid' as never }), error: ValueError, op: 'RNN', mentions: ['sigmoid'] },
  { name: 'LSTM: numLayers 0', make: none, call: () => new LSTM(3, 4, { numLayers: 0 }), error: ValueError, op: 'LSTM', mentions: ['numLayers', 'got 0'] },
  { name: 'GRU: dropout 1.5', make: none, call: () => new GRU(3, 4, { dropout: 1.5 }), error: ValueError, op: 'GRU', mentions: ['dropout', '1.5'] },
  { name: 'GRU: dropout NaN', make: none, call: () => new GRU(3, 4, { dropout: NaN }), error: ValueError, op: 'GRU', mentions: ['NaN'] },
  { name: 'RNN: a rank-4 input', make: layer(rnn, () => f32([2, 3, 4, 3])), call: fwd, error: ShapeError, op: 'RNN', mentions: ['[2,3,4,3]'] },
  { name: 'RNN: the wrong inputSize', make: layer(rnn, () => f32([5, 2, 4])), call: fwd, error: ShapeError, op: 'RNN', mentions: ['inputSize = 3', '[5,2,4]'] },
  { name: 'RNN: an int32 input', make: layer(rnn, () => i32([5, 2, 3])), call: fwd, error: DTypeError, op: 'RNN', mentions: ['int32'] },
  { name: 'RNN: hx for one layer of two', make: layer(rnn, () => f32([5, 2, 3]), () => f32([1, 2, 4])), call: fwd, error: ShapeError, op: 'RNN', mentions: ['[2,2,4]', '[1,2,4]'] },
  { name: 'RNN: hx of another batch size', make: layer(rnn, () => f32([5, 2, 3]), () => f32([2, 3, 4])), call: fwd, error: ShapeError, op: 'RNN', mentions: ['[2,3,4]'] },
  { name: 'RNN: an int32 hx', make: layer(rnn, () => f32([5, 2, 3]), () => i32([2, 2, 4])), call: fwd, error: DTypeError, op: 'RNN', mentions: ['hx', 'int32'] },
  { name: 'RNN: no time steps', make: layer(rnn, () => f32([0, 2, 3])), call: fwd, error: ShapeError, op: 'RNN', mentions: ['[0,2,3]'] },
  { name: 'RNN: a disposed input', make: layer(rnn, () => disposed(f32([5, 2, 3]))), call: fwd, error: DisposedError, op: 'RNN', mentions: ['[5,2,3]'] },
  { name: 'RNN: a disposed hx', make: layer(rnn, () => f32([5, 2, 3]), () => disposed(f32([2, 2, 4]))), call: fwd, error: DisposedError, op: 'RNN', mentions: ['hx'] },
  { name: 'RNN: an input on another backend', make: async () => ({ m: rnn(), x: [await onOther(() => f32([5, 2, 3]))] }), call: fwd, error: BackendError, op: 'RNN', mentions: ["'other'"] },
  { name: 'LSTM: batch-first input with a time-major h0 (bidirectional needs 2)', make: layer(lstm, () => f32([2, 5, 3]), () => f32([1, 2, 4]), () => f32([1, 2, 4])), call: fwd, error: ShapeError, op: 'LSTM', mentions: ['h0', '[2,2,4]', '[1,2,4]'] },
  { name: 'LSTM: c0 of the wrong size', make: layer(lstm, () => f32([2, 5, 3]), () => f32([2, 2, 4]), () => f32([2, 2, 5])), call: fwd, error: ShapeError, op: 'LSTM', mentions: ['c0', '[2,2,5]'] },
  { name: 'LSTM: h0 without c0', make: layer(lstm, () => f32([2, 5, 3]), () => f32([2, 2, 4])), call: fwd, error: ValueError, op: 'LSTM', mentions: ['h0', 'c0'] },
  { name: 'LSTM: c0 on another backend', make: async () => ({ m: lstm(), x: [f32([2, 5, 3]), f32([2, 2, 4]), await onOther(() => f32([2, 2, 4]))] }), call: fwd, error: BackendError, op: 'LSTM', mentions: ["'other'"] },
  { name: 'GRU: unbatched input with a batched hx', make: layer(gru, () => f32([5, 3]), () => f32([1, 2, 4])), call: fwd, error: ShapeError, op: 'GRU', mentions: ['[1,4]', '[1,2,4]'] },
  { name: 'GRU: a bool input', make: layer(gru, () => tensor(new Uint8Array(15), { shape: [5, 1, 3], dtype: 'bool' })), call: fwd, error: DTypeError, op: 'GRU', mentions: ['bool'] },
];

const cells: BadInputCase[] = [
  { name: 'RNNCell: hiddenSize -1', make: none, call: () => new RNNCell(3, -1), error: ValueError, op: 'RNNCell', mentions: ['hiddenSize', '-1'] },
  { name: "RNNCell: nonlinearity 'gelu'", make: none, call: () => new RNNCell(3, 4, { nonlinearity: 'gelu' as never }), error: ValueError, op: 'RNNCell', mentions: ['gelu'] },
  { name: 'RNNCell: a rank-3 input', make: layer(() => new RNNCell(3, 4), () => f32([1, 2, 3])), call: fwd, error: ShapeError, op: 'RNNCell', mentions: ['[1,2,3]'] },
  { name: 'RNNCell: hx of the wrong size', make: layer(() => new RNNCell(3, 4), () => f32([2, 3]), () => f32([2, 5])), call: fwd, error: ShapeError, op: 'RNNCell', mentions: ['hx', '[2,5]'] },
  { name: 'LSTMCell: the wrong inputSize', make: layer(() => new LSTMCell(3, 4), () => f32([2, 4])), call: fwd, error: ShapeError, op: 'LSTMCell', mentions: ['[2,4]'] },
  { name: 'LSTMCell: cx without hx', make: layer(() => new LSTMCell(3, 4), () => f32([2, 3]), () => undefined as never, () => f32([2, 4])), call: fwd, error: ValueError, op: 'LSTMCell', mentions: ['cx'] },
  { name: 'LSTMCell: an int32 cx', make: layer(() => new LSTMCell(3, 4), () => f32([2, 3]), () => f32([2, 4]), () => i32([2, 4])), call: fwd, error: DTypeError, op: 'LSTMCell', mentions: ['cx', 'int32'] },
  { name: 'GRUCell: a disposed input', make: layer(() => new GRUCell(3, 4), () => disposed(f32([2, 3]))), call: fwd, error: DisposedError, op: 'GRUCell', mentions: ['[2,3]'] },
  { name: 'GRUCell: hx on another backend', make: async () => ({ m: new GRUCell(3, 4), x: [f32([2, 3]), await onOther(() => f32([2, 4]))] }), call: fwd, error: BackendError, op: 'GRUCell', mentions: ["'other'"] },
];

const padding: BadInputCase[] = [
  { name: 'padSequence: no sequences', make: none, call: () => padSequence([]), error: ValueError, op: 'padSequence', mentions: ['non-empty'] },
  { name: 'padSequence: a scalar', make: () => [tensor(1)], call: (s: Tensor[]) => padSequence(s), error: ShapeError, op: 'padSequence', mentions: ['scalar'] },
  { name: 'padSequence: trailing dims that differ', make: () => [f32([3, 2]), f32([2, 3])], call: (s: Tensor[]) => padSequence(s), error: ShapeError, op: 'padSequence', mentions: ['sequence 1', '[2,3]'] },
  { name: 'padSequence: dtypes that differ', make: () => [f32([3]), i32([2])], call: (s: Tensor[]) => padSequence(s), error: DTypeError, op: 'padSequence', mentions: ['int32'] },
  { name: 'padSequence: an empty sequence', make: () => [f32([3]), f32([0])], call: (s: Tensor[]) => padSequence(s), error: ShapeError, op: 'padSequence', mentions: ['sequence 1', '[0]'] },
  { name: 'padSequence: a disposed sequence', make: () => [f32([3]), disposed(f32([2]))], call: (s: Tensor[]) => padSequence(s), error: DisposedError, op: 'padSequence', mentions: ['sequence 1'] },
  { name: 'padSequence: a NaN paddingValue', make: () => [f32([3])], call: (s: Tensor[]) => padSequence(s, { paddingValue: NaN }), error: ValueError, op: 'padSequence', mentions: ['NaN'] },
  { name: 'padSequence: sequences on two backends', make: async () => [f32([3]), await onOther(() => f32([2]))], call: (s: Tensor[]) => padSequence(s), error: BackendError, op: 'padSequence', mentions: ["'other'"] },
];

runCases('RNN, LSTM and GRU', layers);
runCases('the cells', cells);
runCases('padSequence', padding);
