/**
 * The CPU backend's browser suite for one page setup: headless Chromium loads the page with or
 * without cross-origin isolation, and for each backend configuration the suite asserts the
 * path the backend reports (kernels, threads, whether tensors live in the WebAssembly heap) and
 * runs the conformance kit case by case (one vitest test per case), then compares matrix
 * products on the `js` path with SIMD paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceCaseNames } from '@profundo/core/testing';
import type { CpuPath } from '@profundo/backend-cpu';
import { openPage, type Session } from './harness.js';
import type { PageApi, PageConfig } from './page.js';

type Global = { profundo: PageApi };

/** The case names, computed in Node from the same kit the page runs. */
const names = conformanceCaseNames();

/** One backend configuration and the path it must report in the page. */
export interface BrowserConfig extends PageConfig {
  path: CpuPath;
}

/** An `M×K · K×N` product on `config` compared with the `js` path's. */
export interface MatmulCheck {
  config: BrowserConfig;
  M: number;
  K: number;
  N: number;
  /** The product must make the backend's WebAssembly heap grow. */
  grows?: boolean;
}

export interface BrowserSuiteOptions {
  /** Serve the page with COOP `same-origin` and COEP `require-corp`. */
  isolated: boolean;
  /** What the page's environment must report. */
  env: { crossOriginIsolated: boolean; sharedArrayBuffer: boolean; sharedWasmMemory: boolean };
  configs: BrowserConfig[];
  matmul: MatmulCheck[];
}

function label({ options, refuseSharedMemory }: PageConfig): string {
  const o = Object.entries(options)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  return `createCpuBackend({ ${o} })${refuseSharedMemory ? ' with shared memory refused' : ''}`;
}

/** What the page needs of a configuration (plain data: it crosses into the page). */
function pageConfig({ options, refuseSharedMemory }: BrowserConfig): PageConfig {
  return { options, refuseSharedMemory: refuseSharedMemory === true };
}

/** Registers the suite. */
export function browserSuite(options: BrowserSuiteOptions): void {
  const title = options.isolated ? 'cross-origin isolated' : 'not cross-origin isolated';
  describe(`cpu backend in headless Chromium, ${title}`, () => {
    let session: Session | null = null;
    const page = () => {
      if (!session) throw new Error('the Chromium session did not start');
      return session.page;
    };

    beforeAll(async () => {
      session = await openPage({ isolated: options.isolated });
    }, 60_000);
    afterAll(async () => {
      await session?.close();
    });

    it('bundles for the browser with no import but @profundo/core', () => {
      expect(session?.bundleImports).toEqual(['@profundo/core']);
    });

    it(`the page is ${title}`, async () => {
      const env = await page().evaluate(() => (globalThis as unknown as Global).profundo.env());
      expect(env, `Chromium ${session?.version}`).toMatchObject(options.env);
    });

    for (const config of options.configs) {
      describe(label(config), () => {
        let path: CpuPath | null = null;
        beforeAll(async () => {
          path = await page().evaluate((o) => (globalThis as unknown as Global).profundo.setup(o), pageConfig(config));
        });

        it(`runs on ${JSON.stringify(config.path)} once ready`, () => {
          expect(path).toEqual(config.path);
        });

        it('runs the same conformance cases as Node', async () => {
          expect(await page().evaluate((o) => (globalThis as unknown as Global).profundo.caseNames(o), pageConfig(config))).toEqual(names);
        });

        describe('conformance kit', () => {
          for (const name of names) {
            it(name, async (ctx) => {
              const r = await page().evaluate(([o, n]) => (globalThis as unknown as Global).profundo.runCase(o, n), [pageConfig(config), name] as const);
              if (!r.ok) throw new Error(r.message);
              if (r.skipped !== undefined) ctx.skip(r.skipped);
            });
          }
        });
      });
    }

    for (const { config, M, K, N, grows } of options.matmul) {
      it(`a ${M}×${K}·${K}×${N} product on ${label(config)} matches the js path to 1e-4 relative${grows ? ' (growing the heap)' : ''}`, async () => {
        const r = await page().evaluate(
          ([c, m, k, n]) => (globalThis as unknown as Global).profundo.matmul(c, m, k, n),
          [pageConfig(config), M, K, N] as const,
        );
        expect(r.path).toEqual(config.path);
        expect(r.size).toBe(M * N);
        // Differences relative to the largest entry of a float64 product computed in the page;
        // both paths against that product too, so that agreeing means being right.
        expect(r.jsVsOther).toBeLessThanOrEqual(1e-4);
        expect(r.jsVsRef).toBeLessThanOrEqual(1e-5);
        expect(r.otherVsRef).toBeLessThanOrEqual(1e-5);
        if (grows) expect(r.heapAfter).toBeGreaterThan(r.heapBefore);
      });
    }

    it('logged no errors in the page or its workers', () => {
      expect(session?.errors ?? []).toEqual([]);
    });
  });
}
