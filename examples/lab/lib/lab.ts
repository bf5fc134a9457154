/**
 * The lab's harness: what an experiment is, and how one runs, writes its numbers (JSON) and
 * plots (SVG rendered from Vega-Lite specs) and states its verdict in one line.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed } from '@profundo/core';
import { renderSvg, type VegaLiteSpec } from './plot.js';

/** How far the experiment bears the claim out. */
export type Verdict = 'holds' | 'holds partly' | 'does not hold';

/** What an experiment gets to run. */
export interface LabContext {
  /** The seconds-long version (for the test): smaller data, fewer steps; its verdict means little. */
  tiny: boolean;
  /** The seed; `manualSeed(seed)` has been called before `run`. */
  seed: number;
  /** Progress messages. */
  log(message: string): void;
}

/** What an experiment found. */
export interface Outcome {
  verdict: Verdict;
  /** Why, in one sentence with the numbers that decide it. */
  because: string;
  /** The data it ran on. */
  data: string;
  /** Its compute budget (steps, examples, epochs, sizes). */
  budget: string;
  /** The numbers, written to results.json. */
  numbers: Record<string, unknown>;
  /** Plots by file name (without `.svg`). */
  plots: Record<string, VegaLiteSpec>;
}

/** One claim of the course notes, as a runnable experiment. */
export interface Experiment {
  /** `c1` … `c15`. */
  id: string;
  /** A short slug, e.g. `conv-im2col`. */
  name: string;
  /** The claim, as the notes make it. */
  claim: string;
  run(ctx: LabContext): Promise<Outcome>;
}

/** What {@link runExperiment} wrote and said. */
export interface RunReport {
  dir: string;
  files: string[];
  seconds: number;
  verdictLine: string;
  outcome: Outcome;
}

/** The one-line verdict: `C10 conv-im2col: holds — … (data: …; budget: …)`. */
export function verdictLine(exp: Experiment, o: Outcome, tiny: boolean): string {
  return `${exp.id.toUpperCase()} ${exp.name}: ${o.verdict} — ${o.because} (data: ${o.data}; budget: ${o.budget}${tiny ? '; TINY run' : ''})`;
}

/** Seeds, runs `exp`, writes `<outDir>/<id>-<name>/results.json` and one SVG per plot, prints the verdict. */
export async function runExperiment(
  exp: Experiment,
  options: { outDir: string; seed?: number; tiny?: boolean; log?: (m: string) => void },
): Promise<RunReport> {
  const seed = options.seed ?? 0;
  const tiny = options.tiny ?? false;
  const log = options.log ?? ((m: string) => console.log(m));
  const dir = join(options.outDir, `${exp.id}-${exp.name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  manualSeed(seed);
  const started = performance.now();
  const outcome = await exp.run({ tiny, seed, log: (m) => log(`  [${exp.id}] ${m}`) });
  const seconds = (performance.now() - started) / 1000;
  const files: string[] = [];
  for (const [name, spec] of Object.entries(outcome.plots)) {
    const file = join(dir, `${name}.svg`);
    writeFileSync(file, await renderSvg(spec));
    files.push(file);
  }
  const line = verdictLine(exp, outcome, tiny);
  const results = {
    id: exp.id,
    name: exp.name,
    claim: exp.claim,
    verdict: outcome.verdict,
    because: outcome.because,
    data: outcome.data,
    budget: outcome.budget,
    seed,
    tiny,
    seconds: Number(seconds.toFixed(2)),
    verdictLine: line,
    plots: Object.keys(outcome.plots).map((p) => `${p}.svg`),
    numbers: outcome.numbers,
  };
  const json = join(dir, 'results.json');
  writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  files.unshift(json);
  log(line);
  return { dir, files, seconds, verdictLine: line, outcome };
}

/** Rounds for JSON: `r(0.123456, 4)` → 0.1235. */
export function r(x: number, digits = 4): number {
  return Number(x.toPrecision(digits));
}
