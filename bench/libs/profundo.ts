/**
 * Profundo's CPU backend, one column per kernel path. Each path is its own registered backend
 * (`bench-pf-<kernels>-<threads>t`), made with `createCpuBackend({ kernels, threads })`; the
 * column is labelled from what the backend reports running (`backend.path`), falling back to
 * the request. Matmul and conv call the backend's kernels directly on tensors written once;
 * training steps and the per-op overhead workloads run through core's ops, autograd and
 * `tidy` on the path's backend.
 */
import * as pf from '@profundo/core';
import { createCpuBackend } from '@profundo/backend-cpu';
import type { HostTensor } from '../harness/data.js';
import type { ConvCase } from '../workloads/conv.js';
import { convInputs } from '../workloads/conv.js';
import {
  checkResult,
  smallOpExpected,
  smallOpInputs,
  tinyStepExpected,
  tinyStepInputs,
  type DispatchCase,
} from '../workloads/dispatch.js';
import type { MatmulCase } from '../workloads/matmul.js';
import { matmulInputs } from '../workloads/matmul.js';
import type { StepCase } from '../workloads/steps.js';
import { stepModel, tensor } from './profundo-models.js';
import { NotAvailable, type Library, type Runner, type Workload } from './types.js';

export type KernelPath = 'js' | 'simd' | 'relaxed-simd';

export interface PathRequest {
  readonly kernels: KernelPath;
  readonly threads: number;
}

/** The paths benchmarked, in column order. */
export const PROFUNDO_PATHS: readonly PathRequest[] = [
  { kernels: 'js', threads: 1 },
  { kernels: 'simd', threads: 1 },
  { kernels: 'simd', threads: 2 },
  { kernels: 'relaxed-simd', threads: 2 },
];

/** `pf js`, `pf simd 2t`, `pf relaxed 2t`, … */
export function pathLabel(p: PathRequest): string {
  const k = p.kernels === 'relaxed-simd' ? 'relaxed' : p.kernels;
  return p.kernels === 'js' && p.threads === 1 ? 'pf js' : `pf ${k} ${p.threads}t`;
}

/** The options-taking factory (typed loosely so this file also runs against an older backend). */
type Factory = (options: PathRequest) => pf.Backend & { ready?: Promise<void>; path?: PathRequest };
const createBackend = createCpuBackend as unknown as Factory;

/**
 * Registers and starts one backend per path (waiting for its worker threads). A path that
 * fails to start still gets its column, whose cells read "err".
 */
export async function profundoLibraries(log: (line: string) => void): Promise<Library[]> {
  const libs: Library[] = [];
  for (const req of PROFUNDO_PATHS) {
    const name = `bench-pf-${req.kernels}-${req.threads}t`;
    pf.registerBackend(name, async () => {
      const b = createBackend({ ...req });
      await b.ready;
      return b;
    });
    try {
      const backend = await pf.setBackend(name);
      const actual = (backend as { path?: PathRequest }).path;
      let column = pathLabel(actual ?? req);
      if (column !== pathLabel(req)) log(`${pathLabel(req)}: the backend runs ${column}`);
      if (libs.some((l) => l.column === column)) column += ` (asked ${pathLabel(req)})`;
      libs.push(new ProfundoPath(column, name, backend));
    } catch (e) {
      log(`${pathLabel(req)}: backend failed to start: ${(e as Error).message}`);
      libs.push(brokenLibrary(pathLabel(req), e));
    }
  }
  return libs;
}

function brokenLibrary(column: string, error: unknown): Library {
  return {
    column,
    profundo: true,
    prepare() {
      throw error;
    },
  };
}

class ProfundoPath implements Library {
  readonly profundo = true;
  constructor(
    readonly column: string,
    private readonly name: string,
    private readonly backend: pf.Backend,
  ) {}

  async activate(): Promise<void> {
    await pf.setBackend(this.name);
  }

