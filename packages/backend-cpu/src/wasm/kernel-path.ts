/**
 * The kernel path names, in a module of their own so that the package's public declarations
 * (`CpuBackend.path`) do not pull in `modules.ts`, whose declarations need the `WebAssembly`
 * types (a Node project without the DOM lib, on `@types/node` 20, has none).
 */

/** Which kernels run: plain TypeScript, WebAssembly SIMD, or SIMD with relaxed (fused) multiply-add. */
export type KernelPath = 'js' | 'simd' | 'relaxed-simd';
