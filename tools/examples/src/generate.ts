/**
 * Turns one code block into a module that type-checks and runs:
 *
 * - A block with its own `import` statements is complete and runs as written (READMEs and
 *   guides must be complete).
 * - A block without any gets a prelude on its first lines: named imports of the public exports
 *   it uses (free identifiers that a published package exports, from that package; `type`
 *   imports for type-only exports), and a fresh CPU backend (one thread) registered and set as
 *   `'cpu'` unless the block calls `registerBackend` itself.
 * - A statement followed by a comment that states its result (see expect.ts), on its line or
 *   alone on the next, is wrapped to check that result.
 *
 * Lines keep their numbers after the prelude, so a diagnostic's line maps back to the source.
 */
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { Example, PublicExport } from './extract.js';
import { parseSpec } from './expect.js';

/** What a free identifier can be imported as. */
export interface Importable {
  pkg: string;
  isValue: boolean;
}

/** Top-level public export names → the package that exports each. */
export function importables(exports: PublicExport[]): Map<string, Importable[]> {
  const out = new Map<string, Importable[]>();
  for (const e of exports) {
    if (e.path.includes('.')) continue;
    const list = out.get(e.path) ?? [];
    list.push({ pkg: e.pkg, isValue: e.isValue });
    out.set(e.path, list);
  }
  return out;
}

export interface Generated {
  example: Example;
  /** Absolute path of the module. */
  fileName: string;
  text: string;
  /** Lines of prelude before the block's first line. */
  offset: number;
  /** Statements whose stated result is checked. */
  checks: number;
  /** Whether the checker runs it (false for `types-only`). */
  run: boolean;
}

const DECLARATION_NAME = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.Parameter,
  ts.SyntaxKind.BindingElement,
  ts.SyntaxKind.TypeParameter,
  ts.SyntaxKind.ImportSpecifier,
  ts.SyntaxKind.ImportClause,
  ts.SyntaxKind.NamespaceImport,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ClassExpression,
]);

/** Identifiers the block uses but does not declare, and whether it has import statements. */
function scan(sf: ts.SourceFile): { free: Set<string>; hasImports: boolean; registers: boolean } {
  const used = new Set<string>();
  const declared = new Set<string>();
  let hasImports = false;
  let registers = false;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) hasImports = true;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'registerBackend') registers = true;
    if (ts.isIdentifier(node)) {
      const p = node.parent;
      const isName =
        (p && DECLARATION_NAME.has(p.kind) && (p as unknown as { name?: ts.Node }).name === node) ||
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        (ts.isQualifiedName(p) && p.right === node) ||
        ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) ||
          ts.isPropertySignature(p) || ts.isMethodSignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) &&
          p.name === node) ||
        (ts.isBindingElement(p) && p.propertyName === node) ||
        (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p));
      if (isName) {
        if (p && DECLARATION_NAME.has(p.kind)) declared.add(node.text);
      } else used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const free = new Set([...used].filter((n) => !declared.has(n)));
  return { free, hasImports, registers };
}

