/**
 * jax-js 0.1.25 on its `wasm` device (one thread in Node, which has no global `Worker`). Every
 * workload is a `jit`-compiled function: the matmul, the conv and its gradients (through `vjp`,
 * which jit's simplification trims to the one product needed), and whole training steps
 * (value-and-grad plus the optimizer update). jax-js arrays are lazy and reference-counted: each
 * timed call waits for its result, and passes `.ref` for arrays it uses again.
 *
 * The per-op overhead group is the exception: there the `jax-js` column runs eagerly (no `jit`),
 * waiting for each op's or step's result, and a second column, `jax-js jit` (only in that group),
 * runs the tiny step's `grad` under `jit`.
 *
 * jax-js emits relaxed-SIMD FMA only when the engine validates it, which Node 20 does only under
 * V8's `--experimental-wasm-relaxed-simd` (set by @profundo/backend-cpu when a relaxed path
 * starts); it probes once, at its first kernel, so create the Profundo backends first.
 */
import type * as Jax from '@jax-js/jax';
import type { HostTensor } from '../harness/data.js';
import { encoderLayerWeights, oneHot, permute, reshape } from '../harness/data.js';
import { convInputs, type ConvCase } from '../workloads/conv.js';
import {
  checkResult,
  smallOpExpected,
  smallOpInputs,
  tinyStepExpected,
  tinyStepInputs,
  type DispatchCase,
} from '../workloads/dispatch.js';
import { matmulInputs, type MatmulCase } from '../workloads/matmul.js';
import { LENET, TRANSFORMER, stepData, type StepCase } from '../workloads/steps.js';
import { NotAvailable, type Library, type Runner, type Workload } from './types.js';

type JaxModule = typeof Jax;
type Arr = Jax.Array;
type Params = Record<string, Arr>;

/** The column of {@link jaxLibraries}' `jit` library (per-op overhead only). */
export const jitColumn = (column: string): string => `${column} jit`;

/**
 * Starts jax-js on its wasm device: its column, which reads `jax-js relaxed` when relaxed SIMD
 * is enabled at this point (so jax-js's matmul kernels use FMA), else `jax-js`; and the `jit`
 * column of the per-op overhead group.
 */
