/**
 * The SIMD engine behind one CPU backend instance: the heap its tensors live in, the compiled
 * gemm kernel, per-thread packing scratch and the worker pool.
 *
 * Where the engine can create shared memory (Node, cross-origin-isolated pages) tensors live in
 * the heap and kernels address them in place. Elsewhere the heap is private, unshared memory and
 * tensors stay in ordinary typed arrays that gemm copies in and out (one thread).
 */
import { createSharedMemory, WasmHeap } from './heap.js';
import { gemmModule } from './modules.js';
import { ARGS, availableThreads, ThreadPool } from './pool.js';

interface GemmExports {
  sgemm(
    M: number, N: number, K: number,
    a: number, ars: number, acs: number,
    b: number, brs: number, bcs: number,
    c: number, ldc: number,
    accumulate: number, scratch: number,
  ): void;
  scratchBytes(): number;
}

/** Below this many multiply-adds a product runs on one thread: waking workers costs more. */
const SPLIT_MIN = 1 << 18;
/** Micro-tile height and width of assembly/gemm.ts: splits align to them. */
const MR = 4;
const NR = 8;

/** Options of {@link WasmEngine}. */
export interface EngineOptions {
  relaxed: boolean;
  /** Requested threads including the calling one. */
  threads: number;
}

export class WasmEngine {
  readonly heap: WasmHeap;
  /** Whether tensors live in the heap (shared memory), rather than in ordinary arrays. */
  readonly shared: boolean;
  readonly relaxed: boolean;
  readonly #gemm: GemmExports;
  readonly #scratch: number[] = [];
  readonly #pool: ThreadPool | null;
  readonly #args = new Int32Array(ARGS);

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean, options: EngineOptions) {
    this.heap = new WasmHeap(memory);
    this.shared = shared;
    this.relaxed = options.relaxed;
    this.#gemm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
    const threads = shared ? Math.max(1, Math.min(options.threads, availableThreads())) : 1;
    const bytes = this.#gemm.scratchBytes();
    for (let t = 0; t < threads; t++) this.#scratch.push(this.heap.alloc(bytes));
    this.#pool = threads > 1 ? new ThreadPool(this.heap, module, threads - 1) : null;
  }

  /** An engine for the requested path, or null where this engine cannot run it. */
  static create(options: EngineOptions): WasmEngine | null {
    const path = options.relaxed ? 'relaxed-simd' : 'simd';
    const memory = createSharedMemory(64);
    if (memory !== null) {
      const module = gemmModule(path, true);
      if (module !== null) return new WasmEngine(module, memory, true, options);
    }
    const module = gemmModule(path, false);
    if (module === null) return null;
    return new WasmEngine(module, new WebAssembly.Memory({ initial: 64, maximum: 65536 }), false, options);
  }

  /** Resolves once the worker threads are running. */
  get ready(): Promise<void> {
    return this.#pool?.ready ?? Promise.resolve();
  }

  /** Threads that big products are split across now. */
  get threads(): number {
    return this.#pool?.threads ?? 1;
  }

  /** Stops the worker threads; the engine then runs on the calling thread only. */
  close(): void {
    this.#pool?.close();
  }

  /**
   * `C[cOff + i·ldc + j] (+)= Σ_k A(i,k)·B(k,j)` with `A(i,k) = A[aOff + i·ars + k·acs]` and
   * `B(k,j) = B[bOff + k·brs + j·bcs]`. Operands outside the heap are copied in (and C out).
   */
  gemm(
    M: number, N: number, K: number,
    A: Float32Array, aOff: number, ars: number, acs: number,
    B: Float32Array, bOff: number, brs: number, bcs: number,
    C: Float32Array, cOff: number, ldc: number,
    accumulate: boolean,
  ): void {
    if (M === 0 || N === 0) return;
    const heap = this.heap;
    const aLen = K === 0 ? 0 : (M - 1) * ars + (K - 1) * acs + 1;
    const bLen = K === 0 ? 0 : (K - 1) * brs + (N - 1) * bcs + 1;
    const cLen = (M - 1) * ldc + N;
    const aIn = heap.owns(A);
    const bIn = heap.owns(B);
    const cIn = heap.owns(C);
    // Allocate every temporary before making views: unshared memory detaches views as it grows.
    const aTmp = aIn ? 0 : heap.alloc(aLen * 4);
    const bTmp = bIn ? 0 : heap.alloc(bLen * 4);
    const cTmp = cIn ? 0 : heap.alloc(cLen * 4);
    try {
      const f32 = new Float32Array(heap.memory.buffer);
      if (!aIn) f32.set(A.subarray(aOff, aOff + aLen), aTmp >> 2);
      if (!bIn) f32.set(B.subarray(bOff, bOff + bLen), bTmp >> 2);
      if (!cIn && accumulate) f32.set(C.subarray(cOff, cOff + cLen), cTmp >> 2);
      const a = aIn ? A.byteOffset + aOff * 4 : aTmp;
      const b = bIn ? B.byteOffset + bOff * 4 : bTmp;
      const c = cIn ? C.byteOffset + cOff * 4 : cTmp;
      this.#run(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, accumulate ? 1 : 0);
      if (!cIn) C.set(new Float32Array(heap.memory.buffer, cTmp, cLen), cOff);
    } finally {
      if (!aIn) heap.free(aTmp, aLen * 4);
      if (!bIn) heap.free(bTmp, bLen * 4);
      if (!cIn) heap.free(cTmp, cLen * 4);
    }
  }

  /**
   * Splits a product across threads by output columns (or rows, when C is taller than wide),
   * in whole micro-tiles. Each output element is summed by one thread in one fixed order, so the
   * result does not depend on the thread count.
   */
  #run(
    M: number, N: number, K: number,
    a: number, ars: number, acs: number,
    b: number, brs: number, bcs: number,
    c: number, ldc: number, acc: number,
  ): void {
    const pool = this.#pool;
    const threads = pool === null || M * N * K < SPLIT_MIN ? 1 : pool.threads;
    if (threads === 1) {
      this.#gemm.sgemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, acc, this.#scratch[0]!);
      return;
    }
    const byCols = N >= M;
    const total = byCols ? N : M;
    const unit = byCols ? NR : MR;
    const step = Math.ceil(total / threads / unit) * unit;
    const args = this.#args;
    for (let t = 1; t < threads; t++) {
      const lo = Math.min(total, t * step);
      const len = Math.min(total, lo + step) - lo;
      if (len === 0) continue;
      args[0] = byCols ? M : len;
      args[1] = byCols ? len : N;
      args[2] = K;
      args[3] = byCols ? a : a + lo * ars * 4;
      args[4] = ars;
      args[5] = acs;
      args[6] = byCols ? b + lo * bcs * 4 : b;
      args[7] = brs;
      args[8] = bcs;
      args[9] = byCols ? c + lo * 4 : c + lo * ldc * 4;
      args[10] = ldc;
      args[11] = acc;
      args[12] = this.#scratch[t]!;
      pool!.post(t, args);
    }
    const own = Math.min(total, step);
    pool!.run(() =>
      this.#gemm.sgemm(byCols ? M : own, byCols ? own : N, K, a, ars, acs, b, brs, bcs, c, ldc, acc, this.#scratch[0]!),
    );
  }
}
