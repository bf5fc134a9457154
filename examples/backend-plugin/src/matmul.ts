/**
 * Batched matrix product, float32 only, accumulated in float64.
 *
 * `a` is `[Ba, M, K]` (or `[Ba, K, M]` when `transA`), `b` is `[Bb, K, N]` (or `[Bb, N, K]`
 * when `transB`); `Ba` and `Bb` are equal or one of them is 1 and is reused for every batch.
 * Transposing costs nothing: it only swaps the two strides a matrix is read with.
 *
 * @module
 */
import type { DataHandle, TensorInfo } from '@profundo/core';
import { allocate, handleOf, valuesOf } from './storage.js';

export function matmul(a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean): DataHandle {
  const [batchA, rowsA, colsA] = a.shape as [number, number, number];
  const [batchB, rowsB, colsB] = b.shape as [number, number, number];
  const M = transA ? colsA : rowsA;
  const K = transA ? rowsA : colsA;
  const N = transB ? rowsB : colsB;
  const batch = batchA === 1 ? batchB : batchA; // not Math.max: a batch of 0 against 1 is 0

  // a[m, k] sits at m·aRow + k·aCol inside its matrix; b[k, n] at k·bRow + n·bCol.
  const [aRow, aCol] = transA ? [1, M] : [K, 1];
  const [bRow, bCol] = transB ? [1, K] : [N, 1];

  const as = valuesOf(a);
  const bs = valuesOf(b);
  const out = allocate('float32', batch * M * N);
  for (let p = 0; p < batch; p++) {
    const aBase = (batchA === 1 ? 0 : p) * M * K;
    const bBase = (batchB === 1 ? 0 : p) * K * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += as[aBase + m * aRow + k * aCol]! * bs[bBase + k * bRow + n * bCol]!;
        out[(p * M + m) * N + n] = sum;
      }
    }
  }
  return handleOf(out);
}
