/**
 * Every optimizer and option combination against an independent float64 reference written
 * from the published update rules (test/reference.ts): the parameter trajectory over 50 steps
 * on a convex quadratic and on the 4-D Rosenbrock function, to 1e-5 relative (per step, the
 * largest coordinate error over the largest coordinate). Gradients come from Profundo's
 * autograd in float32; the reference uses the analytic gradient in float64.
 */
import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { param, quadratic, rosenbrock, trajectory, useCpu } from './helpers.js';
import { quadraticGrad, refTrajectory, rosenbrockGrad, trajectoryError } from './reference.js';

useCpu();

const STEPS = 50;
const problems = [
  { problem: quadratic, grad: quadraticGrad },
  { problem: rosenbrock, grad: rosenbrockGrad },
];

describe.each(CASES)('$name', (c) => {
  it.each(problems)('matches the reference on $problem.name', ({ problem, grad }) => {
    const lr = c.lr[problem.name as 'quadratic' | 'rosenbrock'];
    const theta = param(problem.theta0);
    const actual = trajectory(theta, c.make([theta], lr), problem, STEPS);
    const expected = refTrajectory(c.ref(lr), grad, problem.theta0, STEPS);
    const err = trajectoryError(actual, expected);
    // The trajectory must actually move, or matching it would prove little.
    const moved = Math.max(...expected[STEPS - 1]!.map((x, i) => Math.abs(x - problem.theta0[i]!)));
    expect(moved).toBeGreaterThan(1e-3);
    expect(err).toBeLessThan(1e-5);
  });

  it.each(problems)('differs from every other configuration on $problem.name', ({ problem, grad }) => {
    // Each option combination must change the trajectory far beyond the tolerance above,
    // or an option silently ignored would still pass.
    const lr = c.lr[problem.name as 'quadratic' | 'rosenbrock'];
    const theta = param(problem.theta0);
    const actual = trajectory(theta, c.make([theta], lr), problem, STEPS);
    for (const other of CASES) {
      if (other === c) continue;
      const err = trajectoryError(actual, refTrajectory(other.ref(lr), grad, problem.theta0, STEPS));
      if (Number.isNaN(err)) continue; // that configuration diverges at this learning rate
      expect(err, other.name).toBeGreaterThan(1e-4);
    }
  });
});
