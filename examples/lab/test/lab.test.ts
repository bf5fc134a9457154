/**
 * Runs the tiny version of every lab experiment (seconds each) and checks that it writes its
 * results.json and SVG plots and states a verdict, so the lab never rots.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pf from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../lib/lab.js';
import { experiments } from '../experiments/index.js';

const out = mkdtempSync(join(tmpdir(), 'profundo-lab-'));

beforeAll(async () => {
  if (!pf.listBackends().includes('cpu')) pf.registerBackend('cpu', createCpuBackend);
  await pf.setBackend('cpu');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const VERDICT = /^C\d+ [a-z0-9-]+: (holds|holds partly|does not hold) — .+ \(data: .+; budget: .+; TINY run\)$/;

describe('lab experiments (tiny)', () => {
  it('have unique ids and names', () => {
    expect(new Set(experiments.map((e) => e.id)).size).toBe(experiments.length);
    expect(new Set(experiments.map((e) => e.name)).size).toBe(experiments.length);
  });

  for (const exp of experiments) {
    it(`${exp.id} ${exp.name} writes results.json, SVG plots and a verdict`, async () => {
      const lines: string[] = [];
      const report = await runExperiment(exp, { outDir: out, seed: 0, tiny: true, log: (m) => lines.push(m) });
      expect(lines.at(-1)).toMatch(VERDICT);
      const results = JSON.parse(readFileSync(join(report.dir, 'results.json'), 'utf8'));
      expect(results).toMatchObject({ id: exp.id, name: exp.name, seed: 0, tiny: true });
      expect(['holds', 'holds partly', 'does not hold']).toContain(results.verdict);
      expect(results.data.length).toBeGreaterThan(10);
      expect(results.budget.length).toBeGreaterThan(5);
      expect(results.plots.length).toBeGreaterThan(0);
      for (const plot of results.plots as string[]) {
        const svg = readFileSync(join(report.dir, plot), 'utf8');
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).toContain('</svg>');
        expect(svg.length).toBeGreaterThan(1000);
      }
    });
  }

  it('c16 trains both models at every distance and times their steps', async () => {
    const c16 = experiments.find((e) => e.id === 'c16')!;
    const report = await runExperiment(c16, { outDir: join(out, 'c16-check'), seed: 0, tiny: true, log: () => {} });
    const n = report.outcome.numbers as { lengths: number[]; parameters: Record<string, number>; results: { model: string; L: number; accuracy: number; msPerStep: number }[] };
    expect(Object.keys(n.parameters).sort()).toEqual(['LSTM', 'Transformer encoder']);
    const [a, b] = Object.values(n.parameters) as [number, number];
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(1.2); // similar parameter counts
    for (const L of n.lengths)
      for (const model of ['LSTM', 'Transformer encoder']) {
        const row = n.results.find((x) => x.model === model && x.L === L)!;
        expect(row.accuracy).toBeGreaterThanOrEqual(0);
        expect(row.accuracy).toBeLessThanOrEqual(1);
        expect(row.msPerStep).toBeGreaterThan(0);
      }
    expect(report.outcome.plots).toHaveProperty('accuracy-vs-distance');
    expect(report.outcome.plots).toHaveProperty('step-time-vs-length');
  });

  it('runs from the command line: pnpm run lab c10 --tiny', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const dir = join(out, 'cli');
    const run = spawnSync('pnpm', ['-s', 'run', 'lab', 'c10', '--tiny', '--out', dir], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/C10 conv-im2col: holds — /);
    expect(existsSync(join(dir, 'c10-conv-im2col', 'results.json'))).toBe(true);
    const bad = spawnSync('pnpm', ['-s', 'run', 'lab', 'c99'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown experiment 'c99'/);
  });
});