export async function jaxLibraries(relaxed: boolean): Promise<Library[]> {
  const jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${devices.join(', ')})`);
  jax.defaultDevice('wasm');
  const lib = new JaxJs(jax, relaxed ? 'jax-js relaxed' : 'jax-js');
  const jitted: Library = {
    column: jitColumn(lib.column),
    profundo: false,
    kinds: ['dispatch'],
    prepare: (w) => {
      if (w.kind !== 'dispatch') throw new NotAvailable('this column is for the per-op overhead group only');
      return lib.dispatch(w, true);
    },
  };
  return [lib, jitted];
}

class JaxJs implements Library {
  readonly profundo = false;
  constructor(
    private readonly jax: JaxModule,
    readonly column: string,
  ) {}

  array(h: HostTensor): Arr {
    const np = this.jax.numpy;
    return np.array(h.values, { shape: [...h.shape], dtype: h.values instanceof Int32Array ? np.int32 : np.float32 });
  }

  prepare(w: Workload): Runner {
    switch (w.kind) {
      case 'matmul':
        return this.matmul(w);
      case 'conv':
        return this.conv(w);
      case 'step':
        return this.step(w);
      case 'dispatch':
        return this.dispatch(w, false);
    }
  }

  /**
   * Per-op overhead, eager unless `jitted`: every op's or step's result is awaited
   * (`blockUntilReady`: jax-js only dispatches a pending kernel when asked) and disposed.
   */
  dispatch(c: DispatchCase, jitted: boolean): Runner {
    const { numpy: np, nn, grad, jit } = this.jax;
    if (c.op === 'add') {
      if (jitted) throw new NotAvailable(`the small op is timed eagerly (column ${this.column}); jit is for the tiny step`);
      const h = smallOpInputs();
      const [a, b] = [this.array(h.a), this.array(h.b)];
      checkResult('add', np.add(a.ref, b.ref).dataSync(), smallOpExpected());
      return {
        run: async () => {
          for (let i = 0; i < c.repeat; i++) {
            const out = np.add(a.ref, b.ref);
            await out.blockUntilReady();
            out.dispose();
          }
        },
        dispose: () => [a, b].forEach((z) => z.dispose()),
      };
    }

    const h = tinyStepInputs();
    const [x, w] = [this.array(h.x), this.array(h.w)];
    const dLoss = grad((ww: Arr, xx: Arr) => nn.relu(np.matmul(xx, ww)).sum()); // ∂/∂W
    const f = jitted ? jit(dLoss) : dLoss;
    checkResult('dW', f(w.ref, x.ref).dataSync(), tinyStepExpected());
    return {
      run: async () => {
        for (let i = 0; i < c.repeat; i++) {
          const dw = f(w.ref, x.ref);
          if (!dw) throw new Error('grad returned no gradient');
          await dw.blockUntilReady();
          dw.dispose();
        }
      },
      dispose: () => {
        [x, w].forEach((z) => z.dispose());
        if (jitted) (f as Jax.OwnedFunction<typeof dLoss>).dispose();
      },
    };
  }

  /** A runner calling `f` on `args` (kept alive with `.ref`) and waiting for the result. */
  private runner(f: Jax.OwnedFunction<(...a: Arr[]) => Arr>, args: Arr[]): Runner {
    return {
      run: async () => {
        const out = f(...args.map((a) => a.ref));
        await out.blockUntilReady();
        out.dispose();
      },
      dispose: () => {
        args.forEach((a) => a.dispose());
        f.dispose();
      },
    };
  }

  private matmul(c: MatmulCase): Runner {
    const np = this.jax.numpy;
    const { a, b } = matmulInputs(c);
    const f = this.jax.jit((x: Arr, y: Arr) => np.matmul(c.transA ? x.transpose() : x, c.transB ? y.transpose() : y));
    return this.runner(f, [this.array(a), this.array(b)]);
  }

  private conv(c: ConvCase): Runner {
    const { jit, vjp, lax } = this.jax;
    const pad: [number, number][] = [
      [c.pad, c.pad],
      [c.pad, c.pad],
    ];
    const conv = (x: Arr, w: Arr): Arr => lax.convGeneralDilated(x, w, [1, 1], pad);
    const h = convInputs(c);
    const args = [this.array(h.x), this.array(h.w), this.array(h.dy)];
    let f: Jax.OwnedFunction<(x: Arr, w: Arr, dy: Arr) => Arr>;
    if (c.pass === 'forward') {
      f = jit((x: Arr, w: Arr, dy: Arr) => {
        dy.dispose();
        return conv(x, w);
      });
    } else if (c.pass === 'input') {
      f = jit((x: Arr, w: Arr, dy: Arr) => {
        const [y, back] = vjp((xx: Arr) => conv(xx, w), [x]);
        y.dispose();
        return back(dy)[0] as Arr;
      });
    } else {
      f = jit((x: Arr, w: Arr, dy: Arr) => {
        const [y, back] = vjp((ww: Arr) => conv(x, ww), [w]);
        y.dispose();
        return back(dy)[0] as Arr;
      });
    }
    return this.runner(f, args);
  }

  private step(c: StepCase): Runner {
    const { jit, valueAndGrad, tree, numpy: np } = this.jax;
    const model = MODELS[c.model](this.jax);
    const data = stepData(c.model);
    let params: Params = Object.fromEntries(Object.entries(model.params(data)).map(([k, h]) => [k, this.array(h)]));
    const x = this.array(model.input(data));
    const y = this.array(model.target(data));
    const lossGrad = valueAndGrad(model.loss);
    const lr = c.optimizer.lr;

    if (c.optimizer.kind === 'sgd') {
      const step = jit((p: Params, xb: Arr, yb: Arr) => {
        const [loss, g] = lossGrad(tree.ref(p), xb, yb);
        return [loss, tree.map((w: Arr, gw: Arr) => w.sub(gw.mul(lr)), p, g)] as [Arr, Params];
      });
      return {
        run: () => {
          const [loss, next] = step(params, x.ref, y.ref);
          params = next;
          return loss.dataSync()[0];
        },
        dispose: () => {
          tree.dispose([params, x, y]);
          step.dispose();
        },
      };
    }

    // Adam as PyTorch / optax compute it, with the bias corrections folded into the step size.
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    let m: Params = tree.map((p: Arr) => np.zerosLike(p.ref), params) as Params;
    let v: Params = tree.map((p: Arr) => np.zerosLike(p.ref), params) as Params;
    let t = 0;
    const step = jit((p: Params, mp: Params, vp: Params, xb: Arr, yb: Arr, stepSize: Arr) => {
      const [loss, g] = lossGrad(tree.ref(p), xb, yb);
      const m2 = tree.map((mi: Arr, gi: Arr) => mi.mul(b1).add(gi.mul(1 - b1)), mp, tree.ref(g)) as Params;
      const v2 = tree.map((vi: Arr, gi: Arr) => vi.mul(b2).add(np.square(gi).mul(1 - b2)), vp, g) as Params;
      const p2 = tree.map(
        (pi: Arr, mi: Arr, vi: Arr) => pi.sub(mi.mul(stepSize.ref).div(np.sqrt(vi).add(eps))),
        p,
        tree.ref(m2),
        tree.ref(v2),
      ) as Params;
      stepSize.dispose();
      return [loss, p2, m2, v2] as [Arr, Params, Params, Params];
    });
    return {
      run: () => {
        t++;
        const stepSize = np.array(new Float32Array([(lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)]), { shape: [] });
        const [loss, p2, m2, v2] = step(params, m, v, x.ref, y.ref, stepSize);
        [params, m, v] = [p2, m2, v2];
        return loss.dataSync()[0];
      },
      dispose: () => {
        tree.dispose([params, m, v, x, y]);
        step.dispose();
      },
    };
  }
}

// ----- models --------------------------------------------------------------------------------

interface JaxModel {
  /** Parameters in the layouts `loss` wants. */
  params(d: ReturnType<typeof stepData>): Record<string, HostTensor>;
  input(d: ReturnType<typeof stepData>): HostTensor;
  target(d: ReturnType<typeof stepData>): HostTensor;
  /** Scalar loss; consumes its arguments. */
  loss(p: Params, x: Arr, y: Arr): Arr;
}

/** `[out, in]` (PyTorch Linear) → `[in, out]`. */
const dense = (h: HostTensor): HostTensor => permute(h, [1, 0]);

const MODELS: Record<StepCase['model'], (jax: JaxModule) => JaxModel> = {
  mlp: ({ numpy: np, nn }) => ({
    params: ({ params: p }) => ({ w1: dense(p['fc1.weight']!), b1: p['fc1.bias']!, w2: dense(p['fc2.weight']!), b2: p['fc2.bias']! }),
    input: (d) => d.x,
    target: (d) => oneHot(d.y, 10),
    loss(p, x, y) {
      const h = nn.relu(np.matmul(x, p.w1!).add(p.b1!));
      const logits = np.matmul(h, p.w2!).add(p.b2!);
      return nn.logSoftmax(logits, -1).mul(y).sum(-1).mean().neg();
    },
  }),

  transformer: ({ numpy: np, nn }) => {
    const { batch: B, seq: T, dModel: D, heads: H, eps } = TRANSFORMER;
    const dh = D / H;
    const linear = (z: Arr, w: Arr, b: Arr): Arr => np.matmul(z, w).add(b);
    const layerNorm = (z: Arr, g: Arr, b: Arr): Arr => {
      const centered = z.ref.sub(z.mean(-1, { keepdims: true }));
      const variance = np.square(centered.ref).mean(-1, { keepdims: true });
      return centered.div(np.sqrt(variance.add(eps))).mul(g).add(b);
    };
    /** [B·T, D] → [B, H, T, dh] */
    const heads = (z: Arr): Arr => z.reshape([B, T, H, dh]).transpose([0, 2, 1, 3]);
    return {
      params: ({ params: p }) => encoderLayerWeights(p),
      input: (d) => reshape(d.x, [B * T, D]),
      target: (d) => reshape(d.y, [B * T, D]),
      loss(p, x, target) {
        const [q, k, v] = np.split(linear(x.ref, p.inW!, p.inB!), 3, 1) as [Arr, Arr, Arr];
        const scores = np.matmul(heads(q), heads(k).transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(dh));
        const o = np.matmul(nn.softmax(scores, -1), heads(v)).transpose([0, 2, 1, 3]).reshape([B * T, D]);
        const h1 = layerNorm(x.add(linear(o, p.outW!, p.outB!)), p.n1g!, p.n1b!);
        const ff = linear(nn.relu(linear(h1.ref, p.l1W!, p.l1B!)), p.l2W!, p.l2B!);
        const out = layerNorm(h1.add(ff), p.n2g!, p.n2b!);
        return np.square(out.sub(target)).mean();
      },
    };
  },

  lenet: ({ numpy: np, nn, lax }) => {
    const { batch: N, c2, classes } = LENET;
    const pad: [number, number][] = [
      [2, 2],
      [2, 2],
    ];
    /** conv (pad 2) · bias · relu · 2×2 max pool, NCHW. */
    const block = (z: Arr, w: Arr, b: Arr): Arr => {
      const y = nn.relu(lax.convGeneralDilated(z, w, [1, 1], pad).add(b.reshape([1, -1, 1, 1])));
      const [n, c, h, wd] = y.shape as [number, number, number, number];
      return y.reshape([n, c, h / 2, 2, wd / 2, 2]).max([3, 5]);
    };
    return {
      params: ({ params: p }) => ({
        c1w: p['conv1.weight']!,
        c1b: p['conv1.bias']!,
        c2w: p['conv2.weight']!,
        c2b: p['conv2.bias']!,
        f1w: dense(p['fc1.weight']!), // NCHW flattening matches PyTorch's
        f1b: p['fc1.bias']!,
        f2w: dense(p['fc2.weight']!),
        f2b: p['fc2.bias']!,
      }),
      input: (d) => d.x,
      target: (d) => oneHot(d.y, classes),
      loss(p, x, y) {
        const h = block(block(x, p.c1w!, p.c1b!), p.c2w!, p.c2b!).reshape([N, c2 * 49]);
        const f = nn.relu(np.matmul(h, p.f1w!).add(p.f1b!));
        const logits = np.matmul(f, p.f2w!).add(p.f2b!);
        return nn.logSoftmax(logits, -1).mul(y).sum(-1).mean().neg();
      },
    };
  },
};
