/**
 * The SIMD engine behind one CPU backend instance: the heap its tensors live in, the compiled
 * gemm kernel, per-thread packing scratch and the worker pool.
 *
 * Where the engine can create shared memory (Node, cross-origin-isolated pages) tensors live in
 * the heap and kernels address them in place. Elsewhere the heap is private, unshared memory and
 * tensors stay in ordinary typed arrays that gemm copies in and out (one thread).
 */
import { createSharedMemory, WasmHeap } from './heap.js';
import { kernelModule } from './modules.js';
import { availableThreads, ThreadPool } from './pool.js';

export interface KernelExports {
  sgemm(
    M: number, N: number, K: number,
    a: number, ars: number, acs: number,
    b: number, brs: number, bcs: number,
    c: number, ldc: number,
    accumulate: number, scratch: number,
  ): void;
  scratchBytes(): number;
  conv2dForward: ConvKernel;
  conv2dBackpropInput: ConvKernel;
  conv2dBackpropFilter: ConvKernel;
  convScratchFloats(geom: number): number;
  binaryF32(op: number, a: number, as: number, b: number, bs: number, out: number, n: number): void;
  compareF32(op: number, a: number, as: number, b: number, bs: number, out: number, n: number): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  boolToF32(x: number, out: number, n: number): void;
  sumRun(x: number, n: number): number;
  addRun(acc: number, x: number, n: number): void;
  maxPool(
    x: number, out: number, dy: number, lo: number, hi: number,
    h: number, w: number, oh: number, ow: number, kH: number, kW: number, sH: number, sW: number,
    top: number, left: number, back: number,
  ): void;
}

/** `(geometry, in0, in1, out, lo, hi, col scratch, gemm scratch)`: see assembly/conv.ts. */
type ConvKernel = (geom: number, a: number, b: number, out: number, lo: number, hi: number, col: number, scratch: number) => void;

/** The convolution kernels, by the name the pool knows them under. */
export type ConvKernelName = 'conv2dForward' | 'conv2dBackpropInput' | 'conv2dBackpropFilter';

/** i32 fields of the geometry record of assembly/conv.ts. */
export const GEOMETRY_FIELDS = 19;

/** Below this many multiply-adds a kernel runs on one thread: waking workers costs more. */
export const DEFAULT_PARALLEL_MIN = 1 << 18;
/** Micro-tile height and width of assembly/gemm.ts: splits align to them. */
const MR = 4;
const NR = 8;

/** Options of {@link WasmEngine}. */
export interface EngineOptions {
  relaxed: boolean;
  /** Requested threads including the calling one. */
  threads: number;
  /** Multiply-adds below which a kernel stays on the calling thread. */
  parallelMin: number;
}

export class WasmEngine {
  readonly heap: WasmHeap;
  /** Whether tensors live in the heap (shared memory), rather than in ordinary arrays. */
  readonly shared: boolean;
  readonly relaxed: boolean;
  readonly #parallelMin: number;
  readonly #k: KernelExports;
  /** Per-thread gemm packing scratch. */
  readonly #scratch: number[] = [];
  /** Per-thread column-matrix scratch of #colBytes each, grown on demand. */
  #col: number[] = [];
  #colBytes = 0;
  /** The geometry record convolution kernels read. */
  readonly #geom: number;
  readonly #pool: ThreadPool | null;
  /** Argument records for worker calls, reused so that a split allocates nothing. */
  readonly #gemmArgs = new Int32Array(13);
  readonly #convArgs = new Int32Array(8);

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean, options: EngineOptions) {
    this.heap = new WasmHeap(memory);
    this.shared = shared;
    this.relaxed = options.relaxed;
    this.#parallelMin = options.parallelMin;
    this.#k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const threads = shared ? Math.max(1, Math.min(options.threads, availableThreads())) : 1;
    const bytes = this.#k.scratchBytes();
    this.#geom = this.heap.alloc(GEOMETRY_FIELDS * 4);
    for (let t = 0; t < threads; t++) this.#scratch.push(this.heap.alloc(bytes));
    this.#pool = threads > 1 ? new ThreadPool(this.heap, module, threads - 1) : null;
  }

  /** An engine for the requested path, or null where this engine cannot run it. */
  static create(options: EngineOptions): WasmEngine | null {
    const path = options.relaxed ? 'relaxed-simd' : 'simd';
    const memory = createSharedMemory(64);
    if (memory !== null) {
      const module = kernelModule(path, true);
      if (module !== null) return new WasmEngine(module, memory, true, options);
    }
    const module = kernelModule(path, false);
    if (module === null) return null;
    return new WasmEngine(module, new WebAssembly.Memory({ initial: 64, maximum: 65536 }), false, options);
  }

  /** The module's exports, for single-threaded kernels on heap addresses. */
  get kernels(): KernelExports {
    return this.#k;
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
    const threads = pool === null || M * N * K < this.#parallelMin ? 1 : pool.threads;
    if (threads === 1) {
      this.#k.sgemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, acc, this.#scratch[0]!);
      return;
    }
    const byCols = N >= M;
    const total = byCols ? N : M;
    const unit = byCols ? NR : MR;
    const step = Math.ceil(total / threads / unit) * unit;
    const args = this.#gemmArgs;
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
      pool!.post(t, 'sgemm', args);
    }
    const own = Math.min(total, step);
    pool!.run(() =>
      this.#k.sgemm(byCols ? M : own, byCols ? own : N, K, a, ars, acs, b, brs, bcs, c, ldc, acc, this.#scratch[0]!),
    );
  }

  /**
   * Runs a convolution kernel on heap operands (`a`, `b`, `out` are byte addresses) over items
   * `0 .. count` (images, or input channels for the filter gradient), split into contiguous
   * ranges across threads when the work is large. `geometry` holds the fields of
   * assembly/conv.ts, which also says how much column scratch each thread needs.
   */
  conv(
    kernel: ConvKernelName,
    geometry: ArrayLike<number>,
    a: number, b: number, out: number,
    count: number, flops: number,
  ): void {
    const heap = this.heap;
    const threads = this.#pool === null || flops < this.#parallelMin * 2 ? 1 : Math.min(this.#pool.threads, count);
    new Int32Array(heap.buffer, this.#geom, GEOMETRY_FIELDS).set(geometry);
    const colFloats = this.#k.convScratchFloats(this.#geom);
    if (this.#colBytes < colFloats * 4 || this.#col.length < threads) {
      for (const p of this.#col) heap.free(p, this.#colBytes);
      this.#colBytes = Math.max(this.#colBytes, colFloats * 4);
      this.#col = [];
      for (let t = 0; t < this.#scratch.length; t++) this.#col.push(heap.alloc(this.#colBytes));
    }
    const run = this.#k[kernel];
    if (threads <= 1) {
      run(this.#geom, a, b, out, 0, count, this.#col[0]!, this.#scratch[0]!);
      return;
    }
    const step = Math.ceil(count / threads);
    const args = this.#convArgs;
    for (let t = 1; t < threads; t++) {
      const lo = Math.min(count, t * step);
      const hi = Math.min(count, lo + step);
      if (lo === hi) continue;
      args[0] = this.#geom;
      args[1] = a;
      args[2] = b;
      args[3] = out;
      args[4] = lo;
      args[5] = hi;
      args[6] = this.#col[t]!;
      args[7] = this.#scratch[t]!;
      this.#pool!.post(t, kernel, args);
    }
    this.#pool!.run(() => run(this.#geom, a, b, out, 0, Math.min(count, step), this.#col[0]!, this.#scratch[0]!));
  }
}
