/**
 * Results stated in comments: `add(a, b); // [[11, 21], [12, 22]]`. The generator turns such a
 * statement into `await expectValue(add(a, b), '[[11, 21], [12, 22]]', ...)`; this module reads
 * the comment and compares.
 *
 * A comment is a stated result when it is, after an optional `≈`, `~` or `→`:
 * - a literal: a number (`NaN`, `Infinity`, `1e-3` too), a quoted string, `true` / `false` /
 *   `null`, or an array or object of literals (keys quoted or not); or
 * - a tensor's dtype and shape: `float32 [2, 3]` (also `int32 [4]`, `bool []`);
 * followed by nothing, or by a space and a remark that starts with `(`, `—`, `–` or `--`.
 * Anything else (`// e.g. ...`, `// x: float32 [64, 784]`, prose) is not checked.
 *
 * Tensors compare by their values as nested arrays (`tolist()`, or `data()` where the backend
 * reads only asynchronously), typed arrays as arrays, Promises by what they resolve to. A number
 * written with d decimals matches to within half a unit of its last digit (`0.090` matches
 * 0.0900306); a number written without decimals matches to a relative 1e-5; `true` and `false`
 * match 1 and 0.
 */
import { Tensor } from '@profundo/core';

/** A number as written: its value and how close a result must come. */
class Num {
  constructor(
    readonly value: number,
    readonly tol: number,
  ) {}
}

type Spec =
  | { kind: 'value'; value: unknown }
  | { kind: 'tensor'; dtype: string; shape: number[] };

/** Reads a comment as a stated result, or returns `null` when it is not one. */
export function parseSpec(comment: string): Spec | null {
  let s = comment.trim();
  s = s.replace(/^(≈|~|→|=>)\s*/, '');
  const remark = /^(\s*$|\s+(\(|—|–|--))/;
  const t = /^(float32|int32|bool)\s+\[([\d,\s]*)\]/.exec(s);
  if (t) {
    if (!remark.test(s.slice(t[0].length))) return null;
    const dims = t[2]!.trim() === '' ? [] : t[2]!.split(',').map((d) => Number(d.trim()));
    if (dims.some((d) => !Number.isInteger(d))) return null;
    return { kind: 'tensor', dtype: t[1]!, shape: dims };
  }
  const p = new Parser(s);
  try {
    const value = p.value();
    if (!remark.test(s.slice(p.i))) return null;
    return { kind: 'value', value };
  } catch {
    return null;
  }
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.list('[', ']');
    if (c === '{') return this.object();
    if (c === "'" || c === '"') return this.string();
    const m = /^(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|-?Infinity|NaN|true|false|null|undefined)(?![\w.])/.exec(this.s.slice(this.i));
    if (!m) throw new Error('not a literal');
    this.i += m[0].length;
    const w = m[1]!;
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (w === 'undefined') return undefined;
    if (w === 'NaN') return new Num(NaN, 0);
    if (w.endsWith('Infinity')) return new Num(w.startsWith('-') ? -Infinity : Infinity, 0);
    const [mant, exp = '0'] = w.split('e');
    const decimals = (mant!.split('.')[1] ?? '').length - Number(exp);
    const value = Number(w);
    const tol = decimals > 0 ? 0.5 * 10 ** -decimals * 1.0001 : 1e-5 * Math.max(1, Math.abs(value));
    return new Num(value, tol);
  }

  private list(open: string, close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === close) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === close) return out;
      if (c !== ',') throw new Error(`expected , or ${close}`);
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
    }
  }

  private object(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      let key: string;
      const c = this.s[this.i];
      if (c === "'" || c === '"') key = this.string();
      else {
        const m = /^[A-Za-z_$][\w$]*/.exec(this.s.slice(this.i));
        if (!m) throw new Error('expected a key');
        key = m[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i++] !== ':') throw new Error('expected :');
      out[key] = this.value();
      this.ws();
      const d = this.s[this.i++];
      if (d === '}') return out;
      if (d !== ',') throw new Error('expected , or }');
    }
  }

  private string(): string {
    const q = this.s[this.i++]!;
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i++];
    }
    if (this.s[this.i++] !== q) throw new Error('unterminated string');
    return out;
  }
}

async function plain(v: unknown): Promise<unknown> {
  if (v instanceof Tensor) {
    if (v.rank === 0) return (await v.data())[0];
    const flat = Array.from(await v.data());
    const build = (dim: number, offset: number): unknown => {
      if (dim === v.rank) return flat[offset];
      const stride = v.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: v.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

function show(v: unknown): string {
  if (v instanceof Num) return String(v.value);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ')} }`;
  return String(v);
}

/** Where `actual` differs from `expected` (a path and what), or null when it matches. */
function differs(actual: unknown, expected: unknown, at: string): string | null {
  if (expected instanceof Num) {
    const a = typeof actual === 'boolean' ? Number(actual) : actual;
    if (typeof a !== 'number') return `${at}: expected ${expected.value}, got ${show(actual)}`;
    if (Number.isNaN(expected.value)) return Number.isNaN(a) ? null : `${at}: expected NaN, got ${a}`;
    if (!Number.isFinite(expected.value)) return a === expected.value ? null : `${at}: expected ${expected.value}, got ${a}`;
    return Math.abs(a - expected.value) <= expected.tol ? null : `${at}: expected ${expected.value} (±${expected.tol.toPrecision(2)}), got ${a}`;
  }
  if (typeof expected === 'boolean') {
    if (actual === expected || actual === Number(expected)) return null;
    return `${at}: expected ${expected}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array ${show(expected)}, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} items ${show(expected)}, got ${actual.length}: ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = differs(actual[i], expected[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${at}: expected an object, got ${show(actual)}`;
    const a = actual as Record<string, unknown>;
    const keys = Object.keys(expected);
    const extra = Object.keys(a).filter((k) => !keys.includes(k) && a[k] !== undefined);
    if (extra.length) return `${at}: unexpected keys ${extra.join(', ')}`;
    for (const k of keys) {
      const d = differs(a[k], (expected as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(actual, expected) || actual === expected ? null : `${at}: expected ${show(expected)}, got ${show(actual)}`;
}

/**
 * Checks `actual` (awaited when it is a Promise) against the result `comment` states; `where`
 * (file:line) names the statement in the message. Returns the awaited value.
 */
export async function expectValue<T>(actual: T, comment: string, where: string): Promise<Awaited<T>> {
  const spec = parseSpec(comment);
  if (!spec) throw new Error(`${where}: the comment '${comment}' is not a stated result`);
  const v = await actual;
  if (spec.kind === 'tensor') {
    if (!(v instanceof Tensor)) throw new Error(`${where}: '// ${comment}' states a tensor, got ${show(v)}`);
    if (v.dtype !== spec.dtype || v.shape.length !== spec.shape.length || v.shape.some((d, i) => d !== spec.shape[i])) {
      throw new Error(`${where}: '// ${comment}' but the result is ${v.dtype} [${v.shape.join(', ')}]`);
    }
    return v;
  }
  const d = differs(await plain(v), spec.value, 'result');
  if (d) throw new Error(`${where}: the comment says ${comment.trim()}, but ${d}`);
  return v;
}
