/**
 * The documentation's example checker: collects every example (extract.ts), turns each into a
 * module (generate.ts), writes them under tools/examples/.generated and type-checks them all in
 * one TypeScript program that reuses the one that read the packages. The test
 * (tools/examples/test) then runs them one by one.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import {
  ROOT,
  ambientDeclarations,
  cachingHost,
  catalog,
  compilerOptions,
  markdownExamples,
  publishedPackages,
  rel,
  type Example,
  type PublicExport,
} from './extract.js';
import { generate, importables, type Generated } from './generate.js';

export type { Example, PublicExport } from './extract.js';
export type { Generated } from './generate.js';
export { expectValue, parseSpec } from './expect.js';

/** Where the generated modules go (git-ignored): one folder per process, as runs may overlap. */
export const GENERATED_ROOT = join(import.meta.dirname, '..', '.generated');
export const GENERATED_DIR = join(GENERATED_ROOT, `run-${process.pid}`);

/** Removes the folders of runs whose process has ended (and anything else left there). */
function removeStaleRuns(): void {
  if (!existsSync(GENERATED_ROOT)) return;
  for (const name of readdirSync(GENERATED_ROOT)) {
    const pid = Number(/^run-(\d+)$/.exec(name)?.[1]);
    if (!pid) rmSync(join(GENERATED_ROOT, name), { recursive: true, force: true });
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(GENERATED_ROOT, name), { recursive: true, force: true });
    }
  }
}

/** Removes this process's generated modules. */
export function removeGenerated(): void {
  rmSync(GENERATED_DIR, { recursive: true, force: true });
}

/**
 * Interfaces that need an example of their own: the ones a user implements or reads, not the
 * options bags (documented field by field, and shown by their function's or class's example),
 * and not the backend contract's (packages/core/src/backend/backend.ts: the "Writing a backend"
 * guide and examples/backend-plugin show it whole).
 */
export function needsExample(e: PublicExport): boolean {
  if (e.kind === 'function' || e.kind === 'class') return true;
  if (e.kind !== 'interface') return false;
  if (/(Options|Params)$/.test(e.path)) return false;
  return !e.where.startsWith('packages/core/src/backend/backend.ts');
}

export interface Checked {
  exports: PublicExport[];
  /** Markdown blocks that quote a file verbatim (`<!-- from PATH -->`): checked by inclusion. */
  quotes: Example[];
  /** Public functions, classes and interfaces (see {@link needsExample}) without an `@example`. */
  missing: PublicExport[];
  generated: Generated[];
  /** Type errors per generated module, as `file:line: message` in the documentation's source. */
  diagnostics: Map<string, string[]>;
  /** Milliseconds spent reading the packages and type-checking. */
  ms: { catalog: number; typecheck: number };
}

function format(g: Generated, d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return `${g.example.file}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const inBlock = line - g.offset; // 0-based line in the block
  if (inBlock < 0) return `${g.example.file}:${g.example.line} (prelude): ${message}`;
  return `${g.example.file}:${g.example.line + inBlock}:${character + 1}: TS${d.code}: ${message}`;
}

/** Collects, generates and type-checks every example. */
export function check(): Checked {
  const t0 = performance.now();
  const pkgs = publishedPackages();
  const options = compilerOptions();
  const host = cachingHost(options);
  const cat = catalog(pkgs, host);
  const t1 = performance.now();
  const all: Example[] = [...cat.examples, ...markdownExamples()];
  const examples = all.filter((e) => !e.quotes);
  const names = importables(cat.exports);
  removeStaleRuns();
  removeGenerated();
  mkdirSync(GENERATED_DIR, { recursive: true });
  const generated = examples.map((e, i) => generate(e, i, GENERATED_DIR, names));
  for (const g of generated) writeFileSync(g.fileName, g.text);

  const program = ts.createProgram({
    rootNames: [...pkgs.map((p) => p.entry), ...ambientDeclarations(pkgs), ...generated.map((g) => g.fileName)],
    options,
    host,
    oldProgram: cat.program,
  });
  const diagnostics = new Map<string, string[]>();
  for (const g of generated) {
    const sf = program.getSourceFile(g.fileName);
    if (!sf) {
      diagnostics.set(g.fileName, [`${g.example.file}:${g.example.line}: not in the program`]);
      continue;
    }
    const ds = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    if (ds.length) diagnostics.set(g.fileName, ds.map((d) => format(g, d)));
  }
  const t2 = performance.now();
  return {
    exports: cat.exports,
    quotes: all.filter((e) => e.quotes),
    missing: cat.exports.filter((e) => needsExample(e) && e.examples === 0),
    generated,
    diagnostics,
    ms: { catalog: t1 - t0, typecheck: t2 - t1 },
  };
}

export { ROOT, rel };
