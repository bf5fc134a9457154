/**
 * C7: "GPUs parallelize matrix products".
 *
 * Times square matrix products of growing size on every backend that runs here: the CPU
 * backend's plain-TypeScript path (one thread), its WebAssembly SIMD path on one thread and on
 * every core, and the gpu.js backend on headless-gl when an X display is available (run under
 * `xvfb-run -a`). Throughput (GFLOP/s) against size shows where each one's parallelism pays.
 * The same command measures a real GPU on a machine that has one.
 */
import { getBackendName, listBackends, matmul, randn, registerBackend, setBackend, tidy } from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import { r, type Experiment } from '../lib/lab.js';
import { lineChart } from '../lib/plot.js';

interface Target {
  name: string;
  label: string;
  register: () => void;
  maxSize: number;
}

async function time(size: number, repeats: number): Promise<number> {
  const [a, b] = [randn([size, size]), randn([size, size])];
  await tidy(() => matmul(a, b)).data(); // warm-up: kernel compilation, worker start
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const c = matmul(a, b);
    await c.data(); // include the readback: a GPU runs asynchronously
    times.push(performance.now() - t0);
    c.dispose();
  }
  a.dispose();
  b.dispose();
  return times.sort((x, y) => x - y)[Math.floor(times.length / 2)]! / 1000;
}

export const matmulBackends: Experiment = {
  id: 'c7',
  name: 'matmul-backends',
  claim: 'GPUs parallelize matrix products',
  async run(ctx) {
    const sizes = ctx.tiny ? [16, 64] : [32, 64, 128, 256, 512];
    const repeats = ctx.tiny ? 1 : 5;
    const reg = (name: string, make: () => unknown) => () => {
      if (!listBackends().includes(name)) registerBackend(name, make as never);
    };
    const targets: Target[] = [
      { name: 'lab-cpu-js', label: 'CPU, plain TypeScript, 1 thread', register: reg('lab-cpu-js', () => createCpuBackend({ kernels: 'js', threads: 1 })), maxSize: 512 },
      { name: 'lab-cpu-simd-1', label: 'CPU, WebAssembly SIMD, 1 thread', register: reg('lab-cpu-simd-1', () => createCpuBackend({ threads: 1 })), maxSize: 512 },
      { name: 'lab-cpu-simd-all', label: 'CPU, WebAssembly SIMD, all cores', register: reg('lab-cpu-simd-all', () => createCpuBackend()), maxSize: 512 },
      {
        name: 'lab-gpujs',
        label: 'GPU: gpu.js on headless-gl',
        register: reg('lab-gpujs', async () => (await import('@profundo/backend-gpujs')).createGpujsBackend({ mode: 'headlessgl' })),
        maxSize: ctx.tiny ? 64 : 256,
      },
    ];
    const previous = getBackendName();
    const rows: { backend: string; size: number; seconds: number; gflops: number }[] = [];
    const unavailable: { backend: string; reason: string }[] = [];
    try {
      for (const t of targets) {
        t.register();
        try {
          await setBackend(t.name);
        } catch (e) {
          unavailable.push({ backend: t.label, reason: (e as Error).message });
          ctx.log(`${t.label}: not available here (${(e as Error).message})`);
          continue;
        }
        for (const size of sizes.filter((s) => s <= t.maxSize)) {
          const seconds = await time(size, repeats);
          rows.push({ backend: t.label, size, seconds, gflops: (2 * size ** 3) / seconds / 1e9 });
          ctx.log(`${t.label}, ${size}×${size}: ${(seconds * 1000).toFixed(2)} ms, ${((2 * size ** 3) / seconds / 1e9).toFixed(2)} GFLOP/s`);
        }
      }
    } finally {
      await setBackend(previous ?? 'cpu');
    }
    const at = (label: string) => rows.filter((x) => x.backend === label);
    const peak = (label: string) => Math.max(0, ...at(label).map((x) => x.gflops));
    const js = peak(targets[0]!.label);
    const one = peak(targets[1]!.label);
    const all = peak(targets[2]!.label);
    const gpu = at(targets[3]!.label);
    const gpuGrows = gpu.length > 1 && gpu.at(-1)!.gflops > 3 * gpu[0]!.gflops;
    const gpuBeatsCpu = gpu.length > 0 && peak(targets[3]!.label) > all;
    const cpuThreads = all / one;
    const verdict = gpu.length === 0 ? 'holds partly' : gpuBeatsCpu && gpuGrows ? 'holds' : 'holds partly';
    const gpuText =
      gpu.length === 0
        ? `no GPU backend ran here (${unavailable.map((u) => u.reason).join('; ')}), so only the CPU's parallelism is measured`
        : `the GPU backend's throughput grows ${gpuGrows ? '' : 'only '}from ${gpu[0]!.gflops.toFixed(2)} to ${gpu.at(-1)!.gflops.toFixed(2)} GFLOP/s with size and peaks ${gpuBeatsCpu ? 'above' : 'below'} the CPU's ${all.toFixed(1)}` +
          (gpuBeatsCpu ? '' : ' — where the "GPU" is a software renderer (on the 2-core development machines, Mesa under Xvfb, running on the same CPU cores) this shows the programming model, not GPU hardware; the same command measures a real GPU where there is one');
    return {
      verdict,
      because: `peak throughput: plain TypeScript ${js.toFixed(1)} GFLOP/s, WebAssembly SIMD ${one.toFixed(1)} on one thread and ${all.toFixed(1)} on all cores (×${cpuThreads.toFixed(2)} from threads${cpuThreads < 1.3 ? ': little or nothing, as when the cores are busy with other work' : ''}); ${gpuText}`,
      data: 'seeded standard-normal square float32 matrices',
      budget: `sizes ${sizes.join(', ')} (GPU up to ${targets[3]!.maxSize}), median of ${repeats} timed products after one warm-up, readback included`,
      numbers: { timings: rows.map((x) => ({ ...x, seconds: r(x.seconds), gflops: r(x.gflops) })), unavailable },
      plots: {
        throughput: lineChart(rows, { x: 'size', y: 'gflops', series: 'backend', title: 'Matrix product throughput against size', xTitle: 'n (n×n times n×n)', yTitle: 'GFLOP/s', logX: true, logY: true, points: true }),
        time: lineChart(rows, { x: 'size', y: 'seconds', series: 'backend', title: 'Matrix product time against size', xTitle: 'n (n×n times n×n)', yTitle: 'seconds (median)', logX: true, logY: true, points: true }),
      },
    };
  },
};
