/**
 * Loop generators shared by the fused conv and pooling kernels. Each thread of those kernels
 * works out, from its own coordinates, the exact range of taps (or output positions) that
 * contribute to it, so the loop bodies carry no bounds tests: a loop runs a literal maximum
 * number of iterations and breaks once past its per-thread end.
 *
 * All index arithmetic is float32 on the device (exact below 2^24, see codegen.ts); divisions
 * go through {@link floorDiv} / {@link ceilDiv}, which correct `Math.floor` after the fact.
 * Loop counters are never floats incremented with `++` (WGSL has no float increment): every
 * loop counts an integer from a literal 0 to a literal bound.
 *
 * @internal
 * @module
 */
import { ceilDiv, floorDiv } from './codegen.js';

/** A generated loop: per-thread set-up code, the loop header (with its first body lines) and its end. */
export interface Loop {
  /** Code to emit once, before the loop (declares the range variables). */
  readonly prelude: string;
  /** The `for` header and the statements that define the loop's variables; ends inside the body. */
  readonly open: string;
  /** Closes the body. */
  readonly close: string;
  /** The first value of the loop variable (an expression valid after the prelude). */
  readonly lo: string;
  /** One past the last value of the loop variable (an expression valid after the prelude). */
  readonly hi: string;
}

/**
 * A loop over `u` in `0 .. K-1`, clipped to the values with `A + u·B` in `0 .. L-1`, where `A`
 * is a per-thread expression and `B >= 1` a literal. `lower` / `upper`: whether that side can
 * clip at all (a side without padding never does, so no code is emitted for it).
 * Declares `${u}` (and helpers prefixed with it).
 */
export function clipped(u: string, A: string, B: number, K: number, L: number, lower: boolean, upper: boolean): Loop {
  if (!lower && !upper) {
    return { prelude: '', open: `for (let ${u} = 0; ${u} < ${K}; ${u}++) {\n`, close: '}\n', lo: '0', hi: String(K) };
  }
  let prelude = `let ${u}A = ${A};\n`;
  let lo = '0';
  let hi = String(K);
  if (lower) {
    // u >= ceil(-A / B)
    if (B === 1) prelude += `let ${u}Lo = Math.max(-${u}A, 0);\n`;
    else prelude += `${ceilDiv(`${u}C`, `(-${u}A)`, B)}let ${u}Lo = Math.max(${u}C, 0);\n`;
    lo = `${u}Lo`;
  }
  if (upper) {
    // u <= floor((L - 1 - A) / B)
    if (B === 1) prelude += `let ${u}Hi = Math.min(${L} - ${u}A, ${K});\n`;
    else prelude += `${floorDiv(`${u}F`, `(${L - 1} - ${u}A)`, B)}let ${u}Hi = Math.min(${u}F + 1, ${K});\n`;
    hi = `${u}Hi`;
  }
  const open =
    `for (let ${u}K = 0; ${u}K < ${K}; ${u}K++) {\n` +
    `let ${u} = ${lo === '0' ? `${u}K` : `${lo} + ${u}K`};\n` +
    `if (${u} >= ${hi}) { break; }\n`;
  return { prelude, open, close: '}\n', lo, hi };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The inverse of `a` modulo `m` (`a` and `m` coprime, `m >= 1`). */
function inverseMod(a: number, m: number): number {
  for (let x = 0; x < m; x++) if ((a * x) % m === 1 % m) return x;
  throw new Error(`backend-gpujs: ${a} has no inverse modulo ${m}`);
}

/**
 * The adjoint of a strided window: for a per-thread `t >= 0` (an input coordinate plus the
 * leading padding), a loop over every tap `p` in `0 .. k-1` and output position `o` in
 * `0 .. OUT-1` with `o·s + p·d = t`, i.e. every output whose window reads the input through
 * tap `p`. Solutions are spaced `s / gcd(s, d)` taps apart; the first one comes from a modular
 * inverse worked out here, so the loop visits only real solutions. `tMax` is the largest `t`
 * (it lets the generator drop a bound that can never bind). Declares `${p}` and `${o}`.
 */
export function adjoint(p: string, o: string, t: string, k: number, s: number, d: number, OUT: number, tMax: number): Loop {
  let prelude = `let ${p}T = ${t};\n`;
  // p >= ceil((t - (OUT-1)·s) / d): the output index stays below OUT.
  const span = (OUT - 1) * s;
  let lo = '0';
  if (tMax > span) {
    if (d === 1) prelude += `let ${p}Lo = Math.max(${p}T - ${span}, 0);\n`;
    else prelude += `${ceilDiv(`${p}C`, `(${p}T - ${span})`, d)}let ${p}Lo = Math.max(${p}C, 0);\n`;
    lo = `${p}Lo`;
  }
  // p <= floor(t / d): the output index stays non-negative.
  if (d === 1) prelude += `let ${p}Hi = Math.min(${p}T + 1, ${k});\n`;
  else prelude += `${floorDiv(`${p}F`, `${p}T`, d)}let ${p}Hi = Math.min(${p}F + 1, ${k});\n`;
  const g = gcd(s, d);
  const m = s / g;
  let first = lo;
  if (s > 1) {
    // p·d ≡ t (mod s) needs g | t; then p ≡ (t/g)·inv(d/g) (mod m).
    let u = `${p}T`;
    if (g > 1) {
      prelude += floorDiv(`${p}U`, `${p}T`, g);
      prelude += `if (${p}U * ${g} != ${p}T) { ${p}Hi = -1; }\n`;
      u = `${p}U`;
    }
    if (m > 1) {
      const inv = inverseMod((d / g) % m, m);
      prelude += `${floorDiv(`${p}Q`, u, m)}let ${p}R = ${u} - ${p}Q * ${m};\n`;
      let r = `${p}R`;
      if (inv !== 1) {
        prelude += `let ${p}RI = ${p}R * ${inv};\n${floorDiv(`${p}Q2`, `${p}RI`, m)}let ${p}R0 = ${p}RI - ${p}Q2 * ${m};\n`;
        r = `${p}R0`;
      }
      // The first p >= lo in that residue class.
      prelude += `let ${p}E = ${r} - ${lo};\n${floorDiv(`${p}Q3`, `${p}E`, m)}let ${p}0 = ${lo} + ${p}E - ${p}Q3 * ${m};\n`;
      first = `${p}0`;
    }
  }
  // The output index of the first tap (exact: an integer quotient, rounded).
  if (s === 1) prelude += `let ${o}0 = ${p}T - ${first}${d === 1 ? '' : ` * ${d}`};\n`;
  else prelude += `let ${o}0 = Math.floor((${p}T - ${first}${d === 1 ? '' : ` * ${d}`}) / ${s} + 0.5);\n`;
  const count = Math.ceil(k / m);
  const step = d / g;
  const open =
    `for (let ${p}K = 0; ${p}K < ${count}; ${p}K++) {\n` +
    `let ${p} = ${first === '0' ? '' : `${first} + `}${p}K${m === 1 ? '' : ` * ${m}`};\n` +
    `if (${p} >= ${p}Hi) { break; }\n` +
    `let ${o} = ${o}0 - ${p}K${step === 1 ? '' : ` * ${step}`};\n`;
  return { prelude, open, close: '}\n', lo: first, hi: `${p}Hi` };
}
