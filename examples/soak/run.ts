/**
 * Soak test: trains the main job's LeNet and the translation Transformer for thousands of steps,
 * each step inside `tidy`, and checks that live memory stays flat (see soak.ts).
 *
 *   pnpm run soak [--steps-cpu 5000] [--steps-gpu 1000] [--only lenet,transformer]
 *                 [--backends cpu,gpujs] [--every 10] [--warmup 10] [--seed 0]
 *
 * Prints, per run: steps, wall time, the start and end of every sampled series (live tensors
 * and bytes in total and for the backend, the CPU backend's WebAssembly heap in use, gpu.js's
 * live textures) and its least-squares slope per 1,000 steps. Exits 1 if any series is not
 * flat (any slope not exactly 0). gpu.js runs on headless-gl, which needs an X display: with
 * no DISPLAY set, the script runs itself again under `xvfb-run -a` when that exists.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { backendNames, formatResult, jobNames, registerSoakBackends, soak, type JobName, type SoakResult } from './soak.js';

const argv = process.argv.slice(2).filter((a) => a !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: {
    'steps-cpu': { type: 'string', default: '5000' },
    'steps-gpu': { type: 'string', default: '1000' },
    only: { type: 'string', default: jobNames.join(',') },
    backends: { type: 'string', default: backendNames.join(',') },
    every: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' },
  },
});

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      console.error(`--${flag}: unknown '${item}'; choose from ${allowed.join(', ')}`);
      process.exit(2);
    }
  }
  return items as T[];
}
const jobs = list<JobName>('only', args.only!, jobNames);
const backends = list('backends', args.backends!, backendNames);

// headless-gl needs an X display: run again under a virtual one (Debian's xvfb) if there is none.
if (backends.includes('gpujs') && !process.env.DISPLAY && spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).status === 0) {
  const again = spawnSync('xvfb-run', ['-a', process.execPath, ...process.execArgv, process.argv[1]!, ...argv], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

const steps = { cpu: Number(args['steps-cpu']), gpujs: Number(args['steps-gpu']) };
const every = Number(args.every);
const warmup = Number(args.warmup);
const seed = Number(args.seed);

registerSoakBackends();
const results: SoakResult[] = [];
let failed = false;
for (const backend of backends) {
  for (const job of jobs) {
    const total = steps[backend];
    console.log(`\n== ${job} on ${backend}: ${total} steps`);
    const tenth = Math.max(1, Math.round(total / 10));
    try {
      const r = await soak({
        job,
        backend,
        steps: total,
        every,
        warmup,
        seed,
        onStep(step, loss, s) {
          if (step % tenth === 0 || step === total) {
            console.log(`  step ${String(step).padStart(String(total).length)}/${total}  ${s.toFixed(1)} s  loss ${loss.toFixed(4)}`);
          }
        },
      });
      results.push(r);
      console.log(formatResult(r));
      if (!r.ok) failed = true;
    } catch (e) {
      failed = true;
      console.error(`  FAIL: ${(e as Error).stack ?? String(e)}`);
    }
  }
}

console.log('\nsoak summary (slopes per 1,000 steps; all must be exactly 0)');
const width = Math.max(0, ...results.map((r) => r.describe.length));
for (const r of results) {
  const slopes = r.series.map((s) => `${s.name} ${s.slope === 0 ? '0' : s.slope.toPrecision(4)}`).join(', ');
  console.log(
    `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.job.padEnd(11)} ${r.describe.padEnd(width)} ${String(r.steps).padStart(5)} steps ${r.seconds.toFixed(1).padStart(7)} s  ` +
      `tensors ${r.series[0]!.start}→${r.series[0]!.end}, bytes ${r.series[1]!.start}→${r.series[1]!.end}; slopes: ${slopes}`,
  );
}
process.exit(failed ? 1 : 0);
