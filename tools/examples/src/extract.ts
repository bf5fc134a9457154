/**
 * Finds the documentation's code: the public exports of every published package (through the
 * TypeScript compiler API, from each package's `src/index.ts`), the `@example` blocks of their
 * doc comments (class and interface members' too), and the ts / js blocks of the Markdown files.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** One public export, top-level or inside an exported namespace (`nn.init.kaimingUniform`). */
export interface PublicExport {
  /** The package that exports it. */
  pkg: string;
  /** Its path from the package: `add`, `nn.Linear`, `nn.init.kaimingUniform`. */
  path: string;
  kind: 'function' | 'class' | 'interface' | 'type' | 'variable' | 'namespace' | 'enum';
  /** Whether it has a runtime value (a type-only export is imported with `type`). */
  isValue: boolean;
  /** Where it is declared (repository-relative file and 1-based line), for messages. */
  where: string;
  /** How many `@example` blocks its own doc comments hold (members not counted). */
  examples: number;
}

/** One code block to check. */
export interface Example {
  /** The test's name: what it documents and where. */
  title: string;
  /** Repository-relative file and the 1-based line of the block's first code line. */
  file: string;
  line: number;
  /** `ts` or `js`. */
  lang: 'ts' | 'js';
  /** Words after the language in the info string (`types-only`). */
  flags: string[];
  code: string;
  /** The package whose doc comment holds it (auto-imports prefer its exports). */
  pkg?: string;
  /**
   * For a Markdown block right after `<!-- from PATH -->`: the repository-relative file it quotes
   * verbatim. The quote is checked to still be in that file (which its own package compiles and
   * tests), not compiled on its own.
   */
  quotes?: string;
}

/** A published package: its name and the entry its doc and examples come from. */
export interface PackageEntry {
  name: string;
  dir: string;
  entry: string;
}

/** Every non-private package under packages/ with a `src/index.ts`. */
export function publishedPackages(): PackageEntry[] {
  const out: PackageEntry[] = [];
  for (const d of readdirSync(join(ROOT, 'packages')).sort()) {
    const dir = join(ROOT, 'packages', d);
    const manifest = join(dir, 'package.json');
    const entry = join(dir, 'src', 'index.ts');
    if (!existsSync(manifest) || !existsSync(entry)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; private?: boolean };
    if (!pkg.private) out.push({ name: pkg.name, dir, entry });
  }
  return out;
}

/** Ambient declarations the packages ship in src (module shims), so the program sees them. */
export function ambientDeclarations(pkgs: PackageEntry[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const p of pkgs) walk(join(p.dir, 'src'));
  return out;
}

/** The compiler options of the packages (tsconfig.base.json), for a program that emits nothing. */
export function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, file);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // Workspace packages resolve to their TypeScript sources, as the tests do: no build needed.
    customConditions: ['source'],
    allowJs: true,
    checkJs: true,
  };
}

/**
 * A compiler host that parses each file once: the program that reads the packages and the one
 * that type-checks the examples share every source file (and its binding).
 */
export function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const cache = new Map<string, ts.SourceFile>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const key = `${fileName}\0${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}`;
    let sf = cache.get(key);
    if (!sf) {
      sf = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (sf) cache.set(key, sf);
    }
    return sf;
  };
  return host;
}

export function rel(file: string): string {
  return relative(ROOT, file).split('\\').join('/');
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** The JSDoc nodes attached to a declaration. */
function jsDocsOf(decl: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(decl).filter((n): n is ts.JSDoc => n.kind === ts.SyntaxKind.JSDoc);
}

interface Fence {
  /** 1-based line of the first code line. */
  line: number;
  info: string;
  code: string;
  /** The last non-blank line before the opening fence. */
  before: string;
}

/** The fenced blocks of Markdown text, with the 1-based line of each one's first code line. */
export function fences(lines: string[], firstLine = 1): Fence[] {
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const marker = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim().startsWith(marker) && l.trim().replace(/[`~]/g, '') === '') break;
      body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)));
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    out.push({ line: firstLine + i + 1, info: open[3]!.trim(), code: body.join('\n'), before: k >= 0 ? lines[k]!.trim() : '' });
    i = j;
  }
  return out;
}

/**
 * The `@example` blocks of one JSDoc comment, as fences with lines in the source file.
 * Text between `@example` and the next tag is read as Markdown.
 */
function examplesOfJsDoc(sf: ts.SourceFile, doc: ts.JSDoc): Fence[] {
  const start = lineOf(sf, doc.getStart(sf));
  const lines = sf.text
    .slice(doc.getStart(sf), doc.end)
    .split('\n')
    .map((l) => l.replace(/^\s*\/\*\*\s?/, '').replace(/\s*\*\/\s*$/, '').replace(/^\s*\*(?!\/) ?/, ''));
  const out: Fence[] = [];
  let inExample = false;
  let inFence = false;
  let from = 0;
  for (let i = 0; i <= lines.length; i++) {
    const l = i < lines.length ? lines[i]! : '@end';
    if (/^\s*(```|~~~)/.test(l)) inFence = !inFence;
    if (!inFence && /^\s*@\w+/.test(l)) {
      if (inExample) out.push(...fences(lines.slice(from, i), start + from));
      inExample = /^\s*@example\b/.test(l);
      from = i + 1;
    }
  }
  return out;
}

function countExamples(sf: ts.SourceFile, decls: readonly ts.Declaration[]): number {
  let n = 0;
  for (const d of decls) for (const doc of jsDocsOf(d)) n += examplesOfJsDoc(sf, doc).length;
  return n;
}

function kindOf(symbol: ts.Symbol): PublicExport['kind'] {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) return 'namespace';
  if (f & ts.SymbolFlags.Variable) return 'variable';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  return 'type';
}