/** A comment that states a result: on the statement's last line, or alone on the next line. */
function statedResult(lines: string[], sf: ts.SourceFile, stmt: ts.Statement): string | null {
  const end = sf.getLineAndCharacterOfPosition(stmt.end);
  const rest = lines[end.line]!.slice(end.character);
  const same = /^\s*\/\/(.*)$/.exec(rest);
  if (same) return parseSpec(same[1]!) ? same[1]! : null;
  if (rest.trim() !== '') return null;
  const next = lines[end.line + 1];
  const alone = next === undefined ? null : /^\s*\/\/(.*)$/.exec(next);
  // Only a single comment line: a paragraph of comments is prose.
  const after = lines[end.line + 2];
  if (alone && !(after !== undefined && /^\s*\/\//.test(after)) && parseSpec(alone[1]!)) return alone[1]!;
  return null;
}

/** `x` in `console.log(x)` (one argument), else undefined. */
function loggedArgument(expr: ts.Expression): ts.Expression | undefined {
  if (!ts.isCallExpression(expr) || expr.arguments.length !== 1) return undefined;
  const callee = expr.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
  return callee.expression.text === 'console' && callee.name.text === 'log' ? expr.arguments[0] : undefined;
}

/**
 * The statements a check can wrap: the top level's, and those of blocks outside any function
 * (`try` / `catch` / `if` / loop bodies), where top-level `await` is allowed.
 */
function checkable(sf: ts.SourceFile): ts.Statement[] {
  const out: ts.Statement[] = [];
  const visit = (stmts: readonly ts.Statement[]): void => {
    for (const s of stmts) {
      out.push(s);
      const blocks: (ts.Node | undefined)[] = [];
      if (ts.isBlock(s)) blocks.push(s);
      else if (ts.isTryStatement(s)) blocks.push(s.tryBlock, s.catchClause?.block, s.finallyBlock);
      else if (ts.isIfStatement(s)) blocks.push(s.thenStatement, s.elseStatement);
      else if (ts.isIterationStatement(s, false)) blocks.push(s.statement);
      for (const b of blocks) if (b && ts.isBlock(b)) visit(b.statements);
    }
  };
  visit(sf.statements);
  return out;
}

/**
 * Rewrites the statements that state their result. Text outside the rewritten spans is
 * untouched, and each replacement keeps its line breaks.
 */
function wrapStatedResults(code: string, sf: ts.SourceFile, where: (line: number) => string): { code: string; checks: number } {
  const lines = code.split('\n');
  const edits: { start: number; end: number; text: string }[] = [];
  for (const stmt of checkable(sf)) {
    if (ts.isBlock(stmt) || ts.isTryStatement(stmt) || ts.isIfStatement(stmt) || ts.isIterationStatement(stmt, false)) continue;
    const comment = statedResult(lines, sf, stmt);
    if (comment === null) continue;
    const line = sf.getLineAndCharacterOfPosition(stmt.end).line + 1;
    const args = `${JSON.stringify(comment)}, ${JSON.stringify(where(line))}`;
    if (ts.isExpressionStatement(stmt)) {
      const expr = stmt.expression;
      const logged = loggedArgument(expr);
      if (logged) {
        // console.log(x); // value: the comment states x.
        edits.push({ start: logged.getStart(sf), end: logged.end, text: `await __expect(${code.slice(logged.getStart(sf), logged.end)}, ${args})` });
      } else {
        edits.push({ start: stmt.getStart(sf), end: stmt.end, text: `await __expect(${code.slice(expr.getStart(sf), expr.end)}, ${args});` });
      }
    } else if (ts.isVariableStatement(stmt) && stmt.declarationList.declarations.length === 1) {
      const d = stmt.declarationList.declarations[0]!;
      if (ts.isIdentifier(d.name) && d.initializer) {
        edits.push({ start: stmt.end, end: stmt.end, text: ` await __expect(${d.name.text}, ${args});` });
      }
    }
  }
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { code: out, checks: edits.length };
}

function slug(s: string): string {
  return s.replace(/^@profundo\//, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** The module for one example, to be written under `dir`. */
export function generate(example: Example, index: number, dir: string, names: Map<string, Importable[]>): Generated {
  const ext = example.lang === 'js' ? 'js' : 'ts';
  const fileName = join(dir, `${String(index).padStart(3, '0')}-${slug(example.title)}.${ext}`);
  const kind = ext === 'js' ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, example.code, ts.ScriptTarget.ES2022, true, kind);
  const { free, hasImports, registers } = scan(sf);
  const prelude: string[] = [];
  if (!hasImports) {
    const byPkg = new Map<string, string[]>();
    for (const name of [...free].sort()) {
      const options = names.get(name);
      if (!options) continue;
      const pick = options.find((o) => o.pkg === example.pkg) ?? options.find((o) => o.pkg === '@profundo/core') ?? options[0]!;
      if (!pick.isValue && ext === 'js') continue;
      const list = byPkg.get(pick.pkg) ?? [];
      list.push(pick.isValue ? name : `type ${name}`);
      byPkg.set(pick.pkg, list);
    }
    for (const [pkg, list] of [...byPkg].sort()) prelude.push(`import { ${list.join(', ')} } from '${pkg}';`);
    if (!registers) {
      prelude.push(
        "import { createCpuBackend as __createCpuBackend } from '@profundo/backend-cpu';",
        "import { registerBackend as __registerBackend, setBackend as __setBackend } from '@profundo/core';",
        "__registerBackend('cpu', () => __createCpuBackend({ threads: 1 }));",
        "await __setBackend('cpu');",
      );
    }
  }
  const where = (line: number): string => `${example.file}:${example.line + line - 1}`;
  const wrapped = wrapStatedResults(example.code, sf, where);
  if (wrapped.checks > 0) {
    let spec = relative(dirname(fileName), join(import.meta.dirname, 'expect.js')).split('\\').join('/');
    if (!spec.startsWith('.')) spec = `./${spec}`;
    prelude.unshift(`import { expectValue as __expect } from '${spec}';`);
  }
  const text = `${prelude.join('\n')}${prelude.length ? '\n' : ''}${wrapped.code}\nexport {};\n`;
  return {
    example,
    fileName,
    text,
    offset: prelude.length,
    checks: wrapped.checks,
    run: !example.flags.includes('types-only'),
  };
}
