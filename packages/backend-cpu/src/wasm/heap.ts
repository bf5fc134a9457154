/**
 * The WebAssembly heap that tensors live in on the SIMD paths: one shared `WebAssembly.Memory`
 * carved into blocks by a size-class allocator.
 *
 * Blocks are rounded up to a size class (multiples of 64 bytes up to 1 KiB, then four classes
 * per power of two, so at most 25% is wasted) and freed blocks are kept per class for reuse, so
 * a training loop that frees what it allocated stops asking the memory to grow after its first
 * step. Memory is shared (a `SharedArrayBuffer`), which is what lets worker threads run kernels
 * on it and also means growth never detaches a typed-array view made earlier: views stay valid
 * for the life of their block.
 */

/** WebAssembly pages are 64 KiB. */
const PAGE = 65536;
/** The first page holds nothing of ours (kernels may reserve static data there). */
const RESERVED = PAGE;
/** The largest memory wasm32 can address: 4 GiB. */
export const MAX_PAGES = 65536;

/** Thrown when the heap cannot grow to fit a block. */
export class HeapExhaustedError extends RangeError {
  constructor(readonly bytes: number, readonly capacity: number) {
    super(`the WebAssembly heap cannot grow to fit ${bytes} more bytes (${capacity} bytes in use or free, limit ${MAX_PAGES * PAGE})`);
    this.name = 'HeapExhaustedError';
  }
}

/** The size class a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(64, (bytes + 63) & ~63);
  const top = 2 ** Math.floor(Math.log2(bytes));
  const quarter = top / 4;
  return Math.ceil(bytes / quarter) * quarter;
}

/** Creates shared memory, or returns null where the engine refuses it (pages without cross-origin isolation). */
export function createSharedMemory(initialPages: number): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
  } catch {
    return null;
  }
}

/** A size-class allocator over one shared WebAssembly memory. */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  #buffer: ArrayBufferLike;
  /** Every buffer object the memory has exposed; views made on any of them are heap views. */
  readonly #buffers = new WeakSet<ArrayBufferLike>();
  #top = RESERVED;
  readonly #free = new Map<number, number[]>();
  #used = 0;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.#buffer = memory.buffer;
    this.#buffers.add(this.#buffer);
  }

  /** Bytes in live blocks (rounded to their size classes). */
  get usedBytes(): number {
    return this.#used;
  }

  /** Bytes the memory holds in all, live, free or never handed out. */
  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** The memory's current buffer; views for new blocks are made on it. */
  get buffer(): ArrayBufferLike {
    return this.#buffer;
  }

  /** Whether `view` lies in this heap's memory, so kernels can address it directly. */
  owns(view: ArrayBufferView): boolean {
    return this.#buffers.has(view.buffer);
  }

  /** Reserves a block of at least `bytes` and returns its address, a multiple of 64. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.#free.get(size);
    let ptr: number;
    if (list !== undefined && list.length > 0) {
      ptr = list.pop()!;
    } else {
      ptr = this.#top;
      if (ptr + size > this.#buffer.byteLength) this.#grow(ptr + size);
      this.#top = ptr + size;
    }
    this.#used += size;
    return ptr;
  }

  /** Returns a block from {@link alloc} of the same `bytes` for reuse. */
  free(ptr: number, bytes: number): void {
    const size = sizeClass(bytes);
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    list.push(ptr);
    this.#used -= size;
  }

  #grow(end: number): void {
    const have = this.#buffer.byteLength / PAGE;
    const need = Math.ceil(end / PAGE);
    // Grow by at least half again, so a growing workload asks O(log n) times.
    const want = Math.min(MAX_PAGES, Math.max(need, Math.ceil(have * 1.5)));
    if (need > MAX_PAGES) throw new HeapExhaustedError(end - this.#top, this.#buffer.byteLength);
    try {
      this.memory.grow(want - have);
    } catch {
      try {
        this.memory.grow(need - have);
      } catch {
        throw new HeapExhaustedError(end - this.#top, this.#buffer.byteLength);
      }
    }
    this.#buffer = this.memory.buffer;
    this.#buffers.add(this.#buffer);
  }
}
