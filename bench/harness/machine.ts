/** What the report says about the machine and the engine it ran on. */
import os from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
  };
}

/**
 * Whether this engine accepts relaxed-SIMD WebAssembly now: a module with one
 * `f32x4.relaxed_madd`, the probe jax-js itself uses. Node 20 accepts it only once V8's
 * `--experimental-wasm-relaxed-simd` is set (on the command line or by @profundo/backend-cpu).
 */
export function relaxedSimdEnabled(): boolean {
  const probe = '0061736d0100000001080160037b7b7b017b030201000a0d010b00200020012002fd85020b';
  const bytes = Uint8Array.from(probe.match(/../g)!.map((h) => parseInt(h, 16)));
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}