  prepare(w: Workload): Runner {
    switch (w.kind) {
      case 'matmul':
        return this.matmul(w);
      case 'conv':
        return this.conv(w);
      case 'step':
        return step(w);
      case 'dispatch':
        return dispatch(w);
    }
  }

  private write(t: HostTensor): pf.TensorInfo {
    const dtype = t.values instanceof Int32Array ? 'int32' : 'float32';
    return { handle: this.backend.write(t.values, t.shape, dtype), shape: t.shape, dtype };
  }

  private matmul(c: MatmulCase): Runner {
    const be = this.backend;
    const { a, b } = matmulInputs(c);
    const ai = this.write({ shape: [1, ...a.shape], values: a.values });
    const bi = this.write({ shape: [1, ...b.shape], values: b.values });
    return {
      run: () => be.dispose(be.matmul(ai, bi, c.transA, c.transB)),
      dispose: () => [ai, bi].forEach((t) => be.dispose(t.handle)),
    };
  }

  private conv(c: ConvCase): Runner {
    const be = this.backend;
    const f = be.fused;
    const params: pf.Conv2dParams = { stride: [1, 1], padding: [c.pad, c.pad, c.pad, c.pad], dilation: [1, 1], groups: 1 };
    const { x: hx, w: hw, dy: hdy } = convInputs(c);
    const kernel =
      c.pass === 'forward' ? f?.conv2d : c.pass === 'input' ? f?.conv2dBackpropInput : f?.conv2dBackpropFilter;
    if (!kernel) throw new NotAvailable(`the backend has no fused ${c.pass} conv kernel`);
    const x = this.write(hx);
    const w = this.write(hw);
    const dy = this.write(hdy);
    const call =
      c.pass === 'forward'
        ? () => f!.conv2d!(x, w, params)
        : c.pass === 'input'
          ? () => f!.conv2dBackpropInput!(dy, w, x.shape, params)
          : () => f!.conv2dBackpropFilter!(x, dy, w.shape, params);
    return {
      run: () => be.dispose(call()),
      dispose: () => [x, w, dy].forEach((t) => be.dispose(t.handle)),
    };
  }
}

// ----- training steps (on the current backend) -------------------------------------------------

function step(c: StepCase): Runner {
  const { x, y, params, opt, loss } = stepModel(c);
  return {
    run: () =>
      pf.tidy(() => {
        opt.zeroGrad();
        const l = loss(x, y);
        l.backward();
        opt.step();
        return l.item();
      }),
    dispose: () => {
      opt.zeroGrad();
      pf.dispose([x, y, ...params]);
    },
  };
}

// ----- per-op overhead (on the current backend) ------------------------------------------------

function dispatch(c: DispatchCase): Runner {
  if (c.op === 'add') {
    const { a: ha, b: hb } = smallOpInputs();
    const a = tensor(ha);
    const b = tensor(hb);
    const sum = pf.add(a, b);
    checkResult('add', sum.dataSync(), smallOpExpected());
    sum.dispose();
    return {
      run: () =>
        pf.tidy(() => {
          for (let i = 0; i < c.repeat; i++) pf.add(a, b);
        }),
      dispose: () => pf.dispose([a, b]),
    };
  }

  const { x: hx, w: hw } = tinyStepInputs();
  const x = tensor(hx);
  const w = tensor(hw).requiresGrad_();
  /** One step: forward and backward; W's gradient must be there (read only to check) and is freed. */
  const once = (check = false): void =>
    pf.tidy(() => {
      pf.relu(pf.matmul(x, w)).sum().backward();
      const g = w.grad;
      if (g === null) throw new Error('backward left W without a gradient');
      if (check) checkResult('dW', g.dataSync(), tinyStepExpected());
      g.dispose();
      w.grad = null;
    });
  once(true);
  return {
    run: () => {
      for (let i = 0; i < c.repeat; i++) once();
    },
    dispose: () => pf.dispose([x, w]),
  };
}
