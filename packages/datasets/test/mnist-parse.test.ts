import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readDigitFile, scanDigitFile } from '../src/mnist-parse.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('scanDigitFile (fast path)', () => {
  it('reads plain decimals with any JSON whitespace, exactly as JSON.parse then float32', () => {
    const text = ' {\n "data" :\t[0, 0.5,1 ,0.624,\r\n0.1, 0.333, 0.000001, 123456789012345 ] }\n';
    const out = new Float32Array(8);
    expect(scanDigitFile(bytes(text), out, 0)).toBe(8);
    expect(out).toEqual(Float32Array.from(JSON.parse(text).data as number[]));
  });

  it('writes from the offset, and only what fits, but counts everything', () => {
    const out = new Float32Array(4).fill(-1);
    expect(scanDigitFile(bytes('{"data":[0.25,0.5,0.75]}'), out, 2)).toBe(3);
    expect([...out]).toEqual([-1, -1, 0.25, 0.5]);
  });

  it('reads an empty array', () => {
    expect(scanDigitFile(bytes('{"data":[ ]}'), new Float32Array(0), 0)).toBe(0);
  });

  it.each([
    '{"data":[1e-3]}',
    '{"data":[-0.5]}',
    '{"data":[0.]}',
    '{"data":[.5]}',
    '{"data":[0.1234567890123456]}',
    '{"data":[1,]}',
    '{"data":[1 2]}',
    '{"data":[1]',
    '{"data":[1]} x',
    '{"data":[1],"x":2}',
    '{"pixels":[1]}',
    '[1, 2]',
    '',
  ])('declines anything else: %s', (text) => {
    expect(scanDigitFile(bytes(text), new Float32Array(4), 0)).toBe(-1);
  });
});

describe('readDigitFile', () => {
  it('falls back to JSON.parse for valid JSON the fast path declines', () => {
    const out = new Float32Array(3);
    expect(readDigitFile(bytes('{"x": 1, "data": [1e-3, 2.5E-1, 1]}'), out, 0, 'f.json')).toBe(3);
    expect([...out]).toEqual([Math.fround(0.001), 0.25, 1]);
  });

  it('fails clearly on malformed files', () => {
    const read = (text: string) => () => readDigitFile(bytes(text), new Float32Array(4), 0, 'src/digits/3.json');
    expect(read('{"data": [1, 2')).toThrow(/^loadMnist: src\/digits\/3.json of the mnist package is not valid JSON/);
    expect(read('{"pixels": [1]}')).toThrow(/src\/digits\/3.json of the mnist package has no "data" array/);
    expect(read('{"data": [1, "x"]}')).toThrow(/holds a non-number at position 1: "x"/);
  });

  it("matches JSON.parse on every one of the package's digit files", () => {
    const require = createRequire(import.meta.url);
    for (let d = 0; d < 10; d++) {
      const file = readFileSync(require.resolve(`mnist/src/digits/${d}.json`));
      const expected = Float32Array.from((JSON.parse(file.toString('utf8')) as { data: number[] }).data);
      const out = new Float32Array(expected.length);
      expect(scanDigitFile(file, out, 0)).toBe(expected.length);
      expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    }
  });
});
