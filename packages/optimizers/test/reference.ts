/**
 * Independent float64 references for the optimizer tests: each update rule written out
 * coordinate by coordinate from its published pseudocode (PyTorch's documentation of
 * torch.optim, and the papers it cites), sharing no code with `src/`. Also the test problems
 * with their analytic gradients.
 */

export type Vec = number[];
/** One optimizer step: the new parameters from the current ones and their gradient. */
export type RefStep = (theta: Vec, grad: Vec) => Vec;

const zerosOf = (n: number): Vec => new Array<number>(n).fill(0);

/** SGD with momentum μ, dampening τ, Nesterov, weight decay λ (torch.optim.SGD). */
export function refSGD(o: { lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }): RefStep {
  const mu = o.momentum ?? 0;
  const tau = o.dampening ?? 0;
  const wd = o.weightDecay ?? 0;
  let b: Vec | null = null;
  return (theta, grad) => {
    const g = theta.map((x, i) => grad[i]! + wd * x);
    let d = g;
    if (mu !== 0) {
      const prev: Vec | null = b;
      b = prev === null ? [...g] : prev.map((bi, i) => mu * bi + (1 - tau) * g[i]!);
      const buf = b;
      d = o.nesterov ? g.map((gi, i) => gi + mu * buf[i]!) : buf;
    }
    return theta.map((x, i) => x - o.lr * d[i]!);
  };
}

/** Adagrad with lr decay η, initial accumulator, eps outside the root (torch.optim.Adagrad). */
export function refAdagrad(o: { lr: number; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number }): RefStep {
  const eta = o.lrDecay ?? 0;
  const wd = o.weightDecay ?? 0;
  const eps = o.eps ?? 1e-10;
  let sum: Vec | null = null;
  let t = 0;
  return (theta, grad) => {
    t++;
    sum ??= new Array<number>(theta.length).fill(o.initialAccumulatorValue ?? 0);
    const clr = o.lr / (1 + (t - 1) * eta);
    const out: Vec = [];
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]! + wd * theta[i]!;
      sum[i]! += g * g;
      out.push(theta[i]! - (clr * g) / (Math.sqrt(sum[i]!) + eps));
    }
    return out;
  };
}

/**
 * Adadelta (Zeiler 2012, Algorithm 1; torch.optim.Adadelta with its lr). With
 * `lagged: true`, the variant TensorFlow.js implements: RMS[g] from the previous step's
 * running average instead of the one just updated.
 */
export function refAdadelta(o: { lr: number; rho?: number; eps?: number; weightDecay?: number; lagged?: boolean }): RefStep {
  const rho = o.rho ?? 0.9;
  const eps = o.eps ?? 1e-6;
  const wd = o.weightDecay ?? 0;
  let v: Vec | null = null;
  let u: Vec | null = null;
  return (theta, grad) => {
    v ??= zerosOf(theta.length);
    u ??= zerosOf(theta.length);
    const out: Vec = [];
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]! + wd * theta[i]!;
      const vOld = v[i]!;
      v[i] = rho * vOld + (1 - rho) * g * g;
      const rmsG = Math.sqrt((o.lagged ? vOld : v[i]!) + eps);
      const delta = (Math.sqrt(u[i]! + eps) / rmsG) * g;
      u[i] = rho * u[i]! + (1 - rho) * delta * delta;
      out.push(theta[i]! - o.lr * delta);
    }
    return out;
  };
}

/** RMSprop, centered or not, with momentum (torch.optim.RMSprop). */
export function refRMSprop(o: { lr: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean }): RefStep {
  const alpha = o.alpha ?? 0.99;
  const eps = o.eps ?? 1e-8;
  const wd = o.weightDecay ?? 0;
  const mu = o.momentum ?? 0;
  let v: Vec | null = null;
  let gAvg: Vec | null = null;
  let buf: Vec | null = null;
  return (theta, grad) => {
    v ??= zerosOf(theta.length);
    gAvg ??= zerosOf(theta.length);
    buf ??= zerosOf(theta.length);
    const out: Vec = [];
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]! + wd * theta[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * g * g;
      let vTilde = v[i]!;
      if (o.centered) {
        gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * g;
        vTilde -= gAvg[i]! * gAvg[i]!;
      }
      const denom = Math.sqrt(vTilde) + eps;
      if (mu > 0) {
        buf[i] = mu * buf[i]! + g / denom;
        out.push(theta[i]! - o.lr * buf[i]!);
      } else {
        out.push(theta[i]! - (o.lr * g) / denom);
      }
    }
    return out;
  };
}

