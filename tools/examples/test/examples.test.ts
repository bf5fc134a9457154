/**
 * Every example of the documentation type-checks and runs: the `@example` blocks of the
 * published packages' exports and the ts / js blocks of README.md, packages/*\/README.md and
 * apps/docs/guides/*.md. One test per block, named after its symbol or file and line; results
 * stated in comments are checked (tools/examples/src/expect.ts). Blocks marked ```ts types-only
 * are type-checked but not run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROOT, check, removeGenerated, type Generated } from '../src/index.js';

const result = check();

/**
 * Each block runs on fresh instances of the packages' modules (vi.resetModules), as in a
 * program of its own: an empty backend registry, memory() counting only its tensors, the seed
 * and the checkNumerics mode at their defaults. Afterwards, the worker threads of the backend
 * it left current are stopped.
 */
async function closeBackend(): Promise<void> {
  const core = await import('@profundo/core');
  if (core.getBackendName() !== null) (core.getBackend() as { close?: () => void }).close?.();
}

// Blocks run in a scratch directory, so one that writes a file leaves nothing in the checkout.
const home = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'profundo-examples-'));

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
  beforeAll(() => process.chdir(scratch));
  afterAll(() => {
    process.chdir(home);
    rmSync(scratch, { recursive: true, force: true });
    removeGenerated();
  });
  beforeEach(() => {
    vi.resetModules();
  });
  afterEach(async () => {
    await closeBackend();
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
