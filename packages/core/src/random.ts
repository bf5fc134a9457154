/**
 * Seeded random numbers. One global generator, reseeded by {@link manualSeed}, drives weight
 * init, dropout masks and data shuffling, so a seed reproduces a run bit for bit. Numbers are
 * drawn in core rather than on the backend, so every backend sees the same values.
 *
 * @module
 */
import { ValueError } from './errors.js';

/**
 * A small, fast, seedable generator (xoshiro128**, seeded through splitmix32).
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * g.uniform(); // in [0, 1)
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  /**
   * Creates a generator from an integer seed (integers wrap modulo 2^32: `s` and `s + 2^32`
   * give the same stream). A seed that is not an integer (NaN, Infinity, 1.5, a string) is a
   * `ValueError`, never silently truncated.
   */
  constructor(seed = 0) {
    checkSeed('Generator', seed);
    this.reset(seed);
  }

  /** Resets the state from the integer `seed`; the same seed always gives the same stream. */
  seed(seed: number): void {
    checkSeed('Generator.seed', seed);
    this.reset(seed);
  }

  private reset(seed: number): void {
    let x = seed >>> 0;
    // splitmix32 spreads a small seed over all 128 state bits; an all-zero state would stall.
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = null;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for next time). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  randint(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32)) {
      throw new ValueError('Generator.randint', `n must be an integer in [1, 2^32], got ${describe(n)}`);
    }
    return Math.floor(this.uniform() * n);
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const globalGenerator = new Generator(0);

/**
 * Reseeds the global generator that init, dropout and shuffling draw from.
 *
 * @example
 * ```ts
 * manualSeed(7);
 * const a = randn([3]);
 * manualSeed(7);
 * const b = randn([3]); // same values as a
 * ```
 */
export function manualSeed(seed: number): void {
  checkSeed('manualSeed', seed);
  globalGenerator.seed(seed);
}

/**
 * The global generator, for code that needs to draw its own random numbers reproducibly.
 *
 * @example
 * ```ts
 * manualSeed(7);
 * const a = defaultGenerator().uniform(); // in [0, 1)
 * manualSeed(7);
 * defaultGenerator().uniform() === a;     // true
 * ```
 */
export function defaultGenerator(): Generator {
  return globalGenerator;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Throws a ValueError naming `op` unless `seed` is an integer. */
function checkSeed(op: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new ValueError(op, `seed must be an integer, got ${describe(seed)}`);
  }
}
