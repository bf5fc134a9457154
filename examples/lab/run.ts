/**
 * The lab: each claim of the course notes as a seeded experiment.
 *
 *   pnpm run lab <id or name> [more …] [--tiny] [--seed 0] [--out examples/lab/out]
 *   pnpm run lab all
 *   pnpm run lab list
 *
 * Each experiment writes `<out>/<id>-<name>/results.json` and its plots as SVG, and prints a
 * one-line verdict. `--tiny` runs the seconds-long version the tests use.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { registerBackend, setBackend } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { runExperiment } from './lib/lab.js';
import { experiments } from './experiments/index.js';

const { values: args, positionals } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: {
    tiny: { type: 'boolean', default: false },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: fileURLToPath(new URL('./out', import.meta.url)) },
  },
});

if (positionals.length === 0 || positionals[0] === 'list') {
  console.log('usage: pnpm run lab <id or name> … | all [--tiny] [--seed N] [--out DIR]\n');
  for (const e of experiments) console.log(`  ${e.id.padEnd(4)} ${e.name.padEnd(22)} ${e.claim}`);
  process.exit(positionals.length === 0 ? 1 : 0);
}
const chosen = positionals.includes('all')
  ? experiments
  : positionals.map((p) => {
      const e = experiments.find((x) => x.id === p.toLowerCase() || x.name === p || `${x.id}-${x.name}` === p);
      if (!e) {
        console.error(`unknown experiment '${p}'; known: ${experiments.map((x) => `${x.id} (${x.name})`).join(', ')}`);
        process.exit(2);
      }
      return e;
    });

registerBackend('cpu', createCpuBackend);
await setBackend('cpu');
const lines: string[] = [];
const started = performance.now();
for (const e of chosen) {
  console.log(`${e.id.toUpperCase()} ${e.name}: ${e.claim}`);
  const report = await runExperiment(e, { outDir: args.out!, seed: Number(args.seed), tiny: args.tiny });
  console.log(`  wrote ${report.files.length} files to ${report.dir} in ${report.seconds.toFixed(1)} s`);
  lines.push(report.verdictLine);
}
if (chosen.length > 1) {
  console.log(`\n${chosen.length} experiments in ${((performance.now() - started) / 1000).toFixed(1)} s:`);
  for (const l of lines) console.log(l);
}
