/**
 * `pnpm --filter @profundo/example-checker check`: type-checks every example and lists the
 * exports without one, without running them (the test, tools/examples/test, runs them too).
 * Exits 1 on any type error or missing example.
 */
import { check, removeGenerated } from './index.js';

const r = check();
removeGenerated();
for (const [, errors] of r.diagnostics) for (const e of errors) console.log(e);
for (const e of r.missing) console.log(`no @example: ${e.pkg} ${e.kind} ${e.path} (${e.where})`);
const counts = new Map<string, number>();
for (const g of r.generated) {
  const k = g.example.file.endsWith('.md') ? 'markdown' : 'tsdoc';
  counts.set(k, (counts.get(k) ?? 0) + 1);
}
const typesOnly = r.generated.filter((g) => !g.run).length;
const checks = r.generated.reduce((n, g) => n + g.checks, 0);
console.log(
  `${r.generated.length} examples (${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}; ${typesOnly} types-only; ` +
    `${checks} stated results), ${r.quotes.length} quotes; ${r.diagnostics.size} with type errors, ${r.missing.length} exports without one; ` +
    `read ${(r.ms.catalog / 1000).toFixed(1)} s, type-checked ${(r.ms.typecheck / 1000).toFixed(1)} s`,
);
process.exit(r.diagnostics.size || r.missing.length ? 1 : 0);