/** Whether an export is type-only somewhere along its chain of re-exports (`export type { X }`). */
function typeOnlyExport(checker: ts.TypeChecker, exported: ts.Symbol): boolean {
  let s: ts.Symbol | undefined = exported;
  for (let i = 0; s && s.flags & ts.SymbolFlags.Alias && i < 20; i++) {
    for (const d of s.declarations ?? []) {
      if (ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) return true;
      if (ts.isImportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) return true;
    }
    s = checker.getImmediateAliasedSymbol(s);
  }
  return false;
}

/** Everything the documentation checker reads from the packages' sources. */
export interface Catalog {
  program: ts.Program;
  exports: PublicExport[];
  examples: Example[];
}

/**
 * Reads every published package's public exports and their examples (including members'
 * examples and the packages' and namespaces' module comments).
 */
export function catalog(pkgs = publishedPackages(), host?: ts.CompilerHost): Catalog {
  const options = compilerOptions();
  const program = ts.createProgram([...pkgs.map((p) => p.entry), ...ambientDeclarations(pkgs)], options, host ?? cachingHost(options));
  const checker = program.getTypeChecker();
  const exports: PublicExport[] = [];
  const examples: Example[] = [];
  const seenDocs = new Set<ts.JSDoc>();

  const addDocExamples = (pkg: string, title: string, decl: ts.Node): void => {
    const sf = decl.getSourceFile();
    for (const doc of jsDocsOf(decl)) {
      if (seenDocs.has(doc)) continue;
      seenDocs.add(doc);
      for (const f of examplesOfJsDoc(sf, doc)) examples.push(fromFence(f, `${pkg} ${title}`, rel(sf.fileName), pkg));
    }
  };
  const addModuleComment = (pkg: string, title: string, sf: ts.SourceFile): void => {
    // A file's leading comment that is its module / package documentation.
    const first = sf.statements[0];
    if (!first) return;
    for (const doc of jsDocsOf(first)) {
      const text = sf.text.slice(doc.pos, doc.end);
      if (!/@packageDocumentation|@module/.test(text) || seenDocs.has(doc)) continue;
      seenDocs.add(doc);
      for (const f of examplesOfJsDoc(sf, doc)) examples.push(fromFence(f, `${pkg} ${title}`, rel(sf.fileName), pkg));
    }
  };

  const visit = (pkg: string, prefix: string, moduleSymbol: ts.Symbol): void => {
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = symbol.declarations ?? [];
      const decl = decls[0];
      if (!decl) continue;
      const path = prefix + exported.name;
      const kind = kindOf(symbol);
      const sf = decl.getSourceFile();
      if (kind === 'namespace') {
        const nsFile = decls.find(ts.isSourceFile);
        if (nsFile) addModuleComment(pkg, path, nsFile);
        exports.push({ pkg, path, kind, isValue: true, where: `${rel(sf.fileName)}`, examples: 0 });
        visit(pkg, `${path}.`, symbol);
        continue;
      }
      exports.push({
        pkg,
        path,
        kind,
        isValue: (symbol.flags & ts.SymbolFlags.Value) !== 0 && !typeOnlyExport(checker, exported),
        where: `${rel(sf.fileName)}:${lineOf(sf, decl.getStart(sf))}`,
        examples: countExamples(sf, decls),
      });
      for (const d of decls) addDocExamples(pkg, path, d);
      // Members' examples (methods, properties, constructors).
      if (kind === 'class' || kind === 'interface') {
        for (const d of decls) {
          if (!ts.isClassDeclaration(d) && !ts.isInterfaceDeclaration(d)) continue;
          for (const m of d.members) {
            const name = m.name ? m.name.getText() : ts.isConstructorDeclaration(m) ? 'constructor' : '(member)';
            addDocExamples(pkg, `${path}.${name}`, m);
          }
        }
      }
    }
  };

  for (const p of pkgs) {
    const sf = program.getSourceFile(p.entry)!;
    addModuleComment(p.name, '(package)', sf);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (moduleSymbol) visit(p.name, '', moduleSymbol);
  }
  return { program, exports, examples };
}

function fromFence(f: Fence, what: string, file: string, pkg?: string): Example {
  const [lang = '', ...flags] = f.info.split(/\s+/);
  return {
    title: `${what} (${file}:${f.line})`,
    file,
    line: f.line,
    lang: /^(js|javascript|mjs)$/.test(lang) ? 'js' : 'ts',
    flags,
    code: f.code,
    ...(pkg ? { pkg } : {}),
  };
}

/** Whether a fence's info string names a language the checker runs. */
function isCode(info: string): boolean {
  return /^(ts|typescript|js|javascript|mjs)$/.test(info.split(/\s+/)[0] ?? '');
}

/** The Markdown files whose code is checked: README.md, packages/*\/README.md, apps/docs/guides/*.md. */
export function markdownFiles(): string[] {
  const out = [join(ROOT, 'README.md')];
  for (const d of readdirSync(join(ROOT, 'packages')).sort()) {
    const f = join(ROOT, 'packages', d, 'README.md');
    if (existsSync(f)) out.push(f);
  }
  const guides = join(ROOT, 'apps', 'docs', 'guides');
  if (existsSync(guides)) {
    for (const f of readdirSync(guides).sort()) if (f.endsWith('.md')) out.push(join(guides, f));
  }
  return out;
}

/** The ts / js blocks of the Markdown files. */
export function markdownExamples(files = markdownFiles()): Example[] {
  const out: Example[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const f of fences(lines)) {
      if (!isCode(f.info)) continue;
      const e = fromFence(f, rel(file), rel(file));
      const quote = /^<!-- from (\S+) -->$/.exec(f.before);
      if (quote) e.quotes = quote[1]!;
      out.push(e);
    }
  }
  return out;
}
