/**
 * The backends a visitor can pick: the CPU backend, and gpu.js in WebGL2 or WebGPU mode, loaded
 * only when picked (its chunk carries gpu.js, the largest part of the page's code).
 *
 * gpu.js itself falls back to other modes silently; Profundo's gpu.js backend refuses instead
 * (`createGpujsBackend` rejects when the mode it was asked for is not what runs), and the page
 * shows the mode the backend reports, never the one that was asked for.
 */
import { listBackends, registerBackend, setBackend, type Backend } from '@profundo/core';
import { createCpuBackend, type CpuBackend } from '@profundo/backend-cpu';

export type Choice = 'cpu' | 'webgl2' | 'webgpu';

export const CHOICES: readonly Choice[] = ['webgpu', 'webgl2', 'cpu'];

/** What runs, as the backend reports it. */
export interface Running {
  /** The registry name. */
  name: string;
  /** What the visitor picked. */
  choice: Choice;
  /** `'cpu'` or the gpu.js mode the backend reports (`'webgl2'`, `'webgpu'`). */
  mode: string;
  /** A line for the page, such as "gpu.js, webgl2 mode" or "CPU, relaxed-simd kernels, 1 thread". */
  label: string;
}

function register(choice: Choice): string {
  const name = choice === 'cpu' ? 'cpu' : `gpujs-${choice}`;
  if (listBackends().includes(name)) return name;
  if (choice === 'cpu') {
    registerBackend(name, async () => {
      const cpu = createCpuBackend();
      await cpu.ready;
      return cpu;
    });
  } else {
    registerBackend(name, async () => (await import('@profundo/backend-gpujs')).createGpujsBackend({ mode: choice }));
  }
  return name;
}

/** What the browser seems to offer, before trying (a GPU mode can still fail when created). */
export async function offered(): Promise<Record<Choice, boolean>> {
  let webgl2 = false;
  try {
    webgl2 = document.createElement('canvas').getContext('webgl2') !== null;
  } catch {
    webgl2 = false;
  }
  let webgpu = false;
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu) {
    try {
      webgpu = (await gpu.requestAdapter()) !== null;
    } catch {
      webgpu = false;
    }
  }
  return { cpu: true, webgl2, webgpu };
}

function describe(choice: Choice, name: string, backend: Backend): Running {
  if (choice === 'cpu') {
    const { kernels, threads } = (backend as CpuBackend).path;
    return { name, choice, mode: 'cpu', label: `CPU, ${kernels} kernels, ${threads} thread${threads === 1 ? '' : 's'}` };
  }
  const mode = String((backend as Backend & { mode?: unknown }).mode);
  return { name, choice, mode, label: `GPU (gpu.js), ${mode} mode` };
}

/** Makes `choice` the current backend; rejects with the backend's error when it cannot run here. */
export async function use(choice: Choice): Promise<Running> {
  const name = register(choice);
  const backend = await setBackend(name);
  return describe(choice, name, backend);
}
