/**
 * The optional PyTorch CPU column: bench/torch_bench.py in a subprocess (Debian's python3-torch;
 * nothing installs it for CI). Python runs the same workloads one group at a time, after the
 * in-process libraries, with the same timing policy; for training steps it gets the same initial
 * weights and batch through raw files, and for the per-op overhead workloads the (tiny) inputs
 * and the expected result inline.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostTensor } from '../harness/data.js';
import type { MeasureOptions } from '../harness/measure.js';
import { smallOpExpected, smallOpInputs, tinyStepExpected, tinyStepInputs, type DispatchCase } from '../workloads/dispatch.js';
import { LENET, MLP, STATE_DICT_KEYS, TRANSFORMER, stepData } from '../workloads/steps.js';
import type { Cell, Workload } from './types.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'torch_bench.py');
const THREADS = 2;

export interface Torch {
  readonly python: string;
  readonly version: string;
  readonly threads: number;
  /** Runs `workloads` in Python; a cell per workload id. */
  run(workloads: readonly Workload[], opts: MeasureOptions, log: (line: string) => void): Promise<Map<string, Cell>>;
}

/** Finds a Python that imports torch (`$PYTHON`, `python3`, then Debian's `/usr/bin/python3`). */
export function findTorch(): Torch | null {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const python of new Set(candidates)) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return torchIn(python, r.stdout.trim());
  }
  return null;
}

function torchIn(python: string, version: string): Torch {
  return {
    python,
    version,
    threads: THREADS,
    async run(workloads, opts, log) {
      const dir = mkdtempSync(join(tmpdir(), 'profundo-bench-'));
      try {
        const cases = workloads.map((w) =>
          w.kind === 'step' ? { ...w, ...stepFiles(w.model, dir) } : w.kind === 'dispatch' ? { ...w, ...dispatchData(w) } : w,
        );
        const out = await runPython(python, JSON.stringify({ threads: THREADS, options: opts, cases }), log);
        const parsed = JSON.parse(out.trim().split('\n').pop()!) as { results: Record<string, Cell> };
        return new Map(Object.entries(parsed.results).map(([id, c]) => [id, normalize(c)]));
      } catch (e) {
        log(`  torch failed: ${(e as Error).message.split('\n')[0]}`);
        return new Map(workloads.map((w) => [w.id, { na: 'err', detail: (e as Error).message }]));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function normalize(c: Cell): Cell {
  return 'ms' in c && (c.first === null || c.first === undefined) ? { ms: c.ms, runs: c.runs } : c;
}

/** Writes a step's weights (under PyTorch state-dict keys) and batch as raw files. */
function stepFiles(model: keyof typeof STATE_DICT_KEYS, dir: string) {
  const d = stepData(model);
  const file = (name: string, t: HostTensor) => {
    const path = join(dir, `${model}.${name}.bin`);
    writeFileSync(path, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
    return { file: path, shape: t.shape, dtype: t.values instanceof Int32Array ? 'int32' : 'float32' };
  };
  const keys = STATE_DICT_KEYS[model];
  return {
    sizes: { mlp: MLP, transformer: TRANSFORMER, lenet: LENET }[model],
    tensors: {
      params: Object.fromEntries(Object.entries(d.params).map(([k, t]) => [keys[k]!, file(k, t)])),
      x: file('x', d.x),
      y: file('y', d.y),
    },
  };
}

/** A per-op overhead workload's inputs and expected result, as plain numbers. */
function dispatchData(c: DispatchCase) {
  const plain = (t: HostTensor) => ({ shape: t.shape, values: Array.from(t.values) });
  if (c.op === 'add') {
    const { a, b } = smallOpInputs();
    return { tensors: { a: plain(a), b: plain(b) }, expected: Array.from(smallOpExpected()) };
  }
  const { x, w } = tinyStepInputs();
  return { tensors: { x: plain(x), w: plain(w) }, expected: Array.from(tinyStepExpected()) };
}

function runPython(python: string, input: string, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n')) if (line.trim()) log(`  ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${python} ${SCRIPT} exited with ${code}`))));
    child.stdin.end(input);
  });
}
