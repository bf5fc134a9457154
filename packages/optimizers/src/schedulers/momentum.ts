/**
 * Momentum cycling shared by {@link CyclicLR} and {@link OneCycleLR}: which groups have a
 * momentum (`momentum`, as SGD and RMSprop) or a first beta (`betas[0]`, as Adam and AdamW).
 *
 * @module
 */
import { ValueError } from '@profundo/core';
import type { SchedulerTarget } from './lr-scheduler.js';

/** A group as momentum cycling sees it. */
type MomentumGroup = { momentum?: unknown; betas?: unknown };

/** @internal Throws (naming `op`) unless every group has a momentum or betas to cycle. */
export function checkMomentumGroups(op: string, optimizer: SchedulerTarget): void {
  optimizer.paramGroups.forEach((g, i) => {
    const m = g as MomentumGroup;
    if (typeof m.momentum !== 'number' && !(Array.isArray(m.betas) && m.betas.length === 2)) {
      throw new ValueError(op, `cycleMomentum needs an optimizer with 'momentum' or 'betas' (SGD, RMSprop, Adam, AdamW), and group ${i} has neither; pass cycleMomentum: false`);
    }
  });
}

/** @internal Sets group `i`'s momentum (or `betas[0]`) to `value`. */
export function setMomentum(optimizer: SchedulerTarget, i: number, value: number): void {
  const g = optimizer.paramGroups[i] as MomentumGroup;
  if (Array.isArray(g.betas)) g.betas = [value, g.betas[1]];
  else g.momentum = value;
}

/** @internal A per-group option: one number for all groups, or one per group; checked. */
export function perGroup(op: string, name: string, value: number | readonly number[] | undefined, n: number, fallback?: number): number[] {
  const v = value ?? fallback;
  if (v === undefined) throw new ValueError(op, `${name} is required`);
  const list = typeof v === 'number' ? Array.from({ length: n }, () => v) : Array.isArray(v) ? [...v] : null;
  if (!list || list.length !== n) {
    throw new ValueError(op, `${name} must be a number or one number per group (${n}), got ${Array.isArray(v) ? `${v.length} values` : String(v)}`);
  }
  list.forEach((x, i) => {
    if (!(Number.isFinite(x) && x >= 0)) throw new ValueError(op, `${name}${list.length > 1 ? `[${i}]` : ''} must be a finite number >= 0, got ${x}`);
  });
  return list;
}

/**
 * @internal Records `rates` as the groups' initial rates where none is recorded (PyTorch starts
 * CyclicLR and OneCycleLR from their own rates), then runs `start`; if it throws, the groups'
 * `initialLr` are restored, so a scheduler that fails to build leaves the optimizer as it was.
 */
export function startAt(optimizer: SchedulerTarget, rates: readonly number[], start: () => void): void {
  const saved = optimizer.paramGroups.map((g) => g.initialLr);
  optimizer.paramGroups.forEach((g, i) => {
    if (g.initialLr === undefined) g.initialLr = rates[i]!;
  });
  try {
    start();
  } catch (e) {
    optimizer.paramGroups.forEach((g, i) => {
      if (saved[i] === undefined) delete g.initialLr;
      else g.initialLr = saved[i];
    });
    throw e;
  }
}
