/**
 * One recurrent step, shared by the layers and the cells.
 *
 * @module
 */
import { add, matmul, mul, relu, sigmoid, sub, tanh, type Tensor } from '@profundo/core';

/** @internal Which recurrence a step computes. */
export type CellMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** @internal Gates stacked in the weights' rows: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
export function gateCount(mode: CellMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

/**
 * @internal One step. `xw` is the input projection `x W_ihᵀ + b_ih` `[N, G·H]`, `h` (and `c`
 * for the LSTM) the previous state `[N, H]`, `whhT` the transposed `[H, G·H]` hidden weight,
 * `bhh` its bias or null. Returns the new `[h, c]` (c null but for the LSTM).
 */
export function stepCell(
  mode: CellMode,
  xw: Tensor,
  h: Tensor,
  c: Tensor | null,
  whhT: Tensor,
  bhh: Tensor | null,
  hiddenSize: number,
): [Tensor, Tensor | null] {
  let hw = matmul(h, whhT);
  if (bhh) hw = add(hw, bhh);
  const H = hiddenSize;
  const gate = (t: Tensor, k: number): Tensor => t.narrow(1, k * H, H);
  switch (mode) {
    case 'RNN_TANH':
      return [tanh(add(xw, hw)), null];
    case 'RNN_RELU':
      return [relu(add(xw, hw)), null];
    case 'LSTM': {
      const gates = add(xw, hw);
      const i = sigmoid(gate(gates, 0));
      const f = sigmoid(gate(gates, 1));
      const g = tanh(gate(gates, 2));
      const o = sigmoid(gate(gates, 3));
      const c2 = add(mul(f, c!), mul(i, g));
      return [mul(o, tanh(c2)), c2];
    }
    case 'GRU': {
      const r = sigmoid(add(gate(xw, 0), gate(hw, 0)));
      const z = sigmoid(add(gate(xw, 1), gate(hw, 1)));
      const n = tanh(add(gate(xw, 2), mul(r, gate(hw, 2))));
      // h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
      return [add(n, mul(z, sub(h, n))), null];
    }
  }
}
