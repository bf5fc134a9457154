/**
 * Reverse-mode differentiation over the recorded graph.
 *
 * @module
 */
import { BackendError, DTypeError, DisposedError, GradError, ShapeError } from '../errors.js';
import { backendLabel } from '../backend/registry.js';
import { releaseGraph, tidy, wasFreedByBackward } from '../memory.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fullOn } from '../ops/creation.js';
import { noGrad } from './graph.js';

/**
 * @internal Backpropagates from `root`, adding each leaf's gradient into its `grad`.
 *
 * First checks every tensor the graph saved: still alive, and not changed by `assign` since
 * the op that saved it ran; a failure throws before anything is computed. Gradients in flight
 * are reference-counted so that each is disposed as soon as every node that needs it has
 * consumed it; each node's backward runs in its own `tidy`, so the temporaries of the rules
 * never outlive the pass. Leaves' `grad` change only once the whole pass has succeeded. Unless
 * `retainGraph`, the intermediates kept alive for tensors returned from `tidy` are freed
 * afterwards.
 */
export function runBackward(root: Tensor, gradient?: Tensor, retainGraph = false): void {
  root.info('backward');
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new GradError(
        'backward',
        `a non-scalar output (shape [${root.shape}]) needs an explicit gradient of the same shape`,
      );
    }
  } else {
    gradient.info('backward');
    if (gradient.dtype !== 'float32') {
      throw new DTypeError('backward', `gradient must be float32 of shape [${root.shape}], got ${gradient.dtype} [${gradient.shape}]`);
    }
    if (!shapesEqual(gradient.shape, root.shape)) {
      throw new ShapeError('backward', `gradient must be float32 of shape [${root.shape}], got ${gradient.dtype} [${gradient.shape}]`);
    }
    const from = gradient.backend('backward');
    const to = root.backend('backward');
    if (from !== to) {
      throw new BackendError('backward', `the gradient lives on backend '${backendLabel(from)}', the output on '${backendLabel(to)}'`);
    }
  }

  const order = topoSort(root);
  checkSaved(order);
  if (root._backwardDone && root._node) {
    // Its graph is still alive (not returned from tidy), but a second pass would add the same
    // gradients again: refused, as PyTorch refuses it, unless the first kept the graph.
    throw new GradError(
      'backward',
      `backward already ran through this output (shape [${root.shape}]); pass { retainGraph: true } to the first backward to run it again`,
    );
  }
  const seed = gradient ?? noGrad(() => onesFor(root));
  const grads = new Map<Tensor, Tensor>();
  const uses = new Map<Tensor, number>();
  const leafGrads: [Tensor, Tensor][] = [];
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

  try {
    noGrad(() => {
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i]!;
        const g = grads.get(t);
        if (!g) continue;
        grads.delete(t);
        const node = t._node;
        if (!node) {
          leafGrads.push([t, g]); // released once accumulated
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
            for (const o of inputGrads) if (o && o !== g && !uses.has(o)) o.dispose();
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
      accumulateLeaves(leafGrads);
    });
  } catch (e) {
    // Free every gradient still in flight (never the caller's), then report.
    for (const g of uses.keys()) if (g !== gradient) g.dispose();
    throw e;
  }
  for (const [, g] of leafGrads) release(g);

  if (!retainGraph) {
    for (const t of order) {
      if (!t._node) continue;
      t._backwardDone = true;
      releaseGraph(t, true);
    }
  }
}

/**
 * Throws, naming the op, when a tensor some op of the graph saved was disposed or changed in
 * place (by `assign`) since that op ran. `order` holds every non-leaf of the graph.
 */
function checkSaved(order: readonly Tensor[]): void {
  for (const t of order) {
    const node = t._node;
    if (!node) continue;
    if (t._version !== node.outVersion) {
      throw new GradError(
        'backward',
        `the output of '${node.op}' (shape [${t.shape}]), which '${node.op}' saved for backward, was modified in place ` +
          `by assign after it was computed; compute it again after assign, or call backward before assign`,
      );
    }
    node.inputs.forEach((input, k) => {
      if (input.isDisposed) {
        const why = wasFreedByBackward(input)
          ? 'was freed by an earlier backward() through this graph (pass { retainGraph: true } to that backward to keep it, or run the forward again)'
          : 'was disposed (by dispose(), or by a tidy that did not return it)';
        throw new DisposedError('backward', `tensor #${input.id} of shape [${input.shape}] saved by '${node.op}' ${why}`);
      }
      if (input._version !== node.versions[k]) {
        throw new GradError(
          'backward',
          `tensor #${input.id} of shape [${input.shape}] saved by '${node.op}' was modified in place by assign after ` +
            `'${node.op}' ran (version ${input._version}, saved at ${node.versions[k]}); compute the graph again after ` +
            `assign, or call backward before assign`,
        );
      }
    });
  }
}

/** Adds each leaf's gradient into its `grad` (a view of the gradient when it had none). */
function accumulateLeaves(leafGrads: readonly [Tensor, Tensor][]): void {
  const sums: Tensor[] = [];
  try {
    for (const [leaf, g] of leafGrads) {
      sums.push(leaf.grad && !leaf.grad.isDisposed ? leaf.grad.add(g) : g.detach());
    }
  } catch (e) {
    for (const s of sums) s.dispose();
    throw e;
  }
  leafGrads.forEach(([leaf], k) => {
    const old = leaf.grad;
    leaf.grad = sums[k]!._escape();
    if (old && !old.isDisposed) old.dispose();
  });
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
