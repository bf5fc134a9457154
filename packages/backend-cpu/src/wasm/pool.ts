/**
 * Worker threads that run gemm slices on the shared heap: worker_threads in Node, Web Workers
 * in cross-origin-isolated pages. Every worker instantiates the same module on the same memory
 * and waits on a control block in it; the calling thread posts one argument record per worker,
 * bumps a generation counter, runs its own slice, then waits until every worker has finished.
 *
 * Workers start asynchronously; until all have reported ready the pool runs everything on the
 * calling thread. Splits never divide a sum, so results are bit-identical for any thread count.
 */
import type { WasmHeap } from './heap.js';

/**
 * The module's kernels that threads run, by index: a record names one (1 + index; 0 = no work)
 * and carries up to {@link ARGS} i32 arguments.
 */
export const KERNELS = ['sgemm', 'conv2dForward', 'conv2dBackpropInput', 'conv2dBackpropFilter'] as const;
export type KernelName = (typeof KERNELS)[number];
const ARGS = 15;
/** Control block: [generation, workers still running, spare, spare], then one record per thread. */
const HEADER = 4;
const RECORD = 16;
/**
 * Polls of the control block before a thread sleeps in `Atomics.wait` (tens of microseconds).
 * Kernels of a training step come back to back, and waking a sleeping thread costs about as
 * much as a small product, so a thread that just finished keeps polling for a while.
 */
const SPINS = 20000;

/**
 * The worker's whole program. It runs as a CommonJS script in Node (eval'd) and as a classic
 * script in browsers, so it is plain JavaScript in a string: no file to resolve or bundle.
 */
const WORKER_SOURCE = `
const start = (data, post) => {
  const { module, memory, control, index } = data;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const fns = ${JSON.stringify(KERNELS)}.map((name) => exports[name]);
  const I = new Int32Array(memory.buffer);
  const ctl = control >> 2;
  const a = ctl + ${HEADER} + index * ${RECORD};
  let seen = Atomics.load(I, ctl);
  post('ready');
  for (;;) {
    let gen = Atomics.load(I, ctl);
    for (let i = 0; gen === seen && i < ${SPINS}; i++) gen = Atomics.load(I, ctl);
    if (gen === seen) {
      Atomics.wait(I, ctl, seen);
      continue;
    }
    if (gen === -1) return;
    seen = gen;
    const fn = I[a];
    if (fn !== 0) fns[fn - 1](I[a + 1], I[a + 2], I[a + 3], I[a + 4], I[a + 5], I[a + 6], I[a + 7], I[a + 8], I[a + 9], I[a + 10], I[a + 11], I[a + 12], I[a + 13], I[a + 14], I[a + 15]);
    if (Atomics.sub(I, ctl + 1, 1) === 1) Atomics.notify(I, ctl + 1);
  }
};
if (typeof self === 'undefined') {
  const { parentPort, workerData } = require('node:worker_threads');
  start(workerData, (m) => parentPort.postMessage(m));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
}
`;

interface NodeWorker {
  on(event: 'message' | 'error' | 'exit', fn: (v: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker;
}

type Started = { kind: 'node'; worker: NodeWorker } | { kind: 'web'; worker: Worker };

function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
}

/** How many threads this environment can run kernels on (1 where workers cannot share memory). */
export function availableThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  if (os?.availableParallelism && nodeWorkerThreads()) return os.availableParallelism();
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated === true && typeof g.Worker === 'function') return g.navigator?.hardwareConcurrency ?? 1;
  return 1;
}

/** A fixed set of worker threads that run gemm slices on one shared heap. */
export class ThreadPool {
  readonly #I: Int32Array;
  readonly #ctl: number;
  readonly #workers: Started[] = [];
  readonly #canBlock: boolean;
  #ready = 0;
  #broken = false;
  /** Resolves when every worker is ready (or the pool gave up on them). */
  readonly ready: Promise<void>;

  /** Starts `workers` threads (the calling thread is one more). */
  constructor(heap: WasmHeap, module: WebAssembly.Module, workers: number) {
    const control = heap.alloc((HEADER + (workers + 1) * RECORD) * 4);
    this.#I = new Int32Array(heap.buffer);
    this.#ctl = control >> 2;
    this.#I.fill(0, this.#ctl, this.#ctl + HEADER + (workers + 1) * RECORD);
    this.#canBlock = canBlock(this.#I, this.#ctl + 2);
    const nodeThreads = nodeWorkerThreads();
    const waits: Promise<void>[] = [];
    for (let index = 1; index <= workers; index++) {
      const data = { module, memory: heap.memory, control, index };
      waits.push(
        new Promise<void>((resolve) => {
          const onMessage = (m: unknown): void => {
            if (m === 'ready') this.#ready++;
            // Idle workers must not keep Node's process alive; until ready, the pending
            // message does (so awaiting `ready` works at the top level of a script).
            const started = this.#workers[index - 1];
            if (started?.kind === 'node') started.worker.unref();
            resolve();
          };
          const onFail = (): void => {
            this.#broken = true;
            resolve();
          };
          if (nodeThreads) {
            const worker = new nodeThreads.Worker(WORKER_SOURCE, { eval: true, workerData: data });
            worker.on('message', onMessage);
            worker.on('error', onFail);
            this.#workers.push({ kind: 'node', worker });
          } else {
            const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
            const worker = new Worker(url);
            worker.onmessage = (e) => onMessage(e.data);
            worker.onerror = onFail;
            worker.postMessage(data);
            this.#workers.push({ kind: 'web', worker });
          }
        }),
      );
    }
    this.ready = Promise.all(waits).then(() => undefined);
  }

  /** Threads that take part in a split now: the caller plus every ready worker. */
  get threads(): number {
    return this.#broken ? 1 : this.#ready === this.#workers.length ? this.#workers.length + 1 : 1;
  }

  /**
   * Gives worker `t` (1-based) a call of `kernel` with `args` for the next {@link run}; workers
   * given nothing stay idle.
   */
  post(t: number, kernel: KernelName, args: ArrayLike<number>): void {
    const a = this.#ctl + HEADER + t * RECORD;
    this.#I[a] = KERNELS.indexOf(kernel) + 1;
    for (let i = 0; i < args.length; i++) this.#I[a + 1 + i] = args[i]!;
  }

  /** Wakes every worker, runs `own` on this thread, and returns once all slices are done. */
  run(own: () => void): void {
    const I = this.#I;
    const ctl = this.#ctl;
    Atomics.store(I, ctl + 1, this.#workers.length);
    const gen = (Atomics.load(I, ctl) + 1) & 0x3fffffff;
    Atomics.store(I, ctl, gen);
    Atomics.notify(I, ctl);
    try {
      own();
    } finally {
      let spins = 0;
      for (let left = Atomics.load(I, ctl + 1); left !== 0; left = Atomics.load(I, ctl + 1)) {
        if (this.#canBlock && ++spins > SPINS) Atomics.wait(I, ctl + 1, left, 5);
      }
      for (let t = 1; t <= this.#workers.length; t++) I[ctl + HEADER + t * RECORD] = 0;
    }
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.#I, this.#ctl, -1);
    Atomics.notify(this.#I, this.#ctl);
    for (const w of this.#workers) {
      if (w.kind === 'node') void w.worker.terminate();
      else w.worker.terminate();
    }
    this.#broken = true;
  }
}

/** Whether this thread may block in `Atomics.wait` (browsers' main threads may not; they spin). */
function canBlock(I: Int32Array, at: number): boolean {
  try {
    Atomics.wait(I, at, 1, 0);
    return true;
  } catch {
    return false;
  }
}
