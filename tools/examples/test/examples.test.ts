/**
 * Every example of the documentation type-checks and runs: the `@example` blocks of the
 * published packages' exports and the ts / js blocks of README.md, packages/*\/README.md and
 * apps/docs/guides/*.md. One test per block, named after its symbol or file and line; results
 * stated in comments are checked (tools/examples/src/expect.ts). Blocks marked ```ts types-only
 * are type-checked but not run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getBackend, getBackendName, listBackends, removeBackend } from '@profundo/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROOT, check, type Generated } from '../src/index.js';

const result = check();

/** A fresh registry for each block: blocks register 'cpu' themselves. */
function resetBackends(): void {
  if (getBackendName() !== null) (getBackend() as { close?: () => void }).close?.();
  for (const name of listBackends()) removeBackend(name);
}

/** Points a runtime error's frames in the generated module back at the documentation's lines. */
function located(g: Generated, e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const frame = new RegExp(`${g.fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(err.stack ?? '');
  if (frame) {
    const line = g.example.line + Number(frame[1]) - 1 - g.offset;
    err.message = `${err.message}\n    at ${g.example.file}:${line}`;
  }
  return err;
}

describe('documentation examples', () => {
  beforeEach(resetBackends);
  afterEach(() => {
    resetBackends();
    vi.restoreAllMocks();
  });

  it('every exported function and class (and every interface a user implements or reads) has an @example', () => {
    const missing = result.missing.map((e) => `${e.pkg} ${e.kind} ${e.path} (${e.where})`);
    expect(missing, `${missing.length} exports without an @example`).toEqual([]);
  });

  for (const g of result.generated) {
    const title = g.run ? g.example.title : `${g.example.title} [types-only]`;
    it(title, async () => {
      const errors = result.diagnostics.get(g.fileName);
      if (errors) throw new Error(`type errors:\n${errors.join('\n')}`);
      if (!g.run) return;
      // Examples print (console.log, Tensor.print); keep the test output to failures.
      vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(pathToFileURL(g.fileName).href);
      } catch (e) {
        throw located(g, e);
      }
    });
  }

  for (const q of result.quotes) {
    it(`${q.title} [quotes ${q.quotes}]`, () => {
      const source = readFileSync(join(ROOT, q.quotes!), 'utf8');
      expect(source.includes(q.code), `${q.file}:${q.line} is not in ${q.quotes} any more`).toBe(true);
    });
  }
});
