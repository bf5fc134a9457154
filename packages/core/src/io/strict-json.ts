/**
 * A strict JSON (RFC 8259) parser for file headers. Unlike `JSON.parse` it rejects duplicate
 * object keys (which `JSON.parse` silently collapses to the last one), keeps each number's
 * source text so callers can insist on plain integers, caps nesting depth (so a hostile
 * header cannot overflow the stack), and reports where in the text a problem is.
 *
 * @internal
 * @module
 */

/** A parsed JSON value; `at` is the index in the source text where the value begins. */
export type JsonValue =
  | { readonly kind: 'object'; readonly at: number; readonly entries: readonly (readonly [string, JsonValue])[] }
  | { readonly kind: 'array'; readonly at: number; readonly items: readonly JsonValue[] }
  | { readonly kind: 'string'; readonly at: number; readonly value: string }
  | { readonly kind: 'number'; readonly at: number; readonly text: string }
  | { readonly kind: 'boolean'; readonly at: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly at: number };

/** Why the text is not acceptable JSON; `at` is the index in the text. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {
    super(`${reason} at character ${at}`);
  }
}

/** Options of {@link parseStrictJson}. */
export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays accepted (the top level is depth 1). */
  maxDepth: number;
  /** Whitespace allowed after the value (`' '` only, or all of JSON's). Default: all. */
  trailing?: 'json' | 'space';
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Parses `text` as exactly one JSON value with no leading whitespace, followed only by
 * whitespace. Throws {@link JsonSyntaxError} on anything else, on a duplicate key in any
 * object, on a lone UTF-16 surrogate written as `\uXXXX`, and on nesting past `maxDepth`.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions): JsonValue {
  let i = 0;
  const n = text.length;
  const fail = (reason: string, at = i): never => {
    throw new JsonSyntaxError(reason, at);
  };
  const skipWs = (): void => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const describeChar = (at: number): string => (at >= n ? 'end of text' : JSON.stringify(text[at]));

  const parseString = (): string => {
    // text[i] is '"'
    i++;
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(runStart, i);
        i++;
        return out;
      }
      if (c < 0x20) fail(`control character U+${c.toString(16).padStart(4, '0')} in a string (must be escaped)`);
      if (c === 0x5c) {
        out += text.slice(runStart, i);
        i++;
        if (i >= n) fail('unterminated escape');
        const e = text[i]!;
        i++;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const unit = readHex4();
            if (unit >= 0xd800 && unit <= 0xdbff) {
              if (text[i] !== '\\' || text[i + 1] !== 'u') fail('lone high surrogate in \\u escape', i - 6);
              i += 2;
              const low = readHex4();
              if (low < 0xdc00 || low > 0xdfff) fail('high surrogate not followed by a low surrogate', i - 6);
              out += String.fromCharCode(unit, low);
            } else if (unit >= 0xdc00 && unit <= 0xdfff) {
              fail('lone low surrogate in \\u escape', i - 6);
            } else {
              out += String.fromCharCode(unit);
            }
            break;
          }
          default:
            fail(`invalid escape \\${e}`, i - 2);
        }
        runStart = i;
        continue;
      }
      // Surrogates here can only be well-formed pairs: the text came from a strict UTF-8
      // decode, which never produces lone surrogates.
      i++;
    }
  };

  const readHex4 = (): number => {
    const hex = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('\\u must be followed by 4 hex digits');
    i += 4;
    return parseInt(hex, 16);
  };

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

  const parseValue = (depth: number): JsonValue => {
    skipWs();
    const at = i;
    if (i >= n) fail('unexpected end of text, expected a value');
    const c = text[i]!;
    if (c === '{' || c === '[') {
      if (depth >= options.maxDepth) fail(`nesting deeper than ${options.maxDepth} levels`);
      return c === '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === '"') return { kind: 'string', at, value: parseString() };
    if (c === 't' && text.startsWith('true', i)) {
      i += 4;
      return { kind: 'boolean', at, value: true };
    }
    if (c === 'f' && text.startsWith('false', i)) {
      i += 5;
      return { kind: 'boolean', at, value: false };
    }
    if (c === 'n' && text.startsWith('null', i)) {
      i += 4;
      return { kind: 'null', at };
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i += m[0].length;
      return { kind: 'number', at, text: m[0] };
    }
    return fail(`unexpected ${describeChar(i)}, expected a value`);
  };

  const parseObject = (depth: number): JsonValue => {
    const at = i;
    i++; // '{'
    const entries: [string, JsonValue][] = [];
    const seen = new Set<string>();
    skipWs();
    if (text[i] === '}') {
      i++;
      return { kind: 'object', at, entries };
    }
    for (;;) {
      skipWs();
      if (text[i] !== '"') fail(`unexpected ${describeChar(i)}, expected a string key`);
      const keyAt = i;
      const key = parseString();
      if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      seen.add(key);
      skipWs();
      if (text[i] !== ':') fail(`unexpected ${describeChar(i)}, expected ':'`);
      i++;
      entries.push([key, parseValue(depth)]);
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return { kind: 'object', at, entries };
      }
      fail(`unexpected ${describeChar(i)}, expected ',' or '}'`);
    }
  };

  const parseArray = (depth: number): JsonValue => {
    const at = i;
    i++; // '['
    const items: JsonValue[] = [];
    skipWs();
    if (text[i] === ']') {
      i++;
      return { kind: 'array', at, items };
    }
    for (;;) {
      items.push(parseValue(depth));
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return { kind: 'array', at, items };
      }
      fail(`unexpected ${describeChar(i)}, expected ',' or ']'`);
    }
  };

  if (n > 0 && WS.has(text.charCodeAt(0))) fail('leading whitespace', 0);
  const value = parseValue(0);
  if (options.trailing === 'space') {
    while (i < n && text.charCodeAt(i) === 0x20) i++;
  } else {
    skipWs();
  }
  if (i < n) fail(`unexpected ${describeChar(i)} after the end of the value`);
  return value;
}
