import { listBackends, registerBackend, setBackend } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';

/** Core's own tests run on the naive reference backend, so they need no backend package. */
export async function useReference(): Promise<void> {
  if (!listBackends().includes('ref')) registerBackend('ref', createReferenceBackend);
  await setBackend('ref');
}
