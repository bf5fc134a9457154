/**
 * A character-level tokenizer for sequence models.
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import { checkBoolean, checkInteger, checkOptions, describe } from './validate.js';

/** Options of {@link CharTokenizer.encode} and {@link CharTokenizer.encodeBatch}. */
export interface EncodeOptions {
  /** Start with the begin-of-sequence id {@link CharTokenizer.bos} (default `false`). */
  addBos?: boolean;
  /** End with the end-of-sequence id {@link CharTokenizer.eos} (default `false`). */
  addEos?: boolean;
}

const ENCODE_KEYS = ['addBos', 'addEos'] as const;

/**
 * Maps text to token ids one character (Unicode code point) at a time. Ids `0 .. 3` are the
 * special tokens, the same in every tokenizer: {@link CharTokenizer.pad} `0`,
 * {@link CharTokenizer.bos} `1`, {@link CharTokenizer.eos} `2` and {@link CharTokenizer.unk}
 * `3`; the alphabet's characters follow from id `4`, in the order given. A character outside
 * the alphabet encodes as `unk`.
 *
 * Build one from an explicit alphabet (`new CharTokenizer('abc…')`) or from the characters of
 * a corpus ({@link CharTokenizer.fromCorpus}, sorted so the ids do not depend on the corpus's
 * order).
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromCorpus(['23 de marzo', '1987-03-23']);
 * tok.vocabSize;                                      // 4 specials + distinct characters
 * const ids = tok.encode('23 de marzo', { addBos: true, addEos: true }); // [1, …, 2]
 * tok.decode(ids);                                    // '23 de marzo'
 * const batch = tok.encodeBatch(['1987', '20'], 6, { addEos: true });
 * // Int32Array of 2 × 6 ids, each row padded with 0 after its eos
 * ```
 */
export class CharTokenizer {
  /** The padding id, `0`. */
  readonly pad = 0;
  /** The begin-of-sequence id, `1`. */
  readonly bos = 1;
  /** The end-of-sequence id, `2`. */
  readonly eos = 2;
  /** The unknown-character id, `3`. */
  readonly unk = 3;
  /** Names of the special tokens, indexed by id: `<pad>`, `<bos>`, `<eos>`, `<unk>`. */
  static readonly specialTokens: readonly string[] = Object.freeze(['<pad>', '<bos>', '<eos>', '<unk>']);
  /** The characters with ids, in id order: character `alphabet[i]` has id `i + 4`. */
  readonly alphabet: readonly string[];
  /** Number of ids: the 4 special tokens plus the alphabet. */
  readonly vocabSize: number;
  private readonly ids: Map<string, number>;

