import { describe, expect, it } from 'vitest';
import { ValueError } from '@profundo/core';
import { CharTokenizer } from '../src/index.js';

describe('CharTokenizer', () => {
  it('has fixed special ids and numbers the alphabet from 4, first occurrence first', () => {
    const tok = new CharTokenizer('hola mundo');
    expect([tok.pad, tok.bos, tok.eos, tok.unk]).toEqual([0, 1, 2, 3]);
    expect(CharTokenizer.specialTokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    expect(tok.alphabet).toEqual(['h', 'o', 'l', 'a', ' ', 'm', 'u', 'n', 'd']);
    expect(tok.vocabSize).toBe(13);
    expect(tok.idOf('h')).toBe(4);
    expect(tok.idOf('d')).toBe(12);
    expect(Object.isFrozen(tok.alphabet)).toBe(true);
  });

  it('fromCorpus sorts the corpus characters by code point, accents included', () => {
    const tok = CharTokenizer.fromCorpus(['sábado', 'miércoles', '23/03']);
    expect(tok.alphabet.join('')).toBe('/023abcdeilmorsáé');
    expect(CharTokenizer.fromCorpus(['ba', 'ab']).alphabet).toEqual(CharTokenizer.fromCorpus(['ab']).alphabet);
    expect(CharTokenizer.fromCorpus([]).vocabSize).toBe(4);
  });

  it('round-trips text in the alphabet, with and without bos / eos', () => {
    const texts = ['veintitrés de marzo de 1987', 'lunes, 23/03/1987', '1987-03-23', ''];
    const tok = CharTokenizer.fromCorpus(texts);
    for (const text of texts) {
      expect(tok.decode(tok.encode(text))).toBe(text);
      const wrapped = tok.encode(text, { addBos: true, addEos: true });
      expect(wrapped[0]).toBe(tok.bos);
      expect(wrapped.at(-1)).toBe(tok.eos);
      expect(wrapped.length).toBe([...text].length + 2);
      expect(tok.decode(wrapped)).toBe(text);
    }
    expect(tok.encode('1987', { addEos: true })).toEqual([...'1987'].map((c) => tok.idOf(c)).concat(tok.eos));
  });

  it('counts code points, not UTF-16 units', () => {
    const tok = new CharTokenizer(['a', '😀']);
    expect(tok.encode('a😀a')).toEqual([4, 5, 4]);
    expect(tok.decode([5, 4])).toBe('😀a');
  });

  it('encodes characters outside the alphabet as unk, and decode drops them', () => {
    const tok = new CharTokenizer('abc');
    expect(tok.encode('abzc', { addBos: true })).toEqual([1, 4, 5, 3, 6]);
    expect(tok.idOf('Z')).toBe(tok.unk);
    expect(tok.decode(tok.encode('a?b'))).toBe('ab');
  });

  it('decode strips every special token, wherever it is, and takes typed arrays', () => {
    const tok = new CharTokenizer('ab');
    expect(tok.decode([1, 4, 0, 5, 2, 2, 0, 3])).toBe('ab');
    expect(tok.decode(Int32Array.of(1, 5, 4, 2))).toBe('ba');
    expect(() => tok.decode([4, 6])).toThrow(ValueError);
    expect(() => tok.decode([-1])).toThrow(/not in \[0, 6\)/);
    expect(() => tok.decode([1.5])).toThrow(ValueError);
  });

  it('encodeBatch pads each row on the right to length', () => {
    const tok = new CharTokenizer('ab');
    const ids = tok.encodeBatch(['ab', 'b', ''], 4, { addBos: true, addEos: true });
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids]).toEqual([1, 4, 5, 2, 1, 5, 2, 0, 1, 2, 0, 0]);
    expect([...tok.encodeBatch(['ba', 'a'], 3)]).toEqual([5, 4, 0, 4, 0, 0]);
    expect(tok.encodeBatch([], 5).length).toBe(0);
    for (let r = 0; r < 3; r++) expect(tok.decode(ids.subarray(r * 4, r * 4 + 4))).toBe(['ab', 'b', ''][r]);
  });

  it('encodeBatch rejects a text longer than length, and bad lengths', () => {
    const tok = new CharTokenizer('ab');
    expect(() => tok.encodeBatch(['abab'], 3)).toThrow(/encodes to 4 ids, more than length 3/);
    expect(() => tok.encodeBatch(['ab'], 2, { addEos: true })).toThrow(ValueError);
    expect(() => tok.encodeBatch(['a'], 0)).toThrow(ValueError);
    expect(() => tok.encodeBatch(['a'], 1.5)).toThrow(ValueError);
  });

  it('rejects bad alphabets, texts and options', () => {
    expect(() => new CharTokenizer(['ab'])).toThrow(/single characters/);
    expect(() => new CharTokenizer(undefined as unknown as string)).toThrow(ValueError);
    const tok = new CharTokenizer('ab');
    expect(() => tok.encode(5 as unknown as string)).toThrow(ValueError);
    expect(() => tok.encode('a', { addBOS: true } as never)).toThrow(/unknown option "addBOS"/);
    expect(() => tok.encode('a', { addEos: 1 } as never)).toThrow(/addEos must be a boolean/);
    expect(() => CharTokenizer.fromCorpus([1 as unknown as string])).toThrow(ValueError);
  });
});
