/**
 * Reverse-mode differentiation over the recorded graph.
 *
 * @module
 */
import { GradError, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fullOn } from '../ops/creation.js';
import { noGrad } from './graph.js';

/**
 * @internal Backpropagates from `root`, adding each leaf's gradient into its `grad`.
 *
 * Gradients in flight are reference-counted so that each is disposed as soon as every node
 * that needs it has consumed it; each node's backward runs in its own `tidy`, so the
 * temporaries of the rules never outlive the pass.
 */
export function runBackward(root: Tensor, gradient?: Tensor): void {
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new GradError(
        'backward',
        `a non-scalar output (shape [${root.shape}]) needs an explicit gradient of the same shape`,
      );
    }
    seed = noGrad(() => onesFor(root));
  } else {
    gradient.info('backward');
    if (!shapesEqual(gradient.shape, root.shape) || gradient.dtype !== 'float32') {
      throw new ShapeError(
        'backward',
        `gradient must be float32 of shape [${root.shape}], got ${gradient.dtype} [${gradient.shape}]`,
      );
    }
    seed = gradient;
  }

  const order = topoSort(root);
  const grads = new Map<Tensor, Tensor>();
  const uses = new Map<Tensor, number>();
  const retain = (g: Tensor): void => void uses.set(g, (uses.get(g) ?? 0) + 1);
  const release = (g: Tensor): void => {
    const n = (uses.get(g) ?? 0) - 1;
    if (n > 0) uses.set(g, n);
    else {
      uses.delete(g);
      g.dispose();
    }
  };
  if (gradient !== undefined) retain(seed); // the caller's tensor is never disposed here
  retain(seed);
  grads.set(root, seed);

  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node = t._node;
      if (!node) {
        accumulateLeaf(t, g);
        release(g);
        continue;
      }
      const inputGrads = tidy(() => node.backward(g));
      node.inputs.forEach((input, k) => {
        const ig = inputGrads[k];
        if (!ig || !input.requiresGrad) {
          if (ig && !uses.has(ig) && ig !== g) ig.dispose();
          return;
        }
        if (!shapesEqual(ig.shape, input.shape)) {
          throw new GradError('backward', `${node.op} produced a gradient of shape [${ig.shape}] for an input of shape [${input.shape}]`);
        }
        const prev = grads.get(input);
        if (prev) {
          const sum = prev.add(ig);
          release(prev);
          if (!uses.has(ig)) ig.dispose();
          retain(sum);
          grads.set(input, sum);
        } else {
          retain(ig);
          grads.set(input, ig);
        }
      });
      release(g);
    }
  });
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad && !leaf.grad.isDisposed) {
    const old = leaf.grad;
    leaf.grad = old.add(g)._escape();
    old.dispose();
  } else {
    // A view, so the gradient tensor in flight can be released without freeing the leaf's.
    leaf.grad = g.detach()._escape();
  }
}

/** Nodes reachable from `root` through tensors that require grad, inputs before outputs. */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [t, k] = top;
    const inputs = t._node?.inputs ?? [];
    if (k < inputs.length) {
      top[1]++;
      const next = inputs[k]!;
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

function onesFor(t: Tensor): Tensor {
  return fullOn(t.backend('backward'), t.shape, 1);
}