  /**
   * @param alphabet - The characters, as a string or any iterable of single characters (code
   *   points); repeats are ignored after their first occurrence, which fixes each one's id.
   */
  constructor(alphabet: Iterable<string>) {
    const op = 'CharTokenizer';
    if (alphabet === null || alphabet === undefined || typeof (alphabet as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new ValueError(op, `alphabet must be a string or an iterable of characters, got ${describe(alphabet)}`);
    }
    const chars: string[] = [];
    const ids = new Map<string, number>();
    for (const c of alphabet) {
      if (typeof c !== 'string' || [...c].length !== 1) {
        throw new ValueError(op, `alphabet entries must be single characters, got ${describe(c)}`);
      }
      if (!ids.has(c)) {
        ids.set(c, chars.length + CharTokenizer.specialTokens.length);
        chars.push(c);
      }
    }
    this.alphabet = Object.freeze(chars);
    this.ids = ids;
    this.vocabSize = CharTokenizer.specialTokens.length + chars.length;
  }

  /**
   * A tokenizer whose alphabet is every character occurring in `texts`, sorted by code point.
   *
   * @example
   * ```ts
   * CharTokenizer.fromCorpus(['ba', 'ca']).alphabet; // ['a', 'b', 'c']
   * ```
   */
  static fromCorpus(texts: Iterable<string>): CharTokenizer {
    const seen = new Set<string>();
    for (const text of texts) {
      if (typeof text !== 'string') throw new ValueError('CharTokenizer.fromCorpus', `texts must be strings, got ${describe(text)}`);
      for (const c of text) seen.add(c);
    }
    return new CharTokenizer([...seen].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  /** The id of character `char`, or {@link CharTokenizer.unk} when it is not in the alphabet. */
  idOf(char: string): number {
    return this.ids.get(char) ?? this.unk;
  }

  /**
   * The ids of `text`, one per character, optionally wrapped in `bos` … `eos`.
   *
   * @example
   * ```ts
   * const tok = new CharTokenizer('ab');
   * tok.encode('abz', { addBos: true, addEos: true }); // [1, 4, 5, 3, 2] (z is unknown)
   * ```
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const op = 'CharTokenizer.encode';
    if (typeof text !== 'string') throw new ValueError(op, `text must be a string, got ${describe(text)}`);
    const { addBos, addEos } = encodeOptions(op, options);
    const out: number[] = addBos ? [this.bos] : [];
    for (const c of text) out.push(this.idOf(c));
    if (addEos) out.push(this.eos);
    return out;
  }

  /**
   * The text of `ids`, leaving out every special token (`pad`, `bos`, `eos`, `unk`). Accepts a
   * plain array or a typed array, such as a row of {@link CharTokenizer.encodeBatch} or of a
   * decoded tensor's data; every id must be an integer in `[0, vocabSize)`.
   *
   * @example
   * ```ts
   * const tok = new CharTokenizer('ab');
   * tok.decode([1, 4, 5, 2, 0, 0]); // 'ab'
   * ```
   */
  decode(ids: ArrayLike<number>): string {
    const op = 'CharTokenizer.decode';
    if (ids === null || ids === undefined || typeof ids === 'string' || typeof (ids as ArrayLike<number>).length !== 'number') {
      throw new ValueError(op, `ids must be an array of token ids, got ${describe(ids)}`);
    }
    const specials = CharTokenizer.specialTokens.length;
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const id = Number(ids[i]);
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new ValueError(op, `id ${describe(ids[i])} at position ${i} is not in [0, ${this.vocabSize})`);
      }
      if (id >= specials) text += this.alphabet[id - specials];
    }
    return text;
  }

  /**
   * Encodes `texts` into one row-major `Int32Array` of `texts.length × length` ids, each row
   * {@link CharTokenizer.encode}d with `options` and padded with {@link CharTokenizer.pad} on
   * the right, ready for `tensor(ids, { shape: [texts.length, length], dtype: 'int32' })`.
   * Throws when an encoded text is longer than `length`.
   *
   * @example
   * ```ts
   * new CharTokenizer('ab').encodeBatch(['ab', 'b'], 4, { addBos: true });
   * // [1, 4, 5, 0, 1, 5, 0, 0]
   * ```
   */
  encodeBatch(texts: readonly string[], length: number, options: EncodeOptions = {}): Int32Array {
    const op = 'CharTokenizer.encodeBatch';
    if (!Array.isArray(texts)) throw new ValueError(op, `texts must be an array of strings, got ${describe(texts)}`);
    checkInteger(op, 'length', length, 1, Number.MAX_SAFE_INTEGER);
    encodeOptions(op, options);
    texts.forEach((text, row) => {
      if (typeof text !== 'string') throw new ValueError(op, `text ${row} must be a string, got ${describe(text)}`);
    });
    const out = new Int32Array(texts.length * length).fill(this.pad);
    texts.forEach((text, row) => {
      const ids = this.encode(text, options);
      if (ids.length > length) {
        throw new ValueError(op, `text ${row} encodes to ${ids.length} ids, more than length ${length}: ${describe(text)}`);
      }
      out.set(ids, row * length);
    });
    return out;
  }
}

function encodeOptions(op: string, options: EncodeOptions): Required<EncodeOptions> {
  checkOptions(op, options, ENCODE_KEYS);
  const { addBos = false, addEos = false } = options ?? {};
  checkBoolean(op, 'addBos', addBos);
  checkBoolean(op, 'addEos', addEos);
  return { addBos, addEos };
}
