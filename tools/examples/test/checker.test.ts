/**
 * The example checker itself: which comments count as stated results and how they compare,
 * what the prelude adds, and which statements get checked. A checker that passes everything
 * would let the documentation rot unseen.
 */
import { tmpdir } from 'node:os';
import { registerBackend, removeBackend, setBackend, tensor } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValue, parseSpec } from '../src/expect.js';
import { generate, type Importable } from '../src/generate.js';
import type { Example } from '../src/extract.js';

describe('stated results: which comments count', () => {
  it.each([
    '[[11, 21], [12, 22]]',
    ' 0.5',
    "'cpu'",
    'true',
    "{ kernels: 'js', threads: 1 }",
    '≈ 0.6691 (the mean of two losses)',
    '[8, 512, 1, 1] (global average)',
    "'webgl2' — the mode the kernels run in",
    'float32 [2, 3]',
    'int32 []',
    'NaN',
    '-Infinity',
    '1e-3',
  ])('%s is a stated result', (c) => {
    expect(parseSpec(c)).not.toBeNull();
  });

  it.each([
    'e.g. { kernels: \'relaxed-simd\' }',
    'x: float32 [64, 784]',
    'the forward\'s intermediates are freed here',
    '12: the 4 parameters',
    '[3, 5, 7]; the intermediate is freed',
    'Float32Array [2, 4]',
    'shape [2, 3]',
    '',
  ])('%s is not', (c) => {
    expect(parseSpec(c)).toBeNull();
  });
});

describe('stated results: comparison', () => {
  beforeAll(async () => {
    registerBackend('checker-test', () => createCpuBackend({ kernels: 'js' }));
    await setBackend('checker-test');
  });
  afterAll(() => removeBackend('checker-test'));

  it('matches tensors by value, Promises by what they resolve to', async () => {
    await expectValue(tensor([[1, 2], [3, 4]]), '[[1, 2], [3, 4]]', 'here');
    await expectValue(tensor([1, 2]).data(), '[1, 2]', 'here');
    await expectValue(tensor(5), '5', 'here');
    await expectValue(tensor([1, 0]).gt(0.5), '[true, false]', 'here');
  });

  it('rejects a wrong value, shape or dtype, naming where', async () => {
    await expect(expectValue(tensor([1, 2]), '[1, 3]', 'a.ts:7')).rejects.toThrow(/a\.ts:7.*result\[1\]: expected 3/);
    await expect(expectValue(tensor([1, 2]), '[[1, 2]]', 'here')).rejects.toThrow();
    await expect(expectValue(tensor([1, 2]), 'int32 [2]', 'here')).rejects.toThrow(/float32 \[2\]/);
    await expect(expectValue({ a: 1, b: 2 }, '{ a: 1 }', 'here')).rejects.toThrow(/unexpected keys b/);
  });

  it('reads a number to the precision it is written with', async () => {
    await expectValue(0.0900306, '0.090', 'here');
    await expectValue(2.5000001, '2.5', 'here');
    await expect(expectValue(0.0906, '0.090', 'here')).rejects.toThrow();
    await expect(expectValue(10.4, '10', 'here')).rejects.toThrow();
    await expectValue(NaN, 'NaN', 'here');
  });
});

describe('generated modules', () => {
  const names = new Map<string, Importable[]>([
    ['add', [{ pkg: '@profundo/core', isValue: true }]],
    ['tensor', [{ pkg: '@profundo/core', isValue: true }]],
    ['registerBackend', [{ pkg: '@profundo/core', isValue: true }]],
    ['createCpuBackend', [{ pkg: '@profundo/backend-cpu', isValue: true }]],
    ['CpuPath', [{ pkg: '@profundo/backend-cpu', isValue: false }]],
  ]);
  const example = (code: string, flags: string[] = []): Example => ({
    title: 't', file: 'f.ts', line: 10, lang: 'ts', flags, code,
  });
  const gen = (code: string, flags?: string[]) => generate(example(code, flags), 0, tmpdir(), names);

  it('a block without imports gets the names it uses and a CPU backend', () => {
    const g = gen('const add2 = (t: Tensor) => add(t, 2);\nlet p: CpuPath;\nadd2(tensor([1]));');
    expect(g.text).toContain("import { add, tensor } from '@profundo/core';");
    expect(g.text).toContain("import { type CpuPath } from '@profundo/backend-cpu';");
    expect(g.text).toContain("__registerBackend('cpu'");
    expect(g.text).not.toMatch(/import \{[^}]*\bTensor\b/); // not exported in this table
  });

  it('a block that registers its own backend gets none', () => {
    const g = gen("registerBackend('cpu', createCpuBackend);");
    expect(g.text).not.toContain('__registerBackend');
    expect(g.text).toContain("import { createCpuBackend } from '@profundo/backend-cpu';");
  });

  it('a block with imports runs as written', () => {
    const code = "import { add } from '@profundo/core';\nadd(1, 2);";
    const g = gen(code);
    expect(g.offset).toBe(0);
    expect(g.text).toBe(`${code}\nexport {};\n`);
  });

  it('names declared in the block are not imported', () => {
    const g = gen('const tensor = (v: number) => v;\nadd(tensor(1), 1);');
    expect(g.text).toContain("import { add } from '@profundo/core';");
    expect(g.text).not.toMatch(/import \{[^}]*\btensor\b/);
  });

  it('wraps statements that state their result, keeping line numbers', () => {
    const g = gen("add(tensor([1]), 1); // [2]\nconst y = add(1, 1);\n// 2\nconsole.log(y); // 2\ntry {\n  add(1, 1); // 2\n} catch {}\nfunction f() { return add(1, 1); // 2\n}");
    expect(g.checks).toBe(4);
    const body = g.text.split('\n').slice(g.offset);
    expect(body[0]).toBe('await __expect(add(tensor([1]), 1), " [2]", "f.ts:10"); // [2]');
    expect(body[1]).toContain('await __expect(y, " 2", "f.ts:11")');
    expect(body[3]).toBe('console.log(await __expect(y, " 2", "f.ts:13")); // 2');
    expect(body[5]).toContain('await __expect(add(1, 1)');
    expect(body[7]).not.toContain('__expect');
  });

  it('types-only blocks are not run', () => {
    expect(gen('add(1, 2);', ['types-only']).run).toBe(false);
  });
});
