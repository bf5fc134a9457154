/**
 * The benchmark suite: Profundo's CPU backend on each kernel path against TensorFlow.js (CPU and
 * WASM backends), jax-js (wasm) and, where Python can import it, PyTorch (CPU, 2 threads), on
 * matmul, conv2d, whole training steps and the per-op overhead of tiny ops and tiny
 * forward+backward steps. Everything except PyTorch runs in this one process;
 * for each workload every library is timed in interleaved rounds (see harness/measure.ts) and
 * each cell is a median.
 *
 * Run from the repository root:
 *
 *     pnpm bench                       # everything (about 10 minutes on 2 cores; keep the machine idle)
 *     pnpm bench --quick               # smoke run: few rounds, rough numbers
 *     pnpm bench --only matmul,steps   # some groups: matmul, conv, steps, dispatch
 *     pnpm bench --out results.md      # write the report elsewhere
 *
 * Prints a table per group and writes the same as Markdown, headed by the machine it ran on, to
 * apps/docs/guides/benchmarks.md. A library that throws on a workload gets "err" there and the
 * run goes on; "n/a" marks a workload a library lacks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, relaxedSimdEnabled } from './harness/machine.js';
import { FULL, QUICK, measureWorkload, type MeasureOptions } from './harness/measure.js';
import { renderGroup, type GroupResult } from './harness/report.js';
import { jaxLibraries, jitColumn } from './libs/jax.js';
import { profundoLibraries } from './libs/profundo.js';
import { tfjsLibraries } from './libs/tfjs.js';
import { findTorch } from './libs/torch.js';
import type { Cell, Library, Runner, Workload } from './libs/types.js';
import { convCases } from './workloads/conv.js';
import { dispatchCases } from './workloads/dispatch.js';
import { matmulCases } from './workloads/matmul.js';
import { stepCases } from './workloads/steps.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Group {
  readonly title: string;
  readonly workloads: readonly Workload[];
  /** Markdown printed under the title, before the tables. */
  readonly about?: string;
}

const GROUPS = {
  matmul: { title: 'Matmul (float32)', workloads: matmulCases },
  conv: { title: 'Conv2d x[64,32,14,14] ⊛ w[64,32,5,5], pad 2, stride 1', workloads: convCases },
  steps: { title: 'Training steps (forward, backward, optimizer update)', workloads: stepCases },
  dispatch: {
    title: 'Per-op overhead',
    workloads: dispatchCases,
    about: [
      'What a small op costs from the user\'s call to its result, where the arithmetic is negligible: one timed call runs',
      '1,000 `add`s of two float32 [8] tensors (small op), or 100 forward+backward passes of `relu(x·W).sum()` with',
      'x [1,8] and W [8,8] requiring grad (tiny step: the step checks that W\'s gradient exists but does not read it); the',
      'table gives µs per op or per step. Profundo and tfjs run the adds inside one `tidy` and each step inside its own',
      '(Profundo: `backward()`, then W\'s `.grad` disposed and cleared; tfjs: `tf.variableGrads` of a `tf.Variable`).',
      'jax-js\'s usual column runs eagerly here, without `jit`, and awaits each result (`blockUntilReady`: its ops are',
      'lazy) before disposing it; its second column, "… jit", runs the same `grad` under `jit` (the small op stays eager).',
      'PyTorch is a plain Python loop (`torch.add`; `backward()`, then `W.grad = None`). Every library checks one result',
      'against the expected values before it is timed.',
    ].join('\n'),
  },
} as const satisfies Record<string, Group>;
type GroupName = keyof typeof GROUPS;

interface Args {
  quick: boolean;
  only: GroupName[];
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: Object.keys(GROUPS) as GroupName[], out: resolve(ROOT, 'apps/docs/guides/benchmarks.md') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') args.quick = true;
    else if (flag === '--only') {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(n in GROUPS));
      if (unknown.length) throw new Error(`--only: unknown group ${unknown.join(', ')} (groups: ${Object.keys(GROUPS).join(', ')})`);
      args.only = names as GroupName[];
    } else if (flag === '--out') args.out = resolve(value());
    else if (flag !== '--') throw new Error(`unknown argument ${flag} (flags: --quick, --only ${Object.keys(GROUPS).join(',')}, --out FILE)`);
  }
  return args;
}

