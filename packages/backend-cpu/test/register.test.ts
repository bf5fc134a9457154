import { expect, it } from 'vitest';
import { getBackendName, listBackends, tensor } from '@profundo/core';
import '@profundo/backend-cpu/register';

it("the register entry makes 'cpu' the default backend without setBackend", () => {
  expect(listBackends()).toContain('cpu');
  expect(tensor([1, 2]).add(1).dataSync()).toEqual(new Float32Array([2, 3]));
  expect(getBackendName()).toBe('cpu');
});
