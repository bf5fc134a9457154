// Tensors need a backend: the tests use core's naive reference backend, so this package's
// tests depend on @profundo/core alone.
import { listBackends, registerBackend, setBackend } from '@profundo/core';
import { createReferenceBackend } from '@profundo/core/testing';

if (!listBackends().includes('reference')) registerBackend('reference', createReferenceBackend);
await setBackend('reference');
