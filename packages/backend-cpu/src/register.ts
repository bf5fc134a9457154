/**
 * Side-effect entry point: `import '@profundo/backend-cpu/register'` registers the CPU
 * backend under the name `'cpu'` (priority 1), so ops run on it without a `setBackend` call.
 * The package's main entry registers nothing.
 *
 * @module
 */
import { listBackends, registerBackend } from '@profundo/core';
import { createCpuBackend } from './index.js';

if (!listBackends().includes('cpu')) registerBackend('cpu', createCpuBackend, { priority: 1 });
