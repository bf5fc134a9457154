/**
 * Every optimizer and option combination against an independent float64 reference written
 * from the published update rules (test/reference.ts): the parameter trajectory over 50 steps
 * on a convex quadratic and on the 4-D Rosenbrock function, to 1e-5 relative (per step, the
 * largest coordinate error over the largest coordinate). Gradients come from Profundo's
 * autograd in float32; the reference uses the analytic gradient in float64.
 *
 * On every backend of BACKENDS with the same bound. Measured worst errors, the same on both
 * backends: 2.5e-6 (SGD Nesterov on Rosenbrock); gpu.js differs from the CPU backend's error
 * only in the last float32 bits of a few cases (e.g. Adagrad on the quadratic, 1.3e-7 vs 1.9e-7).
 */
import { describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { BACKENDS, param, quadratic, rosenbrock, trajectory, useBackend, type Problem } from './helpers.js';
import { quadraticGrad, refTrajectory, rosenbrockGrad, trajectoryError, type Vec } from './reference.js';

const STEPS = 50;
const problems = [
  { problem: quadratic, grad: quadraticGrad },
  { problem: rosenbrock, grad: rosenbrockGrad },
];

describe.each(BACKENDS)('on $name', (backend) => {
  useBackend(backend);

  describe.each(CASES)('$name', (c) => {
    // Both tests below read the same 50-step trajectory; it is computed once per problem
    // (kernel launches and readbacks dominate on gpu.js).
    const actualOn = new Map<string, Vec[]>();
    const run = (problem: Problem): Vec[] => {
      let actual = actualOn.get(problem.name);
      if (!actual) {
        const theta = param(problem.theta0);
        expect(theta.backendName).toBe(backend.name);
        actual = trajectory(theta, c.make([theta], c.lr[problem.name as 'quadratic' | 'rosenbrock']), problem, STEPS);
        actualOn.set(problem.name, actual);
      }
      return actual;
    };

    it.each(problems)('matches the reference on $problem.name', ({ problem, grad }) => {
      const lr = c.lr[problem.name as 'quadratic' | 'rosenbrock'];
      const actual = run(problem);
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
      const actual = run(problem);
      for (const other of CASES) {
        if (other === c) continue;
        const err = trajectoryError(actual, refTrajectory(other.ref(lr), grad, problem.theta0, STEPS));
        if (Number.isNaN(err)) continue; // that configuration diverges at this learning rate
        expect(err, other.name).toBeGreaterThan(1e-4);
      }
    });
  });
});
