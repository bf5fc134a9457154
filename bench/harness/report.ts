/**
 * Result tables: medians (ms per call, or µs per op where a call repeats a small op), GFLOP/s
 * where the workload has a flop count, ratios against the best Profundo path of each row, and
 * the first training-step loss of every library. Each table is an aligned Markdown table, so the
 * console output and the written guide are the same text.
 */
import type { Cell, Workload } from '../libs/types.js';
import { isTimed } from '../libs/types.js';

export interface Column {
  readonly name: string;
  readonly profundo: boolean;
}

export interface GroupResult {
  readonly title: string;
  readonly workloads: readonly Workload[];
  readonly columns: readonly Column[];
  /** workload id → column → cell */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, Cell>>;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: readonly string[]) =>
    '| ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, j) => (j === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Three significant digits, no exponent. */
export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function fmtRatio(r: number): string {
  return (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)) + '×';
}

function flopsOf(w: Workload): number | null {
  return 'flops' in w ? w.flops : null;
}

/** Ops (or steps) per timed call, for a workload reported per op. */
function repeatOf(w: Workload): number | null {
  return 'repeat' in w ? w.repeat : null;
}

/** "1,000 ops" / "100 steps": what a call of a per-op workload runs. */
function repeatText(w: Workload): string {
  return 'repeat' in w ? `${w.repeat.toLocaleString('en-US')} ${w.unit}s` : '';
}

function cellText(c: Cell | undefined, value: (c: Extract<Cell, { ms: number }>) => string): string {
  if (c === undefined) return '';
  return isTimed(c) ? value(c) : c.na;
}

/** The fastest Profundo column of a row, if any Profundo path ran it. */
function bestProfundo(g: GroupResult, id: string): { name: string; ms: number } | null {
  let best: { name: string; ms: number } | null = null;
  for (const col of g.columns) {
    const c = g.cells.get(id)?.get(col.name);
    if (col.profundo && isTimed(c) && (!best || c.ms < best.ms)) best = { name: col.name, ms: c.ms };
  }
  return best;
}

export function renderGroup(g: GroupResult): string {
  const names = g.columns.map((c) => c.name);
  const cellsOf = (w: Workload) => names.map((n) => g.cells.get(w.id)?.get(n));
  const parts: string[] = [];

  if (g.workloads.every((w) => repeatOf(w) !== null)) {
    const units = [...new Set(g.workloads.map((w) => ('unit' in w ? w.unit : '')))].join(' or ');
    const calls = g.workloads.map(repeatText).join(', ');
    parts.push(`Median µs per ${units}, a timed call (${calls}) divided by its count (lower is better):\n`);
    parts.push(
      table(
        ['workload', ...names],
        g.workloads.map((w) => [w.id, ...cellsOf(w).map((c) => cellText(c, (t) => fmtMs((t.ms * 1000) / repeatOf(w)!)))]),
      ),
    );
  } else {
    parts.push('Median ms per call (lower is better):\n');
    parts.push(table(['workload', ...names], g.workloads.map((w) => [w.id, ...cellsOf(w).map((c) => cellText(c, (t) => fmtMs(t.ms)))])));
  }

  if (g.workloads.every((w) => flopsOf(w) !== null)) {
    parts.push('\nGFLOP/s (higher is better):\n');
    parts.push(
      table(
        ['workload', ...names],
        g.workloads.map((w) => [w.id, ...cellsOf(w).map((c) => cellText(c, (t) => (flopsOf(w)! / (t.ms * 1e6)).toFixed(1)))]),
      ),
    );
  }

  parts.push('\nTime relative to the fastest Profundo path of the row (column ÷ best pf; above 1× is slower than Profundo):\n');
  parts.push(
    table(
      ['workload', 'best pf', ...names],
      g.workloads.map((w) => {
        const best = bestProfundo(g, w.id);
        return [
          w.id,
          best?.name ?? '',
          ...cellsOf(w).map((c) => (best ? cellText(c, (t) => fmtRatio(t.ms / best.ms)) : cellText(c, () => ''))),
        ];
      }),
    ),
  );

  if (g.workloads.some((w) => cellsOf(w).some((c) => isTimed(c) && c.first !== undefined))) {
    parts.push('\nLoss of the first step (the same weights and batch everywhere, so these should agree):\n');
    parts.push(
      table(
        ['workload', ...names],
        g.workloads.map((w) => [w.id, ...cellsOf(w).map((c) => cellText(c, (t) => (t.first === undefined ? '' : t.first.toFixed(5))))]),
      ),
    );
  }

  const notes = new Set<string>();
  for (const w of g.workloads) {
    for (const [name, c] of g.cells.get(w.id) ?? []) {
      if (!isTimed(c) && c.detail) notes.add(`- ${name}, ${w.id}: ${c.na} — ${c.detail}`);
    }
  }
  if (notes.size) parts.push('\n' + [...notes].join('\n'));
  return parts.join('\n');
}