/**
 * Adam / AMSGrad (torch.optim.Adam), and AdamW's decoupled decay with `decoupled: true`
 * (torch.optim.AdamW): θ ← θ(1 − γλ) before the Adam step instead of g ← g + λθ.
 */
export function refAdam(o: { lr: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; decoupled?: boolean }): RefStep {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const wd = o.weightDecay ?? 0;
  let m: Vec | null = null;
  let v: Vec | null = null;
  let vMax: Vec | null = null;
  let t = 0;
  return (theta, grad) => {
    t++;
    m ??= zerosOf(theta.length);
    v ??= zerosOf(theta.length);
    vMax ??= zerosOf(theta.length);
    const out: Vec = [];
    for (let i = 0; i < theta.length; i++) {
      let x = theta[i]!;
      let g = grad[i]!;
      if (o.decoupled) x *= 1 - o.lr * wd;
      else g += wd * x;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      const mHat = m[i]! / (1 - b1 ** t);
      let vUse = v[i]!;
      if (o.amsgrad) {
        vMax[i] = Math.max(vMax[i]!, v[i]!);
        vUse = vMax[i]!;
      }
      const vHat = vUse / (1 - b2 ** t);
      out.push(x - (o.lr * mHat) / (Math.sqrt(vHat) + eps));
    }
    return out;
  };
}

/** Adagrad as TensorFlow.js implements it: eps inside the square root. */
export function refAdagradTfjs(o: { lr: number; initialAccumulatorValue: number; eps: number }): RefStep {
  let acc: Vec | null = null;
  return (theta, grad) => {
    acc ??= new Array<number>(theta.length).fill(o.initialAccumulatorValue);
    return theta.map((x, i) => {
      acc![i]! += grad[i]! * grad[i]!;
      return x - (o.lr * grad[i]!) / Math.sqrt(acc![i]! + o.eps);
    });
  };
}

// ----- problems ---------------------------------------------------------------------------

/** A convex quadratic ½θᵀAθ − bᵀθ with a symmetric positive definite, non-diagonal A. */
export const QUADRATIC = {
  A: [
    [3, 0.5, 0],
    [0.5, 1, 0.2],
    [0, 0.2, 0.5],
  ],
  b: [1, -2, 0.5],
  theta0: [1.5, -0.5, 2],
};

/** ∇(½θᵀAθ − bᵀθ) = Aθ − b. */
export function quadraticGrad(theta: Vec): Vec {
  return QUADRATIC.A.map((row, i) => row.reduce((s, a, j) => s + a * theta[j]!, 0) - QUADRATIC.b[i]!);
}

/** The extended Rosenbrock function Σᵢ 100(θᵢ₊₁ − θᵢ²)² + (1 − θᵢ)², in 4 dimensions. */
export const ROSENBROCK = { theta0: [-1.2, 1, -0.5, 0.8] };

/** ∇ of the extended Rosenbrock function. */
export function rosenbrockGrad(theta: Vec): Vec {
  const n = theta.length;
  const g = zerosOf(n);
  for (let i = 0; i < n - 1; i++) {
    const x = theta[i]!;
    const y = theta[i + 1]!;
    g[i]! += -400 * x * (y - x * x) - 2 * (1 - x);
    g[i + 1]! += 200 * (y - x * x);
  }
  return g;
}

/** Runs `steps` reference steps from `theta0`; returns the parameters after each step. */
export function refTrajectory(step: RefStep, grad: (theta: Vec) => Vec, theta0: Vec, steps: number): Vec[] {
  const out: Vec[] = [];
  let theta = [...theta0];
  for (let k = 0; k < steps; k++) {
    theta = step(theta, grad(theta));
    out.push(theta);
  }
  return out;
}

/** Largest per-step relative error max|a − r| / max|r| over a trajectory. */
export function trajectoryError(actual: Vec[], expected: Vec[]): number {
  let worst = 0;
  expected.forEach((r, k) => {
    const a = actual[k]!;
    const scale = Math.max(...r.map(Math.abs));
    const diff = Math.max(...r.map((x, i) => Math.abs(a[i]! - x)));
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}
