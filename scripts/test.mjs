// Runs the whole vitest suite and ends with the line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const out = '.vitest-results.json';
rmSync(out, { force: true });
const vitest = ['pnpm', 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...process.argv.slice(2)];
// The gpu.js backend's Node suite runs on headless-gl, which needs an X display: without one,
// run vitest under a virtual one (Debian's xvfb). That suite fails loudly if it gets none.
const xvfb = !process.env.DISPLAY && spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).status === 0;
const [cmd, ...args] = xvfb ? ['xvfb-run', '-a', ...vitest] : vitest;
const run = spawnSync(cmd, args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
  if (r.success === false && failed === 0) failed = 1; // a suite that failed to load counts
} catch {
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
