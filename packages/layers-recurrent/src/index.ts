/**
 * `@profundo/layers-recurrent`: the recurrent layers `RNN` (tanh / ReLU), `LSTM` and `GRU`
 * (stacked, bidirectional, dropout between layers) and their single-step cells, with PyTorch's
 * semantics, layout, gate order, initialization and state-dict keys, and `padSequence` to batch
 * sequences of unequal length. Composed of `@profundo/core`'s ops, so backpropagation through
 * time is core's autograd and every backend runs them.
 *
 * @example
 * ```ts
 * import { randn, registerBackend, setBackend } from '@profundo/core';
 * import { createCpuBackend } from '@profundo/backend-cpu';
 * import { LSTM } from '@profundo/layers-recurrent';
 *
 * registerBackend('cpu', createCpuBackend);
 * await setBackend('cpu');
 * const lstm = new LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [output, [hN, cN]] = lstm.forwardWithState(randn([3, 5, 10]));
 * output.shape; // [3, 5, 20]
 * hN.shape;     // [2, 3, 20]
 * cN.shape;     // [2, 3, 20]
 * ```
 *
 * @packageDocumentation
 */
export { RNN, LSTM, GRU, type RecurrentOptions, type RNNOptions } from './recurrent.js';
export { RNNCell, LSTMCell, GRUCell, type CellOptions, type RNNCellOptions } from './cells.js';
export { padSequence, type PadSequenceOptions, type PaddedSequence } from './sequence.js';