/** A library that failed to start: every cell says why. */
function unavailable(column: string, error: unknown, kinds?: Library['kinds']): Library {
  return {
    column,
    profundo: false,
    kinds,
    prepare(): Runner {
      throw error;
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const opts: MeasureOptions = args.quick ? QUICK : FULL;
  const log = (line: string): void => console.error(line);
  const machine = machineInfo();
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}${args.quick ? ' — quick run' : ''}\n`);

  // Profundo first: a relaxed-SIMD path sets V8's flag, which jax-js probes at its first kernel.
  const libs: Library[] = [...(await profundoLibraries(log))];
  libs.push(...(await tfjsLibraries().catch((e) => [unavailable('tfjs-cpu', e), unavailable('tfjs-wasm', e)])));
  const relaxed = relaxedSimdEnabled();
  libs.push(...(await jaxLibraries(relaxed).catch((e) => [unavailable('jax-js', e), unavailable(jitColumn('jax-js'), e, ['dispatch'])])));
  const torch = findTorch();

  const settings = [
    `- Profundo columns: ${libs.filter((l) => l.profundo).map((l) => l.column).join(', ')} (kernel path and threads as the backend reports them)`,
    `- relaxed SIMD (V8 \`--experimental-wasm-relaxed-simd\`) on when jax-js started: ${relaxed ? 'yes, so jax-js emits relaxed FMA (column "jax-js relaxed")' : 'no, so jax-js runs without FMA (column "jax-js")'}`,
    `- jax-js 0.1.25, wasm device, 1 thread; TensorFlow.js 4.22.0; tfjs-wasm runs SIMD on 1 thread`,
    `- PyTorch: ${torch ? `${torch.version} (${torch.python}), ${torch.threads} threads` : 'not available (python3 cannot import torch): its column is blank'}`,
  ];
  console.log(settings.join('\n') + '\n');

  const sections: string[] = [];
  for (const name of args.only) {
    const group: Group = GROUPS[name];
    const about = group.about ? `${group.about}\n\n` : '';
    console.log(`## ${group.title}\n${group.about ? `\n${group.about}\n` : ''}`);
    // A column limited to some kinds of workload (jax-js's jit column) shows only in their groups.
    const groupLibs = libs.filter((l) => !l.kinds || group.workloads.some((w) => l.kinds!.includes(w.kind)));
    const columns = [...groupLibs.map((l) => ({ name: l.column, profundo: l.profundo })), { name: 'torch', profundo: false }];
    const cells = new Map<string, Map<string, Cell>>();
    for (const w of group.workloads) {
      const t0 = Date.now();
      cells.set(w.id, await measureWorkload(groupLibs, w, opts, log));
      log(`  ${w.id}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    if (torch) {
      const t0 = Date.now();
      const cpu0 = process.cpuUsage();
      const results = await torch.run(group.workloads, opts, log);
      for (const [id, cell] of results) cells.get(id)?.set('torch', cell);
      // Idle worker threads of this process should not compete with Python for the cores.
      const cpu = process.cpuUsage(cpu0);
      log(`  torch: ${((Date.now() - t0) / 1000).toFixed(1)} s (this process meanwhile: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU)`);
    }
    const result: GroupResult = { title: group.title, workloads: group.workloads, columns, cells };
    const text = renderGroup(result);
    console.log(text + '\n');
    sections.push(`## ${group.title}\n\n${about}${text}\n`);
  }

  const doc = [
    '# Benchmarks',
    '',
    `<!-- Written by \`pnpm bench${args.quick ? ' --quick' : ''}${args.only.length < Object.keys(GROUPS).length ? ` --only ${args.only.join(',')}` : ''}\` (bench/run.ts); rerun it rather than editing. -->`,
    '',
    `Measured ${machine.date} on ${machine.cpu} (${machine.cores} cores, ${machine.platform}), Node ${machine.node}.` +
      (args.quick ? ' **Quick smoke run**: few rounds, so the figures are rough.' : ''),
    '',
    ...settings,
    '',
    'Every library except PyTorch runs in one Node process. For each workload, every library is warmed up, then timed in',
    'interleaved rounds (each round gives each library a turn of a few calls, in rotating order); a cell is the median of',
    'all its calls. Matmul and conv time one call of the library\'s kernel on inputs written beforehand, reading nothing',
    'back (Profundo: the backend\'s `matmul` / `fused.conv2d*` kernels; tfjs: its ops and kernels; jax-js: a `jit`-ed',
    'function, waited for). A training step is forward, backward and optimizer update with the loss read back. Times',
    'vary from machine to machine and run to run: compare columns within one run, not across runs.',
    'A call slower than 60 s, measured or estimated from the same call on one sample of the batch, is not timed: "n/a (>60 s)".',
    '"n/a": the library lacks the workload; "err": it threw (the notes under each table say why).',
    '',
    ...sections,
  ].join('\n');
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, doc);
  console.log(`Wrote ${relative(process.cwd(), args.out) || args.out}`);
}

try {
  await main();
  process.exit(0); // worker threads of the Profundo backends would keep the process alive
} catch (e) {
  console.error(e);
  process.exit(1);
}
