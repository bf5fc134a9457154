/**
 * The conformance-kit settings for the gpu.js backend, shared by the Node and browser suites.
 *
 * Forward values: |actual − expected| <= 1e-5 + 1e-4·|expected| against the kit's float64
 * reference (the kit's defaults, the same bound the CPU backend meets). Every kernel computes
 * in IEEE float32 on the device (gpu.js `precision: 'single'`, `highp` everywhere), so the
 * arithmetic ops, matmul, reductions and movement ops agree with the CPU backend to float32
 * rounding; the transcendental functions come from the device's shader library (Mesa llvmpipe
 * under headless-gl, SwiftShader in Chromium), whose exp/log/sin/cos/pow are within a few ulp,
 * and erf/tanh are this backend's own float32 formulas (erf: series below 0.5, A&S 7.1.26
 * above, abs. error < 1.5e-7; tanh: series below 0.05, exp(−2|x|) form above; sin/cos:
 * Cody–Waite reduction and polynomials, because SwiftShader's own are only good to ~2e-4).
 * Measured in all three modes (headless-gl, Chromium WebGL2, Chromium WebGPU), every case of
 * the kit also passes a bound ten times tighter (1e-6 + 1e-5·|e|; gradients 1e-5 + 1e-4·|e|)
 * except one: the K = 129 matmul, whose float32 accumulation is off by 2.1e-6 on an element
 * of 0.0255 (a sixth of this bound) — with bit-identical results in the three modes.
 *
 * Gradients: 1e-4 + 1e-3·|expected| (the kit's defaults), for the same reasons; gradients
 * go through longer op chains (e.g. softmax and cross-entropy backward).
 */
import type { Tolerance } from '@profundo/core/testing';

/** Forward-value tolerance of the conformance kit for this backend. */
export const GPUJS_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4 };
/** Gradient tolerance of the conformance kit for this backend. */
export const GPUJS_GRAD_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-3 };
/** The first 20 training losses of the main job's MLP match the CPU backend's within this relative error. */
export const LOSS_RTOL = 1e-3;

/** Every fused kernel the backend offers, sorted: softmax, and conv / pooling with their backprops. */
export const FUSED_KERNELS = [
  'avgPool2d',
  'avgPool2dBackprop',
  'conv2d',
  'conv2dBackpropFilter',
  'conv2dBackpropInput',
  'logSoftmax',
  'maxPool2d',
  'maxPool2dBackprop',
  'softmax',
];
