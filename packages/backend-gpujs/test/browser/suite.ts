/**
 * The browser suite for one mode: the conformance kit case by case (one vitest test per case,
 * run inside headless Chromium on the backend's browser bundle, mode asserted), the main job's
 * MLP against the CPU backend, and 200 training steps inside `tidy`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceCaseNames } from '@profundo/core/testing';
import type { GpujsMode } from '@profundo/backend-gpujs';
import { FUSED_KERNELS, LOSS_RTOL } from '../settings.js';
import { maxRelativeDiff, type TidyReport } from '../training.js';
import { openPage, type Session } from './harness.js';

type Api = {
  caseNames(mode: GpujsMode): Promise<string[]>;
  runCase(mode: GpujsMode, name: string): Promise<{ ok: boolean; message?: string; skipped?: string }>;
  info(mode: GpujsMode): Promise<{ name: string; mode: string; readSync: boolean; maxElements: number; fused: string[] }>;
  fused(mode: GpujsMode): Promise<string[]>;
  nan(mode: GpujsMode): Promise<string[]>;
  unavailable(mode: GpujsMode): Promise<{ name: string; message: string; isBackendError: boolean } | null>;
  mlp(mode: GpujsMode, steps: number): Promise<{ cpu: number[]; gpu: number[] }>;
  readWhileBusy(mode: GpujsMode): Promise<{ ticks: number; ok: boolean }>;
  tidy(mode: GpujsMode, steps: number): Promise<TidyReport>;
};
type Global = { profundo: Api };

/** The case names, computed in Node from the same kit the page runs. */
const names = conformanceCaseNames();

/** Registers the suite of `mode` in headless Chromium. */
export function browserSuite(mode: 'webgl2' | 'webgl' | 'webgpu', options: { mlp: boolean }): void {
  describe(`gpujs backend in headless Chromium (${mode})`, () => {
    let session: Session | null = null;
    const page = () => {
      if (!session) throw new Error(`the Chromium session for ${mode} did not start`);
      return session.page;
    };

    beforeAll(async () => {
      session = await openPage({ webgpu: mode === 'webgpu' });
    }, 180_000);
    afterAll(async () => {
      await session?.close();
    });

    it(`runs in ${mode} mode`, async () => {
      const info = await page().evaluate((m) => (globalThis as unknown as Global).profundo.info(m), mode);
      expect(info).toMatchObject({ name: 'gpujs', mode, readSync: mode !== 'webgpu', maxElements: 2 ** 24 });
      // The page runs this package's current sources: conv and pooling take the fused kernels.
      expect(info.fused).toEqual(FUSED_KERNELS);
    });

    if (mode === 'webgl2') {
      it('reads with data() without blocking the page: timers run while the GPU finishes (pixel-pack buffer and fence)', async () => {
        const r = await page().evaluate((m) => (globalThis as unknown as Global).profundo.readWhileBusy(m), mode);
        expect(r.ok).toBe(true);
        expect(r.ticks).toBeGreaterThan(0);
      });
    }

    it('matmul past the kit\'s sizes (blocked or four-per-thread paths) and fused conv and pooling kernels on strided, dilated, grouped geometries match the CPU backend', async () => {
      expect(await page().evaluate((m) => (globalThis as unknown as Global).profundo.fused(m), mode)).toEqual([]);
    });

    it('propagates NaN as the CPU backend does (relu, max / min / argmax, max pooling and its gradient, softmax, casts, comparisons)', async () => {
      expect(await page().evaluate((m) => (globalThis as unknown as Global).profundo.nan(m), mode)).toEqual([]);
    });

    it('rejects headlessgl, a mode the browser does not have, with an error naming it', async () => {
      const err = await page().evaluate(() => (globalThis as unknown as Global).profundo.unavailable('headlessgl'));
      expect(err).not.toBeNull();
      expect(err!.isBackendError).toBe(true);
      expect(err!.message).toContain("'headlessgl'");
    });

    it('runs the same conformance cases as Node', async () => {
      expect(await page().evaluate((m) => (globalThis as unknown as Global).profundo.caseNames(m), mode)).toEqual(names);
    });

    describe('conformance kit', () => {
      for (const name of names) {
        it(name, async (ctx) => {
          const r = await page().evaluate(([m, n]) => (globalThis as unknown as Global).profundo.runCase(m, n), [mode, name] as const);
          if (!r.ok) throw new Error(r.message);
          // A case that does not apply here (int32 wrapping beyond the backend's maxExactInt).
          if (r.skipped !== undefined) ctx.skip(r.skipped);
        });
      }
    });

    if (options.mlp) {
      it('trains the main job MLP: the first 20 losses match the CPU backend', async () => {
        const { cpu, gpu } = await page().evaluate((m) => (globalThis as unknown as Global).profundo.mlp(m, 20), mode);
        expect(gpu).toHaveLength(20);
        expect(maxRelativeDiff(gpu, cpu)).toBeLessThanOrEqual(LOSS_RTOL);
      }, 300_000);
    }

    it('200 training steps inside tidy leave live tensors and device bytes unchanged', async () => {
      const r = await page().evaluate((m) => (globalThis as unknown as Global).profundo.tidy(m, 200), mode);
      expect(r.after).toEqual(r.before);
      expect(r.lastLoss).toBeLessThan(r.firstLoss);
    }, 300_000);

    it('logged no errors in the page', () => {
      expect(session?.errors ?? []).toEqual([]);
    });
  });
}
